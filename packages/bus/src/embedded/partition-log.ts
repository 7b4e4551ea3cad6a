import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IntegrityError } from '@custody/errors';
import { fsyncDir, mkdirDurable, removeStaleTemps } from '@custody/durable-fs';
import { Serial } from './files';
import { encodeFrame, type StoredRecord } from './frames';
import { adoptLegacyPartition, forgetLegacyFloor } from './legacy-layout';
import type { DamagedRegion } from './quarantine';
import { SEGMENT_NAME, Segment, segmentFile, type IsLatest } from './segment';

export type { StoredRecord } from './frames';
export type { DamagedRegion } from './quarantine';

export type NewRecord = Omit<StoredRecord, 'offset'>;

/** What a topic keeps (TopicSpec.retentionMs / retentionBytes); whole sealed segments past either bound are deleted, oldest first. */
export interface RetentionPolicy {
  maxAgeMs?: number;
  maxBytes?: number;
}

/** What retention deleted in one pass, and where the log now starts. */
export interface RetentionResult {
  /** Offsets deleted: the records of the deleted segments (and any gap damage or compaction had left in them). */
  records: number;
  bytes: number;
  startOffset: number;
  reason: 'age' | 'size' | 'consumed';
}

/** A segment is sealed, and a new one started, past this many bytes (Kafka: segment.bytes). */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
/** Sealed segments kept open (file handle and index) per partition for readers; the least recently read is closed. */
const OPEN_SEALED = 4;
/**
 * With a retention, segments are sized so that deleting whole ones keeps the partition near its
 * bound: at most a quarter of retentionBytes, and rolled after an eighth of retentionMs (so expired
 * records are deleted at most that late).
 */
const SIZE_SHARE = 4;
const AGE_SHARE = 8;

export interface PartitionLogOptions {
  /** Keep only the latest record per key: readers skip the others, compact() deletes them. */
  compacted: boolean;
  /** Roll bound of a segment (tests use small ones). */
  segmentBytes?: number;
  /** Damage found after open, when a sealed segment is read: already moved aside, as at open. */
  onDamage?: (region: DamagedRegion) => void;
}

/**
 * One partition: a directory of segments (see Segment) named by their base offset, as in Kafka.
 * Each record's frame carries its offset, so compaction and damage drop records without
 * renumbering the survivors. Opening costs the same however long the history: only the active
 * (last) segment is read in full, to verify what a crash may have left at its end; sealed segments
 * are opened through their index when first read. Compacted topics (small control tables) are
 * the exception: every segment is read at open to know the latest record of each key.
 *
 * The names are the durable state: the first segment's base is the log start offset (retention
 * deletes whole segments), and the last one's base is a floor under the next offset, so offsets
 * never go backwards (damage at the tail of the active segment starts a new one above the offsets
 * it took).
 */
export class PartitionLog {
  private segments: Segment[] = [];
  /** Compacted topics only: offset of the latest record per key. */
  private readonly latest?: Map<string, number>;
  private readonly serial = new Serial();
  /** Appends waiting for the next group write (see append). */
  private waiting: Array<{ records: NewRecord[]; resolve: () => void; reject: (err: unknown) => void }> = [];
  /** Loaded sealed segments, least recently read first. */
  private readonly openSealed: Segment[] = [];
  private segmentBytes: number;
  private rollAfterMs?: number;
  private readonly isLatest?: IsLatest;

  private constructor(
    readonly dir: string,
    private readonly opts: PartitionLogOptions,
  ) {
    if (opts.compacted) {
      const latest = (this.latest = new Map());
      this.isLatest = (offset, key) => key === null || latest.get(key) === offset;
    }
    this.segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
  }

  /**
   * Opens (creating) the partition directory, adopting a partition file of an older version, and
   * verifies the active segment. Damaged stretches found are already in the quarantine file and
   * out of the log when this resolves.
   */
  static async open(dir: string, opts: PartitionLogOptions): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    const log = new PartitionLog(dir, opts);
    await mkdirDurable(dir);
    const legacyFloor = await adoptLegacyPartition(dir, log.quarantineFile);
    await removeStaleTemps(dir);
    const damaged = await log.load();
    if (legacyFloor > log.endOffset) await log.roll(legacyFloor);
    await forgetLegacyFloor(dir);
    return { log, damaged };
  }

  /** Where damaged bytes are kept: `[u32 n][n bytes of JSON describing them][the bytes]` per region. */
  get quarantineFile(): string {
    return join(this.dir, 'quarantine');
  }

  /** Offset the next record gets. It never moves back: see the class comment. */
  get endOffset(): number {
    return this.active.nextOffset;
  }

  /**
   * The log start offset: records below it were deleted by retention. A consumer whose position is
   * below it resumes here, as Kafka's auto.offset.reset=earliest does; it never means "past the end".
   */
  get startOffset(): number {
    return this.segments[0].base;
  }

  /** Bytes of every segment. */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Sizes segments for the topic's retention (see SIZE_SHARE): the spec of this start. */
  configure(policy: RetentionPolicy | undefined): void {
    const base = this.opts.segmentBytes ?? SEGMENT_BYTES;
    this.segmentBytes = policy?.maxBytes === undefined ? base : Math.min(base, Math.max(1, Math.floor(policy.maxBytes / SIZE_SHARE)));
    this.rollAfterMs = policy?.maxAgeMs === undefined ? undefined : Math.ceil(policy.maxAgeMs / AGE_SHARE);
  }

  /**
   * Deletes the oldest sealed segments the policy no longer keeps: by size while the partition is
   * past its bound, by age those whose newest record expired (the active segment too, once every
   * record in it expired: a new one is started so offsets carry on), and sealed segments wholly
   * below `consumedBelow` (every group that must read them has committed past). Crash-safe: segments go one
   * at a time, oldest first, so the first one left always names the log start.
   */
  enforceRetention(policy: RetentionPolicy, now: number, consumedBelow?: number): Promise<RetentionResult | null> {
    return this.serial.run(async () => {
      const start = this.startOffset;
      let [bytes, bySize, byAge, byConsumed] = [0, 0, 0, 0];
      // sealed segments whose every record the named groups have consumed (the active one stays: it is being written)
      while (consumedBelow !== undefined && this.segments.length > 1 && this.segments[1].base <= consumedBelow) {
        const dropped = await this.dropOldest();
        bytes += dropped.bytes;
        byConsumed += dropped.records;
      }
      while (policy.maxBytes !== undefined && this.segments.length > 1 && this.bytes > policy.maxBytes) {
        const dropped = await this.dropOldest();
        bytes += dropped.bytes;
        bySize += dropped.records;
      }
      while (policy.maxAgeMs !== undefined) {
        const oldest = this.segments[0];
        const expired = (s: Segment) => s.lastOffset < 0 || s.lastTime < now - policy.maxAgeMs!;
        if (oldest === this.active) {
          if (oldest.lastOffset < 0 || !expired(oldest)) break;
          await this.roll(this.endOffset);
        } else {
          await this.use(oldest);
          if (!expired(oldest)) break;
        }
        const dropped = await this.dropOldest();
        bytes += dropped.bytes;
        byAge += dropped.records;
      }
      if (this.startOffset === start) return null;
      await fsyncDir(this.dir);
      const reason = byConsumed >= Math.max(byAge, bySize) ? 'consumed' : byAge >= bySize ? 'age' : 'size';
      return { records: this.startOffset - start, bytes, startOffset: this.startOffset, reason };
    });
  }

  /**
   * Resolves once the records are on disk (fdatasync). Appends that arrive while another is being
   * written go to disk together, with one fdatasync (group commit): one sync per webhook, one after
   * another, capped a partition at the disk's sync rate (16 concurrent one-event webhooks waited
   * in line for theirs). If the write fails, every append of the group fails: none of it is kept.
   */
  append(records: NewRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      // the first to wait schedules the write that takes everyone waiting when it starts
      if (this.waiting.length === 1) {
        void this.serial.run(async () => {
          const group = this.waiting;
          this.waiting = [];
          try {
            await this.write(group.flatMap((g) => g.records));
            for (const g of group) g.resolve();
          } catch (err) {
            for (const g of group) g.reject(err);
          }
        });
      }
    });
  }

  private async write(records: NewRecord[]): Promise<void> {
    const first = this.endOffset;
    const frames = records.map((r, i) => encodeFrame({ ...r, offset: first + i }));
    const times = records.map((r) => Number(r.timestamp));
    const bytes = frames.reduce((sum, f) => sum + f.length, 0);
    const active = this.active;
    const full = active.size + bytes > this.segmentBytes;
    const old = this.rollAfterMs !== undefined && times[0] - active.firstTime >= this.rollAfterMs;
    if (active.size > 0 && (full || old)) await this.roll(first);
    await this.active.append(frames, first, times);
    if (this.latest) records.forEach((r, i) => this.noteKey(first + i, r.key));
  }

  /**
   * Up to `max` records at or after `from`, from the segment that holds `from` (a seek through its
   * index). On compacted topics records superseded by a later one with the same key are skipped, so
   * a reader from the beginning sees only the latest per key even before compaction. `next` is where
   * the following read starts. A frame that fails its checksum (damage in a sealed segment is found
   * here, not at open) gets its segment scanned: the damage is moved aside and reported, the rest read.
   */
  read(from: number, max: number): Promise<{ records: StoredRecord[]; next: number }> {
    return this.serial.run(async () => {
      from = Math.max(from, this.startOffset);
      // past the last record (or below a floor): nothing to read yet
      if (from >= this.endOffset) return { records: [], next: from };
      const i = this.segmentFor(from);
      const segment = this.segments[i];
      await this.use(segment);
      let read = await segment.read(from, max, this.isLatest);
      if (!read) {
        await this.repair(segment);
        read = await segment.read(from, max, this.isLatest);
        if (!read) throw new IntegrityError(`${segment.file}: records at or after offset ${from} still fail their checksum after the segment was scanned`);
      }
      // nothing left in this segment at or after `from` (damage or compaction took it): move on to the next
      return { records: read.records, next: read.next ?? this.segments[i + 1]?.base ?? this.endOffset };
    });
  }

  /** Rewrites segments without superseded records (compacted topics). Returns how many were dropped. */
  compact(): Promise<number> {
    return this.serial.run(async () => {
      if (!this.isLatest) return 0;
      let dropped = 0;
      for (const segment of this.segments) {
        await this.use(segment);
        dropped += await segment.compact(this.isLatest, segment !== this.active);
      }
      return dropped;
    });
  }

  close(): Promise<void> {
    return this.serial.run(async () => void (await Promise.all(this.segments.map((s) => s.unload()))));
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private async load(): Promise<DamagedRegion[]> {
    const names = await readdir(this.dir);
    const bases = names.flatMap((n) => SEGMENT_NAME.exec(n)?.[1] ?? []).map(Number);
    bases.sort((a, b) => a - b);
    // an index whose log retention deleted just before a crash
    for (const name of names.filter((n) => n.endsWith('.index') && !names.includes(n.replace(/\.index$/, '.log')))) await unlink(join(this.dir, name));
    if (bases.length === 0) {
      this.segments = [await Segment.create(segmentFile(this.dir, 0), 0)];
      await fsyncDir(this.dir);
      return [];
    }
    this.segments = bases.map((base) => new Segment(segmentFile(this.dir, base), base));
    const onKey = this.latest && ((offset: number, key: string | null) => this.noteKey(offset, key));
    const damaged: DamagedRegion[] = [];
    for (const sealed of this.segments.slice(0, -1)) {
      if (!onKey) {
        sealed.size = (await stat(sealed.file)).size;
        continue;
      }
      damaged.push(...(await sealed.load(this.quarantineFile, onKey)).damaged);
      await sealed.unload();
    }
    const active = this.active;
    const { damaged: found, floor } = await active.scan(this.quarantineFile, onKey);
    damaged.push(...found);
    if (floor > active.nextOffset) await this.roll(floor);
    // a partition file adopted from an older version can be far larger than a segment: sealed now, the next start reads none of it
    else if (active.size >= this.segmentBytes) await this.roll(active.nextOffset);
    return damaged;
  }

  private noteKey(offset: number, key: string | null): void {
    if (key !== null && (this.latest!.get(key) ?? -1) < offset) this.latest!.set(key, offset);
  }

  /** Seals the active segment and starts a new one at `base`. */
  private async roll(base: number): Promise<void> {
    const sealed = this.active;
    await sealed.seal();
    this.segments.push(await Segment.create(segmentFile(this.dir, base), base));
    await fsyncDir(this.dir);
    await this.use(sealed);
  }

  /** Loads a sealed segment for reading (damage found on the way is reported), closing the least recently read beyond OPEN_SEALED. */
  private async use(segment: Segment): Promise<void> {
    if (segment === this.active) return;
    if (!segment.loaded) for (const d of (await segment.load(this.quarantineFile)).damaged) this.opts.onDamage?.(d);
    const i = this.openSealed.indexOf(segment);
    if (i >= 0) this.openSealed.splice(i, 1);
    this.openSealed.push(segment);
    while (this.openSealed.length > OPEN_SEALED) await this.openSealed.shift()!.unload();
  }

  /** Scans a segment a read found damaged: the damage goes to the quarantine file and is reported. */
  private async repair(segment: Segment): Promise<void> {
    const { damaged, floor } = await segment.scan(this.quarantineFile, this.latest && ((offset, key) => this.noteKey(offset, key)));
    if (segment !== this.active) await segment.seal();
    for (const d of damaged) this.opts.onDamage?.(d);
    if (segment === this.active && floor > segment.nextOffset) await this.roll(floor);
  }

  private async dropOldest(): Promise<{ bytes: number; records: number }> {
    const [oldest, next] = this.segments;
    this.segments.shift();
    const i = this.openSealed.indexOf(oldest);
    if (i >= 0) this.openSealed.splice(i, 1);
    await oldest.remove();
    return { bytes: oldest.size, records: next.base - oldest.base };
  }

  /** Index of the segment holding `offset`: the last whose base is at or below it. */
  private segmentFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].base <= offset) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }
}
