import { TILE_WIDTH, checkpointKey, logLeavesKey, logTileKey, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { checkpointHash, publicKeyFromBase64, signCheckpoint, verifiedSigners, type SigningKey } from './checkpoint';
import { leafHashOf, type LogLeaf, type SequencedLeaf } from './leaf';
import {
  countFullTiles,
  encodeTile,
  listTileBatches,
  readCheckpoint,
  readLeafBatch,
  readTile,
  TILE_HEIGHT,
  type LeafBatch,
  type LogSource,
} from './log-objects';
import { CompactRange, rootOf } from './merkle';

export interface RecordLogWriterDeps {
  store: ArchiveStore;
  /** Signs checkpoints; without it leaves are still logged and no checkpoint is written (stack without a key). */
  signingKey?: SigningKey;
  logger: Logger;
  now?: () => Date;
}

/** What the writer knows of one tenant's log, rebuilt from the store at first use. */
interface TenantLog {
  size: number;
  range: CompactRange;
  /** pending[L]: the hashes of the unfinished tile at level L (fewer than 256). */
  pending: Buffer[][];
  counts: Record<string, number>;
  retainUntil: string;
  checkpoint: { size: number; sha256: string } | null;
  source?: LogSource;
}

const EPOCH = new Date(0).toISOString();
const countKey = (l: LogLeaf) => `${l.channel || '-'} ${l.type}`;

/**
 * Appends leaves to tenants' logs and signs checkpoints. One writer per tenant at a time is the
 * bus's doing (the log topic is keyed by tenant, a partition has one consumer); should two ever
 * overlap (a rebalance), write-once keys decide: the loser finds its batch key taken, reloads the
 * log from the store and appends after it. Nothing here is trusted across restarts but the store.
 */
export class RecordLogWriter {
  private readonly logs = new Map<string, Promise<TenantLog>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: RecordLogWriterDeps) {}

  /** Appends `leaves` (in order) for `source`; a source already appended whole is skipped. Returns the sequences given. */
  append(tenant: string, leaves: LogLeaf[], source?: Omit<LogSource, 'complete'>): Promise<SequencedLeaf[]> {
    return this.serial(tenant, async () => {
      for (let attempt = 0; ; attempt++) {
        const log = await this.load(tenant);
        if (source && isAlreadyLogged(log.source, source)) return [];
        try {
          return await this.appendTo(tenant, log, leaves, source);
        } catch (err) {
          // whatever failed half-way (a tile put in an outage), the next attempt starts from the store
          this.logs.delete(tenant);
          if (!(err instanceof BatchTaken) || attempt >= 3) throw err;
          this.deps.logger.warn({ event: 'record_log_reloaded', tenant, at: err.first }, 'another writer appended first; reloading the log');
        }
      }
    });
  }

  /** Signs and stores a checkpoint of the tenant's log when it grew since the last one. Returns its size, or null when none was due. */
  checkpoint(tenant: string): Promise<number | null> {
    return this.serial(tenant, async () => {
      const key = this.deps.signingKey;
      if (!key) return null;
      const log = await this.load(tenant);
      if (log.size === 0 || log.checkpoint?.size === log.size) return null;
      // the tip must still be ours: a batch after it means another writer went on (reload next time)
      if (await this.deps.store.head(logLeavesKey(tenant, log.size))) {
        this.logs.delete(tenant);
        return null;
      }
      const signed = signCheckpoint(
        {
          tenant,
          size: log.size,
          root: log.range.root().toString('hex'),
          previous: log.checkpoint?.sha256 ?? null,
          time: this.now().toISOString(),
          retainUntil: log.retainUntil,
          counts: log.counts,
        },
        key,
      );
      const put = await this.deps.store.put({
        key: checkpointKey(tenant, log.size),
        body: Buffer.from(JSON.stringify(signed, null, 2)),
        contentType: 'application/json',
        retainUntil: this.lockUntil(log.retainUntil),
        legalHold: false,
      });
      // write-once: a checkpoint of this size already stored is the one that counts
      const stored = put.created ? signed : await readCheckpoint(this.deps.store, checkpointKey(tenant, log.size));
      // never chain onto a checkpoint this key did not sign (one planted at the size the log reached)
      if (verifiedSigners(stored, [publicKeyFromBase64(key.publicKeyBase64)]).length === 0)
        throw new IntegrityError(`${checkpointKey(tenant, log.size)} holds a checkpoint not signed by ${key.keyId}`);
      log.checkpoint = { size: log.size, sha256: checkpointHash(stored.body) };
      this.deps.logger.info({ event: 'checkpoint_signed', tenant, size: log.size, key_id: key.keyId, created: put.created });
      return log.size;
    });
  }

  /** Tenants whose log this writer has loaded (the ones a timer should checkpoint). */
  tenants(): string[] {
    return [...this.logs.keys()];
  }

  private async appendTo(tenant: string, log: TenantLog, leaves: LogLeaf[], source?: Omit<LogSource, 'complete'>): Promise<SequencedLeaf[]> {
    const sequenced = leaves.map((l, i) => ({ ...l, sequence: log.size + i }));
    let i = 0;
    while (i < sequenced.length) {
      const first = sequenced[i].sequence;
      const room = TILE_WIDTH - (first % TILE_WIDTH);
      const chunk = sequenced.slice(i, i + room);
      i += chunk.length;
      const counts = { ...log.counts };
      let retainUntil = log.retainUntil;
      for (const l of chunk) {
        counts[countKey(l)] = (counts[countKey(l)] ?? 0) + 1;
        if (l.retainUntil > retainUntil) retainUntil = l.retainUntil;
      }
      const batch: LeafBatch = {
        schema: 'custody.log-leaves/v1',
        tenant,
        first,
        leaves: chunk,
        ...(source && { source: { ...source, complete: i === sequenced.length } }),
        after: { counts, retainUntil, checkpoint: log.checkpoint },
      };
      const put = await this.deps.store.put({
        key: logLeavesKey(tenant, first),
        body: Buffer.from(JSON.stringify(batch)),
        contentType: 'application/json',
        retainUntil: new Date(retainUntil),
        legalHold: false,
      });
      if (!put.created) throw new BatchTaken(first);
      log.counts = counts;
      log.retainUntil = retainUntil;
      log.source = batch.source;
      for (const l of chunk) {
        await this.addHash(tenant, log, 0, leafHashOf(l), l.sequence);
        log.size = l.sequence + 1;
      }
    }
    return sequenced;
  }

  /**
   * Adds a node to the unfinished tile of `level` (`sequence`: the leaf that brought it); a finished
   * tile is stored and its root goes one level up.
   */
  private async addHash(tenant: string, log: TenantLog, level: number, hash: Buffer, sequence: number): Promise<void> {
    if (level === 0) log.range.push(hash);
    const pending = (log.pending[level] ??= []);
    pending.push(hash);
    if (pending.length < TILE_WIDTH) return;
    await this.storeTile(tenant, log.retainUntil, level, Math.floor(sequence / TILE_WIDTH ** (level + 1)), pending);
    log.pending[level] = [];
    await this.addHash(tenant, log, level + 1, rootOf(pending), sequence);
  }

  private async storeTile(tenant: string, retainUntil: string, level: number, index: number, hashes: Buffer[]): Promise<void> {
    const body = encodeTile(hashes);
    const put = await this.deps.store.put({
      key: logTileKey(tenant, level, index),
      body,
      contentType: 'application/octet-stream',
      retainUntil: this.lockUntil(retainUntil),
      legalHold: false,
    });
    if (put.created) return;
    // a tile stored before a crash must be the very same; anything else is a forked or forged log
    const stored = await readTile(this.deps.store, tenant, level, index);
    if (!stored || !encodeTile(stored).equals(body))
      throw new IntegrityError(`log tile ${level}/${index} of ${tenant} is stored with other hashes than its leaves give`);
  }

  /** As long as the longest-kept leaf covered, and never into the past (the store cannot lock backwards). */
  private lockUntil(retainUntil: string): Date {
    return new Date(Math.max(Date.parse(retainUntil), this.now().getTime() + 86_400_000));
  }

  private load(tenant: string): Promise<TenantLog> {
    let loaded = this.logs.get(tenant);
    if (!loaded) {
      loaded = loadTenantLog(this.deps.store, tenant, (level, index, hashes, retainUntil) => {
        this.deps.logger.warn({ event: 'record_log_tile_completed', tenant, level, index }, 'a tile left unwritten by a crash is written now');
        return this.storeTile(tenant, retainUntil, level, index, hashes);
      });
      loaded.catch(() => this.logs.delete(tenant));
      this.logs.set(tenant, loaded);
    }
    return loaded;
  }

  /** One operation per tenant at a time (appends from the bus, checkpoints from a timer). */
  private serial<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(tenant) ?? Promise.resolve()).then(fn, fn);
    this.queues.set(
      tenant,
      run.catch(() => undefined),
    );
    return run;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }
}

class BatchTaken extends Error {
  constructor(readonly first: number) {
    super(`log batch at ${first} already exists`);
  }
}

function isAlreadyLogged(last: LogSource | undefined, s: Omit<LogSource, 'complete'>): boolean {
  if (!last || last.topic !== s.topic || last.partition !== s.partition) return false;
  const [a, b] = [BigInt(s.offset), BigInt(last.offset)];
  return a < b || (a === b && last.complete);
}

/**
 * Rebuilds a writer's state from the store alone: full level-0 tiles are found by galloping over
 * their keys (O(log n) heads), the unfinished tile's leaves are one listing, each level above is at
 * most 255 tile reads, and the counts and last checkpoint come from the last batch. A tile a crash
 * left unwritten (its leaves all stored) is written by `storeTile` on the way.
 */
export async function loadTenantLog(
  store: ArchiveStore,
  tenant: string,
  storeTile: (level: number, index: number, hashes: Buffer[], retainUntil: string) => Promise<void>,
): Promise<TenantLog> {
  let fullTiles = await countFullTiles(store, tenant);
  let batches: LeafBatch[];
  for (;;) {
    batches = await Promise.all((await listTileBatches(store, tenant, fullTiles)).map((b) => readLeafBatch(store, tenant, b.key, b.versionId)));
    const leaves = batches.flatMap((b) => b.leaves);
    leaves.forEach((l, i) => {
      if (l.sequence !== fullTiles * TILE_WIDTH + i)
        throw new IntegrityError(`record log of ${tenant}: leaf ${fullTiles * TILE_WIDTH + i} missing or out of order`);
    });
    if (leaves.length < TILE_WIDTH) break;
    await storeTile(0, fullTiles, leaves.map(leafHashOf), batches.at(-1)!.after.retainUntil);
    fullTiles++;
  }
  const last = batches.at(-1) ?? (fullTiles > 0 ? await lastBatchOfTile(store, tenant, fullTiles - 1) : undefined);
  const pending: Buffer[][] = [batches.flatMap((b) => b.leaves.map(leafHashOf))];
  // each level above 0: roots of the full tiles below that no full tile of this level covers yet
  let below = fullTiles;
  for (let level = 1; below > 0; level++) {
    const start = Math.floor(below / TILE_WIDTH) * TILE_WIDTH;
    const roots: Buffer[] = [];
    for (let i = start; i < below; i++) {
      const tile = await readTile(store, tenant, level - 1, i);
      if (!tile) throw new IntegrityError(`record log of ${tenant}: tile ${level - 1}/${i} is missing`);
      roots.push(rootOf(tile));
    }
    pending[level] = roots;
    const fullHere = Math.floor(below / TILE_WIDTH);
    if (fullHere > 0 && !(await store.head(logTileKey(tenant, level, fullHere - 1)))) {
      const hashes: Buffer[] = [];
      for (let i = (fullHere - 1) * TILE_WIDTH; i < fullHere * TILE_WIDTH; i++) hashes.push(rootOf((await readTile(store, tenant, level - 1, i))!));
      await storeTile(level, fullHere - 1, hashes, last?.after.retainUntil ?? EPOCH);
    }
    below = fullHere;
  }
  const range = new CompactRange();
  for (let level = pending.length - 1; level >= 0; level--) for (const h of pending[level]) range.push(h, level * TILE_HEIGHT);
  const size = range.size;
  let checkpoint = last?.after.checkpoint ?? null;
  // a checkpoint written after the last batch is the one of the current size
  const tip = await store.head(checkpointKey(tenant, size));
  if (tip && size > 0) checkpoint = { size, sha256: checkpointHash((await readCheckpoint(store, tip.key, tip.versionId)).body) };
  return {
    size,
    range,
    pending,
    counts: last?.after.counts ?? {},
    retainUntil: last?.after.retainUntil ?? EPOCH,
    checkpoint,
    source: last?.source,
  };
}

async function lastBatchOfTile(store: ArchiveStore, tenant: string, tile: number): Promise<LeafBatch | undefined> {
  const last = (await listTileBatches(store, tenant, tile)).at(-1);
  return last && readLeafBatch(store, tenant, last.key, last.versionId);
}
