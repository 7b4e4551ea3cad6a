import { z } from 'zod';
import { TILE_WIDTH, logLeavesKey, logLeavesPrefix, logPrefix, logTileKey, parseKey, type ArchiveStore } from '@custody/archive-store';
import { SignedCheckpoint } from './checkpoint';
import { IntegrityError } from '@custody/errors';
import { SequencedLeaf } from './leaf';

/** Where the leaves of one bus record came from, so a redelivered record is not appended twice. */
export const LogSource = z
  .object({ topic: z.string(), partition: z.number().int(), offset: z.string(), complete: z.boolean() })
  .strict()
  .describe('the bus record whose leaves this batch holds; `complete` is false when they continue in the next batch (a tile boundary)');
export type LogSource = z.infer<typeof LogSource>;

/**
 * One write-once object of the log: consecutive leaves from `first`, never across a tile boundary,
 * with the state after them (cumulative counts, furthest retain-until, the last checkpoint) so a
 * writer restarting reads one object rather than the whole history.
 */
export const LeafBatch = z
  .object({
    schema: z.literal('custody.log-leaves/v1'),
    tenant: z.string(),
    first: z.number().int().nonnegative(),
    leaves: z.array(SequencedLeaf).min(1),
    source: LogSource.optional(),
    after: z
      .object({
        counts: z.record(z.string(), z.number().int().nonnegative()),
        retainUntil: z.iso.datetime(),
        checkpoint: z.object({ size: z.number().int().nonnegative(), sha256: z.string() }).strict().nullable(),
      })
      .strict(),
  })
  .strict();
export type LeafBatch = z.infer<typeof LeafBatch>;

export const TILE_HEIGHT = 8; // log2(TILE_WIDTH)
const HASH_BYTES = 32;

export async function readLeafBatch(store: ArchiveStore, tenant: string, key: string, versionId?: string): Promise<LeafBatch> {
  const { body } = await store.get(key, versionId);
  let batch: LeafBatch;
  try {
    batch = LeafBatch.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    throw new IntegrityError(`log batch ${key} is not a leaf batch: ${(err as Error).message.slice(0, 300)}`);
  }
  if (batch.tenant !== tenant || logLeavesKey(tenant, batch.first) !== key)
    throw new IntegrityError(`log batch ${key} names tenant ${batch.tenant} at ${batch.first}`);
  batch.leaves.forEach((l, i) => {
    if (l.sequence !== batch.first + i) throw new IntegrityError(`log batch ${key}: leaf ${i} says sequence ${l.sequence}, expected ${batch.first + i}`);
  });
  return batch;
}

/** The batches of one tile, in order, as (key, versionId). Keys outside the layout are not batches. */
export async function listTileBatches(store: ArchiveStore, tenant: string, tile: number): Promise<Array<{ key: string; versionId: string; first: number }>> {
  const out: Array<{ key: string; versionId: string; first: number }> = [];
  for await (const v of store.list(logLeavesPrefix(tenant, tile))) {
    const o = parseKey(v.key);
    if (v.deleteMarker || o?.kind !== 'log-leaves') continue;
    out.push({ key: v.key, versionId: v.versionId, first: o.first });
  }
  return out.sort((a, b) => a.first - b.first || (a.versionId < b.versionId ? -1 : 1));
}

export function encodeTile(hashes: Buffer[]): Buffer {
  if (hashes.length !== TILE_WIDTH) throw new RangeError(`a tile holds ${TILE_WIDTH} hashes, not ${hashes.length}`);
  return Buffer.concat(hashes);
}

export async function readTile(store: ArchiveStore, tenant: string, level: number, index: number): Promise<Buffer[] | null> {
  const key = logTileKey(tenant, level, index);
  const info = await store.head(key);
  if (!info) return null;
  const { body } = await store.get(key, info.versionId);
  if (body.length !== TILE_WIDTH * HASH_BYTES) throw new IntegrityError(`log tile ${key} is ${body.length} bytes, a tile is ${TILE_WIDTH * HASH_BYTES}`);
  return Array.from({ length: TILE_WIDTH }, (_, i) => body.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
}

export async function readCheckpoint(store: ArchiveStore, key: string, versionId?: string): Promise<SignedCheckpoint> {
  const { body } = await store.get(key, versionId);
  try {
    return SignedCheckpoint.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    throw new IntegrityError(`${key} is not a signed checkpoint: ${(err as Error).message.slice(0, 300)}`);
  }
}

/** How many consecutive level-0 tiles exist from 0: gallop, then bisect, over `head`. */
export async function countFullTiles(store: ArchiveStore, tenant: string): Promise<number> {
  const exists = async (i: number) => (await store.head(logTileKey(tenant, 0, i))) !== null;
  if (!(await exists(0))) return 0;
  let lo = 0;
  let hi = 1;
  while (await exists(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/** Every leaf batch of a tenant's log, ordered by first sequence: what a whole-log reader walks. */
export async function listLeafBatches(store: ArchiveStore, tenant: string): Promise<Array<{ key: string; versionId: string; first: number }>> {
  const out: Array<{ key: string; versionId: string; first: number }> = [];
  for await (const v of store.list(`${logPrefix(tenant)}leaves/`)) {
    const o = parseKey(v.key);
    if (!v.deleteMarker && o?.kind === 'log-leaves') out.push({ key: v.key, versionId: v.versionId, first: o.first });
  }
  return out.sort((a, b) => a.first - b.first);
}
