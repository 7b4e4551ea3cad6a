import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { blobKey } from './layout';
import type { ArchiveStore, ObjectInfo } from './port';
import { RejectedInputError } from '@custody/errors';

/** S3's single-PUT ceiling; well above the 2 GB attachments vendors allow. */
export const MAX_BLOB_BYTES = 5 * 1024 ** 3;

export interface StoredBlob {
  storageKey: string;
  versionId: string;
  sha256: string;
  size: number;
  created: boolean;
}

export type ContentDigest = 'md5' | 'sha1' | 'sha256';

/** What was spooled, before anything is stored: its size and the digests asked for (SHA-256 always). */
export interface SpooledContent {
  size: number;
  digests: Partial<Record<ContentDigest, Buffer>> & { sha256: Buffer };
}

export interface BlobRequest {
  tenant: string;
  /** A stream (vendor download) or a file on disk (export import). */
  source: Readable | { path: string };
  contentType?: string;
  retainUntil: Date;
  legalHold: boolean;
  /** Digests to compute beside SHA-256 while spooling, for `accept` (e.g. to check the vendor's md5). */
  alsoHash?: readonly ContentDigest[];
  /** Judges the content once spooled, before anything is stored: when it throws, nothing is stored. */
  accept?(content: SpooledContent): void;
}

/**
 * Stores attachment content once per tenant, addressed by its SHA-256. Streams are spooled to a
 * temp file while hashed, so nothing is held in memory. When the content is already stored (the
 * same file sent twice), its lock is raised to cover the new record: retention extended if the
 * new record needs longer, legal hold set if the new record is held.
 */
export async function storeBlob(store: ArchiveStore, req: BlobRequest): Promise<StoredBlob> {
  const spool = 'path' in req.source ? undefined : await mkdtemp(join(tmpdir(), 'custody-blob-'));
  try {
    const path = 'path' in req.source ? req.source.path : join(spool!, randomBytes(6).toString('hex'));
    const algorithms = [...new Set<ContentDigest>(['sha256', ...(req.alsoHash ?? [])])];
    const content = 'path' in req.source ? await hashFile(path, algorithms) : await spoolAndHash(req.source, path, algorithms);
    req.accept?.(content);
    const { size } = content;
    const sha256 = content.digests.sha256.toString('hex');
    const storageKey = blobKey(req.tenant, sha256);
    // already stored: do not upload up to 2 GB again only to have the write-once put refuse it
    const existing = await store.head(storageKey);
    const put = existing
      ? { versionId: existing.versionId, created: false }
      : await store.put({
          key: storageKey,
          body: { path, size, sha256 },
          contentType: req.contentType ?? 'application/octet-stream',
          retainUntil: req.retainUntil,
          legalHold: req.legalHold,
        });
    if (!put.created) {
      const info = existing ?? (await store.head(storageKey, put.versionId));
      if (info) await raiseLock(store, info, req);
    }
    return { storageKey, versionId: put.versionId, sha256, size, created: put.created };
  } finally {
    if (spool) await rm(spool, { recursive: true, force: true });
  }
}

/**
 * An object stored once and cited by several records (a blob, a webhook delivery) takes the
 * furthest lock any of them needs: retention only extended, legal hold only set, never the reverse.
 */
export async function raiseLock(store: ArchiveStore, info: ObjectInfo, lock: { retainUntil: Date; legalHold: boolean }): Promise<void> {
  if (!info.retainUntil || info.retainUntil < lock.retainUntil) await store.extendRetention(info.key, info.versionId, lock.retainUntil);
  if (lock.legalHold && !info.legalHold) await store.setLegalHold(info.key, info.versionId, true);
}

function hashes(algorithms: ContentDigest[]) {
  const all = algorithms.map((a) => [a, createHash(a)] as const);
  return {
    update: (chunk: Buffer) => all.forEach(([, h]) => h.update(chunk)),
    digests: () => Object.fromEntries(all.map(([a, h]) => [a, h.digest()])) as SpooledContent['digests'],
  };
}

async function spoolAndHash(source: Readable, path: string, algorithms: ContentDigest[]): Promise<SpooledContent> {
  const hash = hashes(algorithms);
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > MAX_BLOB_BYTES) return done(new RejectedInputError('attachment_too_large', `attachment exceeds ${MAX_BLOB_BYTES} bytes`, 413));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(source, meter, createWriteStream(path, { mode: 0o600 }));
  return { digests: hash.digests(), size };
}

async function hashFile(path: string, algorithms: ContentDigest[]): Promise<SpooledContent> {
  const { size } = await stat(path);
  if (size > MAX_BLOB_BYTES) throw new RejectedInputError('attachment_too_large', `${path} exceeds ${MAX_BLOB_BYTES} bytes`, 413);
  const hash = hashes(algorithms);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { digests: hash.digests(), size };
}
