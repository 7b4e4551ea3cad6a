import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportKey, type ArchiveStore, type PutBody } from '@custody/archive-store';
import { IntegrityError } from '@custody/errors';

/** A file of the package as stored: what the manifest lists. */
export interface StoredFile {
  path: string;
  size: number;
  sha256: string;
}

/** Where the package's files live in WORM: `package/<path>` under the export's prefix. */
export const packageKey = (tenant: string, exportId: string, path: string) => exportKey(tenant, exportId, `package/${path}`);

/**
 * Writes an export's objects to WORM, locked until `retainUntil`. Every key is written once: a
 * resumed job that renders a file again finds it stored and must have rendered the same bytes
 * (renderers are deterministic), or the job fails rather than produce two different packages.
 */
export class PackageWriter {
  private spoolDir?: string;

  constructor(
    private readonly store: ArchiveStore,
    private readonly tenant: string,
    private readonly exportId: string,
    private readonly retainUntil: Date,
  ) {}

  /** A package file, from memory or from a spooled file (removed once stored). */
  async putFile(path: string, body: Buffer | SpooledFile, contentType: string): Promise<StoredFile> {
    try {
      return await this.putKey(packageKey(this.tenant, this.exportId, path), path, body, contentType);
    } finally {
      if (!Buffer.isBuffer(body)) await rm(body.path, { force: true });
    }
  }

  /** An object of the job itself (plan, unit records, certificate), beside the package. */
  async putJobObject(path: string, body: Buffer, contentType = 'application/json', opts: { keepExisting?: boolean } = {}): Promise<StoredFile> {
    return this.putKey(exportKey(this.tenant, this.exportId, path), path, body, contentType, opts.keepExisting);
  }

  /** Renders into a temp file, hashing as it goes: large documents never sit in memory. */
  async spool<T>(render: (out: Writable) => Promise<T>): Promise<{ file: SpooledFile; result: T }> {
    this.spoolDir ??= await mkdtemp(join(tmpdir(), 'custody-export-'));
    const path = join(this.spoolDir, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const written = pipeline(counter, createWriteStream(path, { mode: 0o600 }));
    let result: T;
    try {
      result = await render(counter);
      if (!counter.writableEnded) counter.end();
      await written;
    } catch (err) {
      counter.destroy();
      await written.catch(() => undefined);
      await rm(path, { force: true });
      throw err;
    }
    return { file: { path, size, sha256: hash.digest('hex') }, result };
  }

  async close(): Promise<void> {
    if (this.spoolDir) await rm(this.spoolDir, { recursive: true, force: true });
    this.spoolDir = undefined;
  }

  private async putKey(key: string, path: string, body: Buffer | SpooledFile, contentType: string, keepExisting = false): Promise<StoredFile> {
    const sha256 = Buffer.isBuffer(body) ? createHash('sha256').update(body).digest('hex') : body.sha256;
    const size = Buffer.isBuffer(body) ? body.length : body.size;
    const put: PutBody = Buffer.isBuffer(body) ? body : { path: body.path, size, sha256 };
    const r = await this.store.put({ key, body: put, contentType, retainUntil: this.retainUntil, legalHold: false });
    if (!r.created) {
      const existing = await this.store.head(key);
      if (keepExisting && existing) return { path, size: existing.size, sha256: existing.sha256 };
      if (existing?.sha256 !== sha256) {
        throw new IntegrityError(
          `export ${this.exportId}: ${path} is already stored with SHA-256 ${existing?.sha256 ?? '(none)'}, rendered again as ${sha256}`,
        );
      }
    }
    return { path, size, sha256 };
  }
}

export interface SpooledFile {
  path: string;
  size: number;
  sha256: string;
}
