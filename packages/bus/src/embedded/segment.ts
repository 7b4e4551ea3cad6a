import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PRIVATE_FILE, fsyncDir, tempPathFor, writeFileAtomic } from '@custody/durable-fs';
import { ChunkReader, HEADER, LEGIBLE_OFFSET, SYNC, copyRange, decodeFrame, frameAt, isTornTail, type StoredRecord } from './frames';
import { quarantine, type DamagedRegion } from './quarantine';
import { SegmentIndex } from './segment-index';

const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Segment files are named by their base offset, zero-padded so that names sort as offsets do (as Kafka names them). */
export const SEGMENT_NAME = /^(\d{20})\.log$/;

export function segmentFile(dir: string, base: number): string {
  return join(dir, `${String(base).padStart(20, '0')}.log`);
}

/** Compacted topics: whether the record at `offset` with `key` is still the latest for its key. */
export type IsLatest = (offset: number, key: string | null) => boolean;

/** What a scan found: the damaged regions it moved aside, and the lowest offset a record may get after a corrupt tail (0: no constraint). */
export interface ScanResult {
  damaged: DamagedRegion[];
  floor: number;
}

/**
 * One segment of a partition: a file of `[length][crc32][JSON]` frames whose offsets all lie at or
 * above its base offset and below the next segment's, and its sparse index. Only the last
 * (active) segment of a partition is appended to; the others are sealed, and opened when read.
 */
export class Segment {
  size = 0;
  /** Offset of the last record, -1 while there is none. */
  lastOffset = -1;
  /** Publish times (ms) of the first and last record: NaN when there is none or it is unreadable. */
  firstTime = NaN;
  lastTime = NaN;
  private lastPos = -1;
  private index?: SegmentIndex;
  private fh?: FileHandle;

  constructor(
    readonly file: string,
    readonly base: number,
  ) {}

  get indexFile(): string {
    return this.file.replace(/\.log$/, '.index');
  }

  /** The offset a record appended here would get. */
  get nextOffset(): number {
    return Math.max(this.base, this.lastOffset + 1);
  }

  get loaded(): boolean {
    return this.fh !== undefined;
  }

  /** A new, empty segment file; the caller makes its directory entry durable. */
  static async create(file: string, base: number): Promise<Segment> {
    const segment = new Segment(file, base);
    segment.fh = await open(file, 'a+', PRIVATE_FILE);
    segment.index = new SegmentIndex();
    return segment;
  }

  /**
   * Opens a sealed segment through the index written when it was sealed: only its last frame is
   * read, to prove the index describes this very file. A missing, malformed or stale index (a
   * segment adopted from an older version, a crash mid-compaction) makes it a full scan, and so
   * does `onKey` (compacted topics need every key).
   */
  async load(quarantineFile: string, onKey?: (offset: number, key: string | null) => void): Promise<ScanResult> {
    this.fh ??= await open(this.file, 'a+', PRIVATE_FILE);
    this.size = (await this.fh.stat()).size;
    if (!onKey && (await this.adoptIndex())) return { damaged: [], floor: 0 };
    const scanned = await this.scan(quarantineFile, onKey);
    // the next load uses the index again
    await this.seal();
    return scanned;
  }

  /**
   * Verifies every frame by its checksum and rebuilds the index. Damaged stretches are copied to
   * the quarantine file and then removed from the segment: a corrupt record is never served, and
   * never takes its intact successors with it. Only a torn last frame is simply cut off (after its
   * copy, too).
   */
  async scan(quarantineFile: string, onKey?: (offset: number, key: string | null) => void): Promise<ScanResult> {
    this.fh ??= await open(this.file, 'a+', PRIVATE_FILE);
    const damaged = await this.indexFrames(onKey);
    if (damaged.length === 0) return { damaged, floor: 0 };
    await quarantine(quarantineFile, this.fh, damaged);
    const tail = damaged[damaged.length - 1];
    let floor = 0;
    if (tail.beforeOffset === null && tail.kind === 'corrupt') {
      // records that were cut from the end may have been read and committed: never reuse their offsets
      const legible = tail.offset !== null && tail.offset > this.lastOffset ? tail.offset + tail.records : 0;
      floor = Math.max(this.nextOffset + tail.records, legible);
    }
    await this.removeRegions(damaged);
    await this.indexFrames(onKey);
    return { damaged, floor };
  }

  /** Resolves once the frames (of records `first`, `first + 1`, …) are on disk (fdatasync). */
  async append(frames: Buffer[], first: number, times: number[]): Promise<void> {
    const fh = this.fh!;
    try {
      await fh.appendFile(Buffer.concat(frames));
      await fh.datasync();
    } catch (err) {
      // a half-written batch must not precede the next append
      await fh.truncate(this.size).catch(() => undefined);
      throw err;
    }
    frames.forEach((frame, i) => {
      this.indexed(first + i, this.size, times[i]);
      this.size += frame.length;
    });
  }

  /** Makes this segment read-only from now on: its index, with its last frame, goes to disk. */
  async seal(): Promise<void> {
    if (this.lastPos >= 0) this.index!.add(this.lastOffset, this.lastPos, this.lastTime, true);
    await writeFileAtomic(this.indexFile, this.index!.encode(), PRIVATE_FILE);
  }

  /**
   * Up to `max` records at or after `from`, starting at the indexed position below it. `next` is
   * where the following read starts, null when no record at or after `from` is in this segment.
   * Returns null when a frame fails its checksum: the caller scans the segment, then reads again.
   */
  async read(from: number, max: number, isLatest?: IsLatest): Promise<{ records: StoredRecord[]; next: number | null } | null> {
    const reader = new ChunkReader(this.fh!, this.size);
    const records: StoredRecord[] = [];
    let next: number | null = null;
    let bytes = 0;
    for (let pos = this.index!.positionFor(from), taken = 0; pos < this.size && taken < max;) {
      const frame = await frameAt(reader, pos, isLatest !== undefined);
      if (!frame || (next !== null && frame.offset < next)) return null;
      pos += frame.length;
      if (frame.offset < from) continue;
      if (records.length > 0 && bytes + frame.length > MAX_BATCH_BYTES) break;
      next = frame.offset + 1;
      taken++;
      if (isLatest && !isLatest(frame.offset, frame.key)) continue;
      const record = decodeFrame(frame.bytes);
      if (!record) return null;
      records.push(record);
      bytes += frame.length;
    }
    return { records, next };
  }

  /** Rewrites the segment without records superseded by a later one with the same key. Returns how many were dropped. */
  async compact(isLatest: IsLatest, sealed: boolean): Promise<number> {
    const reader = new ChunkReader(this.fh!, this.size);
    const kept: Buffer[] = [];
    let dropped = 0;
    for (let pos = 0; pos < this.size;) {
      const frame = await frameAt(reader, pos, true);
      // damaged since it was scanned: leave the segment as it is; the next read finds and moves the damage aside
      if (!frame) return 0;
      if (isLatest(frame.offset, frame.key)) kept.push(Buffer.from(frame.bytes));
      else dropped++;
      pos += frame.length;
    }
    if (dropped === 0) return 0;
    await this.replaceFile(async (out) => void (await out.writeFile(Buffer.concat(kept))));
    await this.indexFrames();
    if (sealed) await this.seal();
    return dropped;
  }

  /** Closes the file and drops the index (a sealed segment is loaded again when read). */
  async unload(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.index = undefined;
    await fh?.close();
  }

  /** Deletes the segment: the log first, so a crash in between leaves an index without its log, which opening deletes. */
  async remove(): Promise<void> {
    await this.unload();
    await unlink(this.file);
    await unlink(this.indexFile).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  }

  private async adoptIndex(): Promise<boolean> {
    const bytes = await readFile(this.indexFile).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
    const index = bytes && SegmentIndex.decode(bytes, this.size);
    if (!index) return false;
    const last = index.last();
    if (last) {
      const frame = await frameAt(new ChunkReader(this.fh!, this.size), last.pos, false);
      if (!frame || frame.offset !== last.offset || last.pos + frame.length !== this.size) return false;
      [this.lastOffset, this.lastPos, this.lastTime] = [last.offset, last.pos, frame.time];
    }
    this.index = index;
    return true;
  }

  private indexed(offset: number, pos: number, time: number): void {
    this.index!.add(offset, pos, time);
    if (this.lastOffset < 0) this.firstTime = time;
    [this.lastOffset, this.lastPos, this.lastTime] = [offset, pos, time];
  }

  /** Indexes every intact frame from scratch; returns the damaged stretches between them. */
  private async indexFrames(onKey?: (offset: number, key: string | null) => void): Promise<DamagedRegion[]> {
    this.size = (await this.fh!.stat()).size;
    this.index = new SegmentIndex();
    [this.lastOffset, this.lastPos, this.firstTime, this.lastTime] = [-1, -1, NaN, NaN];
    const reader = new ChunkReader(this.fh!, this.size);
    const damaged: DamagedRegion[] = [];
    let badFrom = -1;
    for (let pos = 0; pos < this.size;) {
      const frame = await frameAt(reader, pos, onKey !== undefined);
      if (frame && frame.offset > this.lastOffset) {
        if (badFrom >= 0) damaged.push(await this.describe(reader, 'corrupt', badFrom, pos, frame.offset));
        badFrom = -1;
        this.indexed(frame.offset, pos, frame.time);
        onKey?.(frame.offset, frame.key);
        pos += frame.length;
        continue;
      }
      if (badFrom < 0) badFrom = pos;
      const sync = await reader.find(SYNC, pos + 1 + HEADER);
      pos = sync < 0 ? this.size : sync - HEADER;
    }
    if (badFrom >= 0) damaged.push(await this.describe(reader, (await isTornTail(reader, badFrom)) ? 'torn' : 'corrupt', badFrom, this.size, null));
    return damaged;
  }

  private async describe(reader: ChunkReader, kind: DamagedRegion['kind'], start: number, end: number, beforeOffset: number | null): Promise<DamagedRegion> {
    let records = 0;
    let offset: number | null = null;
    for (let at = await reader.find(SYNC, start + HEADER, end); at >= 0; at = await reader.find(SYNC, at + 1, end)) {
      records++;
      const legible = LEGIBLE_OFFSET.exec((await reader.bytes(at, Math.min(40, end - at)))?.toString('latin1') ?? '');
      if (offset === null && legible) offset = Number(legible[1]);
    }
    return {
      kind,
      segment: this.file,
      position: start,
      bytes: end - start,
      records: kind === 'torn' ? 0 : Math.max(1, records),
      offset,
      afterOffset: this.lastOffset < 0 ? null : this.lastOffset,
      beforeOffset,
    };
  }

  /** Rewrites the file without the damaged regions (a tail alone is just truncated). */
  private async removeRegions(damaged: DamagedRegion[]): Promise<void> {
    const first = damaged[0];
    if (damaged.length === 1 && first.position + first.bytes === this.size) {
      await this.fh!.truncate(first.position);
      await this.fh!.sync();
      return;
    }
    await this.replaceFile(async (out) => {
      let pos = 0;
      for (const d of [...damaged, { position: this.size, bytes: 0 }]) {
        await copyRange(this.fh!, pos, d.position - pos, async (chunk) => void (await out.write(chunk)));
        pos = d.position + d.bytes;
      }
    });
  }

  /**
   * Replaces the segment file with what `write` puts into a fresh temporary beside it, crash-safe:
   * fsynced, renamed over the file, the directory fsynced, then the file reopened.
   */
  private async replaceFile(write: (out: FileHandle) => Promise<void>): Promise<void> {
    const tmp = tempPathFor(this.file);
    const out = await open(tmp, 'wx', PRIVATE_FILE);
    try {
      await write(out);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.file);
    await fsyncDir(dirname(this.file));
    await this.fh!.close();
    this.fh = await open(this.file, 'a+', PRIVATE_FILE);
  }
}
