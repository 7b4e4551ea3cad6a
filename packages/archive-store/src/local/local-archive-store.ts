import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { access, constants, lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CustodyError,
  DependencyUnavailableError,
  IntegrityError,
  LockedError,
  NotFoundError,
  RejectedInputError,
  errorMessage,
  mapLimit,
} from '@custody/errors';
import { fsyncDir, mkdirDurable, removeStaleTemps } from '@custody/durable-fs';
import type { Logger } from '@custody/logger';
import type { ArchiveStore, ObjectInfo, ObjectVersionRef, PutBody, PutRequest, PutResult } from '../port';
import { LOCK_JOURNAL, directoryPath, isDirectorySegment, isVersionId, locate, parseVersionFileName, segmentOf, versionFileName } from './keys';
import { migrateLegacyLayout } from './legacy-layout';
import { appendLockChange, currentLock, readLockChanges, type Lock, type LockChange } from './lock-journal';
import {
  encodeHeader,
  readVersionBody,
  readVersionHeader,
  readVersionRange,
  sha256Hex,
  streamVersionBody,
  writeVersionFile,
  type StoredVersion,
  type VersionMeta,
} from './version-file';

export interface LocalArchiveStoreOptions {
  dir: string;
  /** Reports a migration of the legacy layout at ensureReady. */
  logger?: Logger;
}

/** What the store holds on disk, for capacity reports (not part of the ArchiveStore port). */
export interface DiskUsage {
  /** Allocated bytes (blocks) of every file and directory below the store's directory. */
  bytes: number;
  files: number;
  directories: number;
}

/**
 * Time-ordered, so the newest version of a key sorts last. The random part comes from randomUUID,
 * which draws from a cached entropy pool (randomBytes per put was 4 % of a put's time): 20 hex
 * digits of a v4 UUID's random bits, skipping its version digit.
 */
const newVersionId = (now: number) => {
  const uuid = randomUUID().replace(/-/g, '');
  return now.toString(16).padStart(12, '0') + uuid.slice(0, 12) + uuid.slice(13, 21);
};
/** About the bucket directories of three tenants' records (16 buckets × 256 shards each, plus their parents). */
const MADE_DIRS_REMEMBERED = 16_384;
/** Version headers read at once while listing. */
const LIST_READ_AHEAD = 16;

interface Located {
  /** The bucket directory holding the key's version files. */
  dir: string;
  name: string;
}

interface Found {
  file: string;
  stored: StoredVersion;
  lock: Lock;
}

/**
 * WORM archive in a local directory with the rules of S3 Object Lock in COMPLIANCE mode, enforced
 * here rather than recorded: write-once keys, no deletion while retained or held, retention only
 * extended. Each version is one read-only file in `versions/` (version-file.ts: header, metadata,
 * bytes, all checksummed), placed by keys.ts; lock changes go to the bucket's lock journal
 * (lock-journal.ts). A version exists once its file is renamed into place and the directory fsynced,
 * so a crash never exposes a version without its bytes. Mutations of one key are serialized in this
 * process; one process owns `dir`. Atomic writes stage their temporaries in `tmp/` (same file
 * system, so the rename stays atomic): what a kill -9 leaves there is deleted by the next
 * ensureReady, without walking the object tree. A directory in the legacy layout (`objects/`) is
 * migrated at ensureReady.
 */
export class LocalArchiveStore implements ArchiveStore {
  private readonly dir: string;
  private readonly versions: string;
  private readonly tmp: string;
  private readonly keyLocks = new Serializer();
  private readonly journalLocks = new Serializer();
  /** Bucket directories known to exist (durably): most puts land in one that an earlier put made. */
  private readonly made = new Set<string>();

  constructor(private readonly opts: LocalArchiveStoreOptions) {
    this.dir = opts.dir;
    this.versions = join(opts.dir, 'versions');
    this.tmp = join(opts.dir, 'tmp');
  }

  /** Creates the directories, deletes temporaries of writes a crash interrupted and migrates a legacy layout (call it when opening). */
  async ensureReady(): Promise<void> {
    await io('open archive directory', async () => {
      await mkdirDurable(this.versions);
      await mkdirDurable(this.tmp);
      await removeStaleTemps(this.tmp);
      const started = Date.now();
      const migrated = await migrateLegacyLayout(join(this.dir, 'objects'), (meta, dataFile) => this.migrate(meta, dataFile));
      if (migrated > 0) this.opts.logger?.info({ event: 'archive_layout_migrated', versions: migrated, ms: Date.now() - started });
    });
  }

  async probe(): Promise<void> {
    try {
      await access(this.versions, constants.W_OK);
    } catch (err) {
      throw new DependencyUnavailableError('archive-dir', `archive directory unusable: ${errorMessage(err)}`, err);
    }
  }

  async put(req: PutRequest): Promise<PutResult> {
    const at = this.locate(req.key);
    if (!(req.retainUntil.getTime() > Date.now())) throw new RejectedInputError('invalid_retention', `retain-until for ${req.key} must be in the future`);
    return this.keyLocks.run(req.key, () =>
      io(`put ${req.key}`, async () => {
        // If-None-Match: * semantics: an existing version wins and nothing is written
        const existing = await this.latest(req.key, at);
        if (existing) return { key: req.key, versionId: existing.stored.meta.versionId, sha256: existing.stored.meta.sha256, created: false };
        const now = Date.now();
        const meta: VersionMeta = {
          key: req.key,
          versionId: newVersionId(now),
          sha256: Buffer.isBuffer(req.body) ? sha256Hex(req.body) : req.body.sha256,
          size: Buffer.isBuffer(req.body) ? req.body.length : req.body.size,
          contentType: req.contentType,
          metadata: { ...req.metadata },
          retainUntil: req.retainUntil.toISOString(),
          legalHold: req.legalHold,
          lastModified: new Date(now).toISOString(),
        };
        await this.write(at, meta, req.body);
        return { key: req.key, versionId: meta.versionId, sha256: meta.sha256, created: true };
      }),
    );
  }

  async head(key: string, versionId?: string): Promise<ObjectInfo | null> {
    const found = await this.find(key, versionId);
    return found && infoOf(found);
  }

  async get(key: string, versionId?: string, range?: { start: number; end: number }): Promise<{ info: ObjectInfo; body: Buffer }> {
    const found = await this.mustFind(key, versionId);
    const info = infoOf(found);
    if (!range) return { info, body: await this.damageNamed(info, () => io(`get ${key}`, () => readVersionBody(found.file, found.stored))) };
    // as S3: an inclusive range, clamped at the end of the object
    if (!(range.start >= 0 && range.start <= range.end && range.start < info.size)) {
      throw new RejectedInputError('range_not_satisfiable', `range ${range.start}-${range.end} of ${key} (${info.size} bytes) is not satisfiable`, 416);
    }
    const body = await this.damageNamed(info, () =>
      io(`get ${key}`, () => readVersionRange(found.file, found.stored, range.start, Math.min(range.end, info.size - 1))),
    );
    return { info, body };
  }

  /**
   * A damaged version is reported by its key and version id: an API caller is told which record, the
   * operator's log gets the file (a path of this machine never goes into an answer).
   */
  private async damageNamed<T>(info: ObjectInfo, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err;
      this.opts.logger?.error({ event: 'archive_version_damaged', key: info.key, version_id: info.versionId, err: err.message });
      const why = err.message.slice(err.message.indexOf(DAMAGED) + DAMAGED.length);
      throw new IntegrityError(`archived object ${info.key} version ${info.versionId} is damaged: ${why}`);
    }
  }

  async getStream(key: string, versionId?: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const found = await this.mustFind(key, versionId);
    return { info: infoOf(found), body: streamVersionBody(found.file, found.stored) };
  }

  async setLegalHold(key: string, versionId: string, on: boolean): Promise<void> {
    await this.changeLock(key, versionId, `legal hold ${on ? 'on' : 'off'} ${key}`, (lock) => (lock.legalHold === on ? null : { legalHold: on }));
  }

  async extendRetention(key: string, versionId: string, until: Date): Promise<void> {
    await this.changeLock(key, versionId, `extend retention ${key}`, (lock) => {
      const current = new Date(lock.retainUntil);
      if (current.getTime() === until.getTime()) return null;
      if (current.getTime() > until.getTime()) {
        throw new LockedError(`retention of ${key} runs until ${lock.retainUntil}; it can be extended, never shortened`);
      }
      return { retainUntil: until.toISOString() };
    });
  }

  /** Deleting a version that does not exist succeeds, as on S3. */
  async deleteVersion(key: string, versionId: string): Promise<void> {
    const at = this.locate(key);
    await this.keyLocks.run(key, () =>
      io(`delete ${key} version ${versionId}`, async () => {
        const found = await this.version(key, at, versionId);
        if (!found) return;
        if (found.lock.legalHold) throw new LockedError(`${key} version ${versionId} is under legal hold`);
        if (Date.now() < Date.parse(found.lock.retainUntil)) throw new LockedError(`${key} version ${versionId} is retained until ${found.lock.retainUntil}`);
        await unlink(found.file);
        await fsyncDir(at.dir);
      }),
    );
  }

  /**
   * Keys whose name starts with `prefix` (a string prefix, as on S3), in key order, newest version
   * of each key first. Only the directory of the prefix's complete segments is read, and below it
   * only what can still match.
   */
  async *list(prefix: string): AsyncIterable<ObjectVersionRef> {
    const slash = prefix.lastIndexOf('/');
    const segments = slash < 0 ? [] : prefix.slice(0, slash).split('/');
    // no key has such a segment (locate refuses them), so nothing can match
    if (!segments.every(isDirectorySegment)) return;
    yield* this.walk(join(this.versions, ...directoryPath(segments)), segments.map((s) => `${s}/`).join(''), prefix.slice(slash + 1));
  }

  /** Bytes and inodes below the store's directory: one walk of the tree, for capacity reports. */
  async diskUsage(): Promise<DiskUsage> {
    const usage: DiskUsage = { bytes: 0, files: 0, directories: 0 };
    const pending = [this.dir];
    await io('disk usage', async () => {
      for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
        usage.directories++;
        const parent = dir;
        usage.bytes += (await lstat(parent)).blocks * 512;
        const paths = (await readdir(parent)).map((n) => join(parent, n));
        const stats = await mapLimit(paths, LIST_READ_AHEAD, (p) => lstat(p));
        for (const [i, st] of stats.entries()) {
          if (st.isDirectory()) pending.push(paths[i]);
          else {
            usage.files++;
            usage.bytes += st.blocks * 512;
          }
        }
      }
    });
    return usage;
  }

  private async *walk(dir: string, keyPrefix: string, partial: string): AsyncGenerator<ObjectVersionRef> {
    const entries = (await io(`list ${keyPrefix}${partial}`, () => entriesOf(dir))).filter((e) => e.segment.startsWith(partial));
    entries.sort((a, b) => compare(a.order, b.order) || compare(b.versionId ?? '', a.versionId ?? ''));
    for (let i = 0; i < entries.length;) {
      const entry = entries[i];
      if (entry.versionId === undefined) {
        yield* this.walk(entry.path, `${keyPrefix}${entry.segment}/`, '');
        i++;
        continue;
      }
      // a run of version files: read their headers a few at a time, then yield them in order
      let end = i;
      while (end < entries.length && end - i < LIST_READ_AHEAD && entries[end].versionId !== undefined) end++;
      const run = entries.slice(i, end);
      // a version deleted since the directory was read is simply no longer listed
      const read = (e: Entry) => this.checkedHeader(e.path, `${keyPrefix}${e.segment}`, e.versionId!).catch(ifMissing(null));
      const stored = await io(`list ${keyPrefix}${partial}`, () => Promise.all(run.map(read)));
      for (const [j, e] of run.entries()) {
        const meta = stored[j]?.meta;
        if (!meta) continue;
        yield {
          key: meta.key,
          versionId: meta.versionId,
          isLatest: entries[i + j - 1]?.order !== e.order,
          deleteMarker: false,
          size: meta.size,
          lastModified: new Date(meta.lastModified),
        };
      }
      i = end;
    }
  }

  private locate(key: string): Located {
    const { bucket, name } = locate(key);
    return { dir: join(this.versions, ...bucket), name };
  }

  private async find(key: string, versionId?: string): Promise<Found | null> {
    const at = this.locate(key);
    return io(`head ${key}`, () => (versionId === undefined ? this.latest(key, at) : this.version(key, at, versionId)));
  }

  private async mustFind(key: string, versionId?: string): Promise<Found> {
    const found = await this.find(key, versionId);
    if (!found) throw new NotFoundError(`no archived object ${key}${versionId ? ` version ${versionId}` : ''}`);
    return found;
  }

  private async latest(key: string, at: Located): Promise<Found | null> {
    // a bucket holds thousands of other keys' files at 10 M records: compare a prefix before parsing
    const own = `${at.name}@`;
    const ids = (await readdir(at.dir).catch(ifMissing([] as string[])))
      .filter((f) => f.startsWith(own))
      .map((f) => parseVersionFileName(f))
      .filter((v) => v?.name === at.name)
      .map((v) => v!.versionId)
      .sort();
    const newest = ids[ids.length - 1];
    return newest === undefined ? null : this.version(key, at, newest);
  }

  private async version(key: string, at: Located, versionId: string): Promise<Found | null> {
    if (!isVersionId(versionId)) return null;
    const file = join(at.dir, versionFileName(at.name, versionId));
    const stored = await this.checkedHeader(file, key, versionId).catch(ifMissing(null));
    if (!stored) return null;
    const journal = join(at.dir, LOCK_JOURNAL);
    return { file, stored, lock: currentLock(stored.meta, await readLockChanges(journal), journal) };
  }

  /** A version file's header, which must name the key and version its place on disk stands for. */
  private async checkedHeader(file: string, key: string, versionId: string): Promise<StoredVersion> {
    const stored = await readVersionHeader(file);
    if (stored.meta.key !== key || stored.meta.versionId !== versionId) {
      throw new IntegrityError(`archive version file ${file} holds ${stored.meta.key} version ${stored.meta.versionId}, not ${key} version ${versionId}`);
    }
    return stored;
  }

  private async write(at: Located, meta: VersionMeta, body: PutBody): Promise<void> {
    if (!this.made.has(at.dir)) {
      await mkdirDurable(at.dir);
      // bucket directories are never removed, so one made (or found) stays; the bound only caps memory
      if (this.made.size >= MADE_DIRS_REMEMBERED) this.made.clear();
      this.made.add(at.dir);
    }
    await writeVersionFile(join(at.dir, versionFileName(at.name, meta.versionId)), this.tmp, encodeHeader(meta), body);
    await fsyncDir(at.dir);
  }

  /** Writes one legacy version as a version file, unless an interrupted migration already did. */
  private async migrate(meta: VersionMeta, dataFile: string): Promise<void> {
    const at = this.locate(meta.key);
    if (await this.version(meta.key, at, meta.versionId)) return;
    await this.write(at, meta, { path: dataFile, size: meta.size, sha256: meta.sha256 });
  }

  /** Appends a lock change to the version's bucket journal; `change` returns null for "nothing to do". */
  private async changeLock(
    key: string,
    versionId: string,
    what: string,
    change: (lock: Lock) => Pick<LockChange, 'retainUntil' | 'legalHold'> | null,
  ): Promise<void> {
    const at = this.locate(key);
    await this.keyLocks.run(key, () =>
      io(what, async () => {
        const found = await this.version(key, at, versionId);
        if (!found) throw new NotFoundError(`${what}: no version ${versionId}`);
        const delta = change(found.lock);
        if (!delta) return;
        const journal = join(at.dir, LOCK_JOURNAL);
        await this.journalLocks.run(journal, async () => {
          const { created } = await appendLockChange(journal, { key, versionId, ...delta, at: new Date().toISOString() });
          if (created) await fsyncDir(at.dir);
        });
      }),
    );
  }
}

interface Entry {
  segment: string;
  path: string;
  /** Set for version files; subdirectories have none. */
  versionId?: string;
  /** Sorts entries in key order: a subdirectory stands for the keys `<segment>/…`. */
  order: string;
}

/** Version files and subdirectories of a directory, gathered from its buckets. */
async function entriesOf(dir: string): Promise<Entry[]> {
  const buckets = (await readdir(dir, { withFileTypes: true }).catch(ifMissing([] as Dirent[]))).filter((d) => d.isDirectory());
  const perBucket = await Promise.all(buckets.map((b) => readdir(join(dir, b.name), { withFileTypes: true }).catch(ifMissing([] as Dirent[]))));
  return perBucket.flatMap((dirents, i) =>
    dirents.flatMap((d): Entry[] => {
      const path = join(dir, buckets[i].name, d.name);
      const version = d.isFile() ? parseVersionFileName(d.name) : null;
      if (version) {
        const segment = segmentOf(version.name)!;
        return [{ segment, path, versionId: version.versionId, order: segment }];
      }
      const segment = d.isDirectory() ? segmentOf(d.name) : null;
      return segment === null ? [] : [{ segment, path, order: `${segment}/` }];
    }),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function infoOf({ stored: { meta }, lock }: Found): ObjectInfo {
  return {
    key: meta.key,
    versionId: meta.versionId,
    sha256: meta.sha256,
    size: meta.size,
    lastModified: new Date(meta.lastModified),
    retentionMode: 'COMPLIANCE',
    retainUntil: new Date(lock.retainUntil),
    legalHold: lock.legalHold,
  };
}

/** Runs the calls given one id one after another, in the order they came. */
class Serializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(id) ?? Promise.resolve()).then(fn);
    const tail = result.catch(() => undefined);
    this.tails.set(id, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}

function ifMissing<T>(fallback: T): (err: NodeJS.ErrnoException) => T {
  return (err) => {
    if (err.code === 'ENOENT') return fallback;
    throw err;
  };
}

/**
 * A file that vanished means a version deleted meanwhile; other file system failures (disk full,
 * I/O errors) are outages: retriable, never mistaken for bad data.
 */
/** What version-file.ts says of a damaged file, before the reason. */
const DAMAGED = ' is damaged: ';

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what}: not found`);
    throw new DependencyUnavailableError('archive-dir', `${what}: ${errorMessage(err)}`, err);
  }
}
