import { TILE_WIDTH, checkpointKey, logTileKey, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError, NotFoundError } from '@custody/errors';
import { parseCheckpoint, type SignedCheckpoint } from './checkpoint';
import { leafHashOf, type SequencedLeaf } from './leaf';
import { countFullTiles, listTileBatches, readCheckpoint, readLeafBatch, readTile, TILE_HEIGHT, type LeafBatch } from './log-objects';
import { consistencyPath, inclusionPath, rootOf } from './merkle';

/**
 * Reads one tenant's log from the store for proofs: any perfect subtree's hash comes from a stored
 * tile (one read of 8 KB) or, on the unfinished right edge, from the tiles or leaves below it.
 * Tiles read are kept for the reader's life, so the ~log n nodes of one proof cost a few reads.
 */
export class LogReader {
  private readonly tiles = new Map<string, Promise<Buffer[]>>();

  constructor(
    private readonly store: ArchiveStore,
    readonly tenant: string,
  ) {}

  private readonly listings = new Map<number, Promise<Array<{ key: string; versionId: string; first: number }>>>();
  private readonly batches = new Map<string, Promise<LeafBatch>>();

  /** The leaf at `sequence`, from the batch that holds it (listings and batches are kept for the reader's life). */
  async leafAt(sequence: number): Promise<SequencedLeaf> {
    const tile = Math.floor(sequence / TILE_WIDTH);
    let listing = this.listings.get(tile);
    if (!listing) {
      listing = listTileBatches(this.store, this.tenant, tile);
      this.listings.set(tile, listing);
    }
    const holder = (await listing).filter((b) => b.first <= sequence).at(-1);
    let batch = holder && this.batches.get(holder.key);
    if (holder && !batch) {
      batch = readLeafBatch(this.store, this.tenant, holder.key, holder.versionId);
      this.batches.set(holder.key, batch);
    }
    const leaf = batch && (await batch).leaves[sequence - (await batch).first];
    if (!leaf) {
      // a listing taken before the leaf was appended: look again next time
      this.listings.delete(tile);
      throw new NotFoundError(`leaf ${sequence} is not in the record log of ${this.tenant}`);
    }
    return leaf;
  }

  /** The last leaf of `kind` in the log, scanning back from its tip; null when there is none. */
  async lastLeafOf(kind: SequencedLeaf['kind']): Promise<SequencedLeaf | null> {
    for (let sequence = (await this.size()) - 1; sequence >= 0; sequence--) {
      const leaf = await this.leafAt(sequence);
      if (leaf.kind === kind) return leaf;
    }
    return null;
  }

  /** The hash of the perfect aligned subtree [lo, hi) (a PerfectNode). */
  node = async (lo: number, hi: number): Promise<Buffer> => {
    const height = Math.log2(hi - lo);
    const level = Math.floor(height / TILE_HEIGHT);
    const width = TILE_WIDTH ** level;
    const from = lo / width;
    const to = hi / width;
    const entries = await this.tileEntries(level, Math.floor(from / TILE_WIDTH));
    const slice = entries.slice(from % TILE_WIDTH, (from % TILE_WIDTH) + (to - from));
    if (slice.length !== to - from) throw new NotFoundError(`the record log of ${this.tenant} does not reach leaf ${hi - 1}`);
    return slice.length === 1 ? slice[0] : rootOf(slice);
  };

  /** The hashes of tile (level, index): stored when full, else built from what lies below it. */
  private tileEntries(level: number, index: number): Promise<Buffer[]> {
    const id = `${level}/${index}`;
    let entries = this.tiles.get(id);
    if (!entries) {
      entries = this.buildTile(level, index);
      entries.catch(() => this.tiles.delete(id));
      this.tiles.set(id, entries);
    }
    return entries;
  }

  private async buildTile(level: number, index: number): Promise<Buffer[]> {
    const stored = await readTile(this.store, this.tenant, level, index);
    if (stored) return stored;
    if (level === 0) {
      const batches = await listTileBatches(this.store, this.tenant, index);
      const leaves = (await Promise.all(batches.map((b) => readLeafBatch(this.store, this.tenant, b.key, b.versionId)))).flatMap((b: LeafBatch) => b.leaves);
      leaves.forEach((l, i) => {
        if (l.sequence !== index * TILE_WIDTH + i)
          throw new IntegrityError(`record log of ${this.tenant}: leaf ${index * TILE_WIDTH + i} missing or out of order`);
      });
      return leaves.map(leafHashOf);
    }
    const roots: Buffer[] = [];
    for (let i = index * TILE_WIDTH; i < (index + 1) * TILE_WIDTH; i++) {
      if (!(await this.store.head(logTileKey(this.tenant, level - 1, i)))) break;
      roots.push(rootOf(await this.tileEntries(level - 1, i)));
    }
    return roots;
  }

  async inclusion(sequence: number, treeSize: number): Promise<string[]> {
    return (await inclusionPath(this.node, sequence, treeSize)).map((h) => h.toString('hex'));
  }

  async consistency(from: number, to: number): Promise<string[]> {
    return (await consistencyPath(this.node, from, to)).map((h) => h.toString('hex'));
  }

  /** The latest signed checkpoint: named by the last batch, or stored at the tip after it. Null before the first. */
  async latestCheckpoint(): Promise<{ key: string; size: number; checkpoint: SignedCheckpoint } | null> {
    const size = await this.size();
    const tip = await this.store.head(checkpointKey(this.tenant, size));
    if (size > 0 && tip) return { key: tip.key, size, checkpoint: await readCheckpoint(this.store, tip.key, tip.versionId) };
    const last = await this.lastBatch();
    const named = last?.after.checkpoint;
    if (!named) return null;
    return this.checkpointAt(named.size);
  }

  async checkpointAt(size: number): Promise<{ key: string; size: number; checkpoint: SignedCheckpoint } | null> {
    const key = checkpointKey(this.tenant, size);
    const info = await this.store.head(key);
    if (!info) return null;
    const checkpoint = await readCheckpoint(this.store, key, info.versionId);
    if (parseCheckpoint(checkpoint.body).size !== size) throw new IntegrityError(`${key} holds a checkpoint of another size`);
    return { key, size, checkpoint };
  }

  /** Leaves in the log now. */
  async size(): Promise<number> {
    const last = await this.lastBatch();
    return last ? last.first + last.leaves.length : 0;
  }

  private lastBatchCache?: Promise<LeafBatch | undefined>;
  private lastBatch(): Promise<LeafBatch | undefined> {
    this.lastBatchCache ??= (async () => {
      let tile = await countFullTiles(this.store, this.tenant);
      for (;;) {
        const last = (await listTileBatches(this.store, this.tenant, tile)).at(-1);
        if (last) return readLeafBatch(this.store, this.tenant, last.key, last.versionId);
        if (tile === 0) return undefined;
        tile--;
      }
    })();
    return this.lastBatchCache;
  }
}
