import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import type { Readable } from 'node:stream';
import { access, constants, open, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CustodyError, DependencyUnavailableError, LockedError, NotFoundError, RejectedInputError, errorMessage } from '@custody/errors';
import type { ArchiveStore, ObjectInfo, ObjectVersionRef, PutRequest, PutResult } from '../port';
import { READ_ONLY_FILE, copyFileAtomic, fsyncDir, mkdirDurable, removeStaleTemps, writeFileAtomic } from '@custody/durable-fs';
import { VERSIONS_DIR, keyPath, segmentOf } from './keys';

export interface LocalArchiveStoreOptions {
  dir: string;
}

interface VersionMeta {
  key: string;
  versionId: string;
  sha256: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
  retainUntil: string;
  legalHold: boolean;
  lastModified: string;
}

/** Time-ordered, so the newest version of a key sorts last. */
const VERSION_ID = /^[0-9a-f]{32}$/;
const newVersionId = () => Date.now().toString(16).padStart(12, '0') + randomBytes(10).toString('hex');

/**
 * WORM archive in a local directory with the rules of S3 Object Lock in COMPLIANCE mode, enforced
 * here rather than recorded: write-once keys, no deletion while retained or held, retention only
 * extended. Layout: `objects/<key segments>/@versions/<versionId>.data` (read-only) and
 * `<versionId>.json` (metadata). The metadata file is each version's commit point: it is written
 * after the data and removed before it, so a crash never exposes a version without its bytes.
 * Mutations of one key are serialized in this process; one process owns `dir`. Atomic writes stage
 * their temporaries in `tmp/` (same file system, so the rename into `objects/` stays atomic): what a
 * kill -9 leaves there is deleted by the next ensureReady, without walking the object tree.
 */
export class LocalArchiveStore implements ArchiveStore {
  private readonly objects: string;
  private readonly tmp: string;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(opts: LocalArchiveStoreOptions) {
    this.objects = join(opts.dir, 'objects');
    this.tmp = join(opts.dir, 'tmp');
  }

  /** Creates the directories and deletes temporaries of writes a crash interrupted (call it when opening). */
  async ensureReady(): Promise<void> {
    await io('create archive directory', async () => {
      await mkdirDurable(this.objects);
      await mkdirDurable(this.tmp);
      await removeStaleTemps(this.tmp);
    });
  }

  async probe(): Promise<void> {
    try {
      await access(this.objects, constants.W_OK);
    } catch (err) {
      throw new DependencyUnavailableError('archive-dir', `archive directory unusable: ${errorMessage(err)}`, err);
    }
  }

  async put(req: PutRequest): Promise<PutResult> {
    const dir = this.versionsDir(req.key);
    if (!(req.retainUntil.getTime() > Date.now())) throw new RejectedInputError('invalid_retention', `retain-until for ${req.key} must be in the future`);
    return this.exclusive(req.key, `put ${req.key}`, async () => {
      // If-None-Match: * semantics: an existing version wins and nothing is written
      const existing = await this.latest(dir);
      if (existing) return { key: req.key, versionId: existing.versionId, sha256: existing.sha256, created: false };
      const meta: VersionMeta = {
        key: req.key,
        versionId: newVersionId(),
        sha256: Buffer.isBuffer(req.body) ? createHash('sha256').update(req.body).digest('hex') : req.body.sha256,
        size: Buffer.isBuffer(req.body) ? req.body.length : req.body.size,
        contentType: req.contentType,
        metadata: { ...req.metadata },
        retainUntil: req.retainUntil.toISOString(),
        legalHold: req.legalHold,
        lastModified: new Date().toISOString(),
      };
      await mkdirDurable(dir);
      const data = join(dir, `${meta.versionId}.data`);
      if (Buffer.isBuffer(req.body)) await writeFileAtomic(data, req.body, READ_ONLY_FILE, this.tmp);
      else await copyFileAtomic(req.body.path, data, READ_ONLY_FILE, { size: meta.size, sha256: meta.sha256 }, this.tmp);
      await writeFileAtomic(join(dir, `${meta.versionId}.json`), JSON.stringify(meta), READ_ONLY_FILE, this.tmp);
      return { key: req.key, versionId: meta.versionId, sha256: meta.sha256, created: true };
    });
  }

  async head(key: string, versionId?: string): Promise<ObjectInfo | null> {
    const dir = this.versionsDir(key);
    const meta = await io(`head ${key}`, () => (versionId === undefined ? this.latest(dir) : this.version(dir, versionId)));
    return meta && infoOf(meta);
  }

  async get(key: string, versionId?: string, range?: { start: number; end: number }): Promise<{ info: ObjectInfo; body: Buffer }> {
    const info = await this.head(key, versionId);
    if (!info) throw new NotFoundError(`no archived object ${key}${versionId ? ` version ${versionId}` : ''}`);
    const file = join(this.versionsDir(key), `${info.versionId}.data`);
    if (!range) return { info, body: await io(`get ${key}`, () => readFile(file)) };
    // as S3: an inclusive range, clamped at the end of the object
    if (!(range.start >= 0 && range.start <= range.end && range.start < info.size)) {
      throw new RejectedInputError('range_not_satisfiable', `range ${range.start}-${range.end} of ${key} (${info.size} bytes) is not satisfiable`, 416);
    }
    const body = Buffer.alloc(Math.min(range.end, info.size - 1) - range.start + 1);
    await io(`get ${key}`, async () => {
      const fh = await open(file, 'r');
      try {
        await fh.read(body, 0, body.length, range.start);
      } finally {
        await fh.close();
      }
    });
    return { info, body };
  }

  async getStream(key: string, versionId?: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const info = await this.head(key, versionId);
    if (!info) throw new NotFoundError(`no archived object ${key}${versionId ? ` version ${versionId}` : ''}`);
    return { info, body: createReadStream(join(this.versionsDir(key), `${info.versionId}.data`)) };
  }

  async setLegalHold(key: string, versionId: string, on: boolean): Promise<void> {
    await this.update(key, versionId, `legal hold ${on ? 'on' : 'off'} ${key}`, (meta) => (meta.legalHold === on ? null : { ...meta, legalHold: on }));
  }

  async extendRetention(key: string, versionId: string, until: Date): Promise<void> {
    await this.update(key, versionId, `extend retention ${key}`, (meta) => {
      const current = new Date(meta.retainUntil);
      if (current.getTime() === until.getTime()) return null;
      if (current.getTime() > until.getTime()) {
        throw new LockedError(`retention of ${key} runs until ${meta.retainUntil}; it can be extended, never shortened`);
      }
      return { ...meta, retainUntil: until.toISOString() };
    });
  }

  /** Deleting a version that does not exist succeeds, as on S3. */
  async deleteVersion(key: string, versionId: string): Promise<void> {
    const dir = this.versionsDir(key);
    await this.exclusive(key, `delete ${key} version ${versionId}`, async () => {
      const meta = await this.version(dir, versionId);
      if (!meta) return;
      if (meta.legalHold) throw new LockedError(`${key} version ${versionId} is under legal hold`);
      if (Date.now() < new Date(meta.retainUntil).getTime()) throw new LockedError(`${key} version ${versionId} is retained until ${meta.retainUntil}`);
      await unlink(join(dir, `${versionId}.json`));
      await fsyncDir(dir);
      await unlink(join(dir, `${versionId}.data`));
    });
  }

  /** Keys whose name starts with `prefix` (a string prefix, as on S3), newest version of each key first. */
  async *list(prefix: string): AsyncIterable<ObjectVersionRef> {
    yield* this.walk(this.objects, '', prefix);
  }

  private async *walk(dir: string, keyPrefix: string, prefix: string): AsyncGenerator<ObjectVersionRef> {
    const names = (await io(`list ${prefix}`, () => subdirectories(dir))).sort();
    for (const name of names) {
      if (name === VERSIONS_DIR) {
        yield* await io(`list ${prefix}`, () => this.versionsIn(join(dir, name), prefix));
        continue;
      }
      const segment = segmentOf(name);
      if (segment === null) continue;
      const key = keyPrefix + segment;
      // descend only where keys can still start with the prefix
      if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.walk(join(dir, name), `${key}/`, prefix);
    }
  }

  private async versionsIn(dir: string, prefix: string): Promise<ObjectVersionRef[]> {
    const metas = (await this.versions(dir)).filter((m) => m.key.startsWith(prefix)).reverse();
    return metas.map((m, i) => ({
      key: m.key,
      versionId: m.versionId,
      isLatest: i === 0,
      deleteMarker: false,
      size: m.size,
      lastModified: new Date(m.lastModified),
    }));
  }

  private versionsDir(key: string): string {
    return join(this.objects, ...keyPath(key), VERSIONS_DIR);
  }

  /** Oldest first. */
  private async versions(dir: string): Promise<VersionMeta[]> {
    const ids = (await readdir(dir).catch(ifMissing([] as string[])))
      .filter((f) => f.endsWith('.json') && VERSION_ID.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
    const metas = await Promise.all(ids.map((id) => this.version(dir, id)));
    return metas.filter((m): m is VersionMeta => m !== null);
  }

  private async latest(dir: string): Promise<VersionMeta | null> {
    const all = await this.versions(dir);
    return all[all.length - 1] ?? null;
  }

  private async version(dir: string, versionId: string): Promise<VersionMeta | null> {
    if (!VERSION_ID.test(versionId)) return null;
    const text = await readFile(join(dir, `${versionId}.json`), 'utf8').catch(ifMissing(null));
    return text === null ? null : (JSON.parse(text) as VersionMeta);
  }

  /** Atomic read-modify-write of one version's metadata; `change` returns null for "nothing to do". */
  private async update(key: string, versionId: string, what: string, change: (meta: VersionMeta) => VersionMeta | null): Promise<void> {
    const dir = this.versionsDir(key);
    await this.exclusive(key, what, async () => {
      const meta = await this.version(dir, versionId);
      if (!meta) throw new NotFoundError(`${what}: no version ${versionId}`);
      const updated = change(meta);
      if (updated) await writeFileAtomic(join(dir, `${versionId}.json`), JSON.stringify(updated), READ_ONLY_FILE, this.tmp);
    });
  }

  private async exclusive<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    const result = (this.locks.get(key) ?? Promise.resolve()).then(() => io(what, fn));
    const tail = result.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

function infoOf(meta: VersionMeta): ObjectInfo {
  return {
    key: meta.key,
    versionId: meta.versionId,
    sha256: meta.sha256,
    size: meta.size,
    lastModified: new Date(meta.lastModified),
    retentionMode: 'COMPLIANCE',
    retainUntil: new Date(meta.retainUntil),
    legalHold: meta.legalHold,
  };
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(ifMissing([] as Dirent[]));
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
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
async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what}: not found`);
    throw new DependencyUnavailableError('archive-dir', `${what}: ${errorMessage(err)}`, err);
  }
}
