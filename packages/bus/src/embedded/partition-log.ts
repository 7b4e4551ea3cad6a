import { createHash } from 'node:crypto';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { IntegrityError } from '@custody/errors';
import { PRIVATE_FILE, fsyncDir, tempPathFor, writeFileAtomic } from '@custody/durable-fs';
import { Serial } from './files';

export interface StoredRecord {
  offset: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

export type NewRecord = Omit<StoredRecord, 'offset'>;

interface Entry {
  offset: number;
  pos: number;
  size: number;
  key: string | null;
  /** Publish time (ms since the epoch), for retention by age; NaN when unreadable, then never expired by age. */
  time: number;
}

/** What a topic keeps (TopicSpec.retentionMs / retentionBytes); records past either bound are deleted, oldest first. */
export interface RetentionPolicy {
  maxAgeMs?: number;
  maxBytes?: number;
}

/** Records retention deleted in one pass, and where the log now starts. */
export interface RetentionResult {
  records: number;
  bytes: number;
  startOffset: number;
  reason: 'age' | 'size';
}

/**
 * Deleting rewrites the file, so each pass should remove a worthwhile share: past its size bound a
 * partition is cut to this fraction of it, and expired records go once they are an eighth of the
 * file or 5% past their retention (a 90-day topic: at most 4.5 days late).
 */
const SIZE_TARGET = 0.75;
const EXPIRED_SHARE = 1 / 8;
const AGE_GRACE = 1.05;

/**
 * Bytes a damaged stretch of the file held, found when the partition opened. `torn`: the
 * incomplete last frame of an append a crash interrupted (never acknowledged, so never read by
 * anyone). `corrupt`: complete frames that fail their checksum; they may have been acknowledged
 * and consumed. Either way the bytes are copied to the quarantine file before they leave the log.
 */
export interface DamagedRegion {
  kind: 'torn' | 'corrupt';
  /** Byte position in the partition file where the damage starts, and its length. */
  position: number;
  bytes: number;
  /** Frames the region seems to hold (frame starts found in it); 0 for a torn tail. */
  records: number;
  /** Offset of the first damaged record when it is still legible. */
  offset: number | null;
  /** Intact neighbours: the damaged records' offsets lie between them. */
  afterOffset: number | null;
  beforeOffset: number | null;
}

/** Frame header: u32 payload length, u32 CRC-32 of the payload. */
const HEADER = 8;
const MAX_PAYLOAD = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/**
 * Every payload starts with these bytes (JSON.stringify keeps the key order of encodeFrame), so
 * HEADER bytes before each occurrence is a candidate frame start: after damage, recovery scans for
 * the next candidate whose checksum holds instead of giving up on the rest of the file.
 */
const SYNC = Buffer.from('{"o":');
/** The offset of a damaged frame, when the bytes that carry it survived. */
const LEGIBLE_OFFSET = /^\{"o":(\d{1,15}),"k":/;

/**
 * One partition: an append-only file of `[length][crc32][JSON]` frames with an in-memory offset
 * index. Each payload carries its own offset so compaction drops records without renumbering the
 * survivors, as in Kafka.
 */
export class PartitionLog {
  private entries: Entry[] = [];
  private size = 0;
  /** Compacted topics only: offset of the latest record per key. */
  private readonly latest?: Map<string, number>;
  private readonly serial = new Serial();
  /** Lowest offset the next record may get (see endOffset). */
  private floor = 0;
  /** Offset of the first record retention kept: every record below it is deleted (see startOffset). */
  private start = 0;

  private constructor(
    private readonly file: string,
    private fh: FileHandle,
    compacted: boolean,
  ) {
    if (compacted) this.latest = new Map();
  }

  /**
   * Opens (creating) the file and recovers it. Damaged stretches are copied to `<file>.corrupt`
   * and then removed from the log: a corrupt record is never served, and never takes its intact
   * successors with it. Only a torn last frame is simply cut off (after its copy, too).
   */
  static async open(file: string, compacted: boolean): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    const log = new PartitionLog(file, await open(file, 'a+', PRIVATE_FILE), compacted);
    log.floor = await readOffset(log.floorFile, 'next');
    log.start = await readOffset(log.startFile, 'start');
    const damaged = await log.recover();
    // a retention pass that crashed after recording the new start but before rewriting the file
    if (log.entries.length > 0 && log.entries[0].offset < log.start) {
      const kept = log.entries.findIndex((e) => e.offset >= log.start);
      await log.dropBefore(kept < 0 ? log.entries.length : kept);
    }
    return { log, damaged };
  }

  /** Where damaged bytes are kept: `[u32 n][n bytes of JSON describing them][the bytes]` per region. */
  get quarantineFile(): string {
    return `${this.file}.corrupt`;
  }

  /**
   * Offset the next record gets. It never moves back: compaction always keeps the last record, and
   * when damage at the tail removed records that may have been handed out, the floor (kept in
   * `<file>.next`) stays above their offsets.
   */
  get endOffset(): number {
    return Math.max(this.nextAfterEntries(), this.floor, this.start);
  }

  /**
   * The log start offset: records below it were deleted by retention (kept in `<file>.start`, so it
   * survives restarts). A consumer whose position is below it resumes here, as Kafka's
   * auto.offset.reset=earliest does; it never means "past the end".
   */
  get startOffset(): number {
    return this.start;
  }

  /** Bytes of the partition file (every kept record's frame). */
  get bytes(): number {
    return this.size;
  }

  /**
   * Deletes the oldest records the policy no longer keeps. Crash-safe: the new start offset is made
   * durable first, then the file is rewritten without the records below it; a crash in between is
   * finished on open. Offsets never go backwards: a log emptied by age keeps its end offset as start.
   */
  enforceRetention(policy: RetentionPolicy, now: number): Promise<RetentionResult | null> {
    return this.serial.run(async () => {
      const bySize = this.sizeCut(policy.maxBytes);
      const byAge = this.ageCut(policy.maxAgeMs, now);
      const cut = Math.max(bySize, byAge);
      if (cut === 0) return null;
      const bytes = cut < this.entries.length ? this.entries[cut].pos : this.size;
      await this.dropBefore(cut);
      return { records: cut, bytes, startOffset: this.start, reason: byAge >= bySize ? 'age' : 'size' };
    });
  }

  /** Resolves once the records are on disk (fdatasync). */
  append(records: NewRecord[]): Promise<void> {
    return this.serial.run(async () => {
      const first = this.endOffset;
      const frames = records.map((r, i) => encodeFrame({ ...r, offset: first + i }));
      try {
        await this.fh.appendFile(Buffer.concat(frames));
        await this.fh.datasync();
      } catch (err) {
        // a half-written batch must not precede the next append
        await this.fh.truncate(this.size).catch(() => undefined);
        throw err;
      }
      frames.forEach((frame, i) => {
        this.index(first + i, this.size, frame.length, records[i].key, records[i].timestamp);
        this.size += frame.length;
      });
    });
  }

  /**
   * Up to `max` records at or after `from`. On compacted topics records superseded by a later one
   * with the same key are skipped, so a reader from the beginning sees only the latest per key even
   * before the file is compacted. `next` is where the following read starts.
   */
  read(from: number, max: number): Promise<{ records: StoredRecord[]; next: number }> {
    return this.serial.run(async () => {
      const window = this.window(from, max);
      // past the last record but below the floor (records moved aside at the tail): nothing to read, move on
      if (window.length === 0) return { records: [], next: Math.max(from, this.endOffset) };
      const start = window[0].pos;
      const last = window[window.length - 1];
      const span = Buffer.alloc(last.pos + last.size - start);
      await readFully(this.fh, span, start);
      const records: StoredRecord[] = [];
      for (const e of window) {
        if (!this.isLatest(e)) continue;
        const record = decodeFrame(span.subarray(e.pos - start, e.pos - start + e.size));
        if (!record || record.offset !== e.offset) throw new IntegrityError(`${this.file}: record at offset ${e.offset} no longer matches its checksum`);
        records.push(record);
      }
      return { records, next: last.offset + 1 };
    });
  }

  /** Rewrites the file without superseded records (compacted topics). Returns how many were dropped. */
  compact(): Promise<number> {
    return this.serial.run(async () => {
      const keep = this.entries.filter((e) => this.isLatest(e));
      const dropped = this.entries.length - keep.length;
      if (dropped === 0) return 0;
      const frames = await Promise.all(keep.map(async (e) => readFully(this.fh, Buffer.alloc(e.size), e.pos)));
      await this.replaceFile(async (out) => void (await out.writeFile(Buffer.concat(frames))));
      let pos = 0;
      this.entries = keep.map((e) => {
        const moved = { ...e, pos };
        pos += e.size;
        return moved;
      });
      this.size = pos;
      return dropped;
    });
  }

  close(): Promise<void> {
    return this.serial.run(() => this.fh.close());
  }

  private get floorFile(): string {
    return `${this.file}.next`;
  }

  private get startFile(): string {
    return `${this.file}.start`;
  }

  /** Entries to delete so that what is left fits SIZE_TARGET of the bound; the newest record always stays. */
  private sizeCut(maxBytes: number | undefined): number {
    if (maxBytes === undefined || this.size <= maxBytes) return 0;
    let cut = 0;
    while (cut < this.entries.length - 1 && this.size - this.entries[cut].pos > maxBytes * SIZE_TARGET) cut++;
    return cut;
  }

  /** Entries to delete by age: the expired prefix, once it is worth a rewrite (EXPIRED_SHARE, AGE_GRACE). */
  private ageCut(maxAgeMs: number | undefined, now: number): number {
    if (maxAgeMs === undefined || this.entries.length === 0) return 0;
    let cut = 0;
    while (cut < this.entries.length && this.entries[cut].time < now - maxAgeMs) cut++;
    if (cut === 0) return 0;
    const expiredBytes = cut < this.entries.length ? this.entries[cut].pos : this.size;
    const overdue = this.entries[0].time < now - maxAgeMs * AGE_GRACE;
    return overdue || expiredBytes >= this.size * EXPIRED_SHARE ? cut : 0;
  }

  /** Deletes entries [0, cut): records the new start offset durably, then rewrites the file with the rest. */
  private async dropBefore(cut: number): Promise<void> {
    const start = cut < this.entries.length ? this.entries[cut].offset : this.endOffset;
    if (start > this.start) {
      await writeFileAtomic(this.startFile, JSON.stringify({ start }), PRIVATE_FILE);
      this.start = start;
    }
    const base = cut < this.entries.length ? this.entries[cut].pos : this.size;
    await this.replaceFile((out) => copyRange(this.fh, base, this.size - base, async (chunk) => void (await out.write(chunk))));
    this.entries = this.entries.slice(cut);
    for (const e of this.entries) e.pos -= base;
    this.size -= base;
    if (this.latest) for (const [key, offset] of this.latest) if (offset < start) this.latest.delete(key);
  }

  /**
   * Replaces the log file with what `write` puts into a fresh temporary beside it, crash-safe:
   * fsynced, renamed over the file, the directory fsynced, then the file reopened for appends.
   * Compaction, retention and recovery all rewrite the file this one way.
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
    await this.fh.close();
    this.fh = await open(this.file, 'a+', PRIVATE_FILE);
  }

  private nextAfterEntries(): number {
    const last = this.entries[this.entries.length - 1];
    return last ? last.offset + 1 : 0;
  }

  /** Indexes every intact frame; finds, keeps aside and removes the damaged stretches between them. */
  private async recover(): Promise<DamagedRegion[]> {
    const { size } = await this.fh.stat();
    const reader = new ChunkReader(this.fh, size);
    const damaged: DamagedRegion[] = [];
    let badFrom = -1;
    for (let pos = 0; pos < size;) {
      const frame = await frameAt(reader, pos);
      if (frame && frame.record.offset >= this.nextAfterEntries()) {
        if (badFrom >= 0) damaged.push(await this.describe(reader, 'corrupt', badFrom, pos, frame.record.offset));
        badFrom = -1;
        this.index(frame.record.offset, pos, frame.length, frame.record.key, frame.record.timestamp);
        pos += frame.length;
        continue;
      }
      if (badFrom < 0) badFrom = pos;
      const sync = await reader.find(SYNC, pos + 1 + HEADER);
      pos = sync < 0 ? size : sync - HEADER;
    }
    if (badFrom >= 0) damaged.push(await this.describe(reader, (await isTornTail(reader, badFrom)) ? 'torn' : 'corrupt', badFrom, size, null));
    this.size = size;
    if (damaged.length === 0) return damaged;

    await this.quarantine(damaged);
    const tail = damaged[damaged.length - 1];
    if (tail.beforeOffset === null && tail.kind === 'corrupt') {
      // records that were cut from the end may have been read and committed: never reuse their offsets
      const legible = tail.offset !== null && tail.offset >= this.nextAfterEntries() ? tail.offset + tail.records : 0;
      const floor = Math.max(this.nextAfterEntries() + tail.records, legible, this.floor);
      if (floor > this.floor) {
        await writeFileAtomic(this.floorFile, JSON.stringify({ next: floor }), PRIVATE_FILE);
        this.floor = floor;
      }
    }
    await this.removeRegions(damaged);
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
    const last = this.entries[this.entries.length - 1];
    return {
      kind,
      position: start,
      bytes: end - start,
      records: kind === 'torn' ? 0 : Math.max(1, records),
      offset,
      afterOffset: last?.offset ?? null,
      beforeOffset,
    };
  }

  /** Appends each region's bytes with a description to the quarantine file, durably, before the log loses them. */
  private async quarantine(damaged: DamagedRegion[]): Promise<void> {
    const out = await open(this.quarantineFile, 'a', PRIVATE_FILE);
    try {
      for (const d of damaged) {
        const hash = createHash('sha256');
        await copyRange(this.fh, d.position, d.bytes, async (chunk) => void hash.update(chunk));
        const meta = Buffer.from(JSON.stringify({ ...d, foundAt: new Date().toISOString(), sha256: hash.digest('hex') }));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(meta.length, 0);
        await out.write(Buffer.concat([length, meta]));
        await copyRange(this.fh, d.position, d.bytes, async (chunk) => void (await out.write(chunk)));
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await fsyncDir(dirname(this.file));
  }

  /** Rewrites the file without the damaged regions (a tail alone is just truncated) and moves the index along. */
  private async removeRegions(damaged: DamagedRegion[]): Promise<void> {
    const first = damaged[0];
    if (damaged.length === 1 && first.position + first.bytes === this.size) {
      await this.fh.truncate(first.position);
      await this.fh.sync();
      this.size = first.position;
      return;
    }
    await this.replaceFile(async (out) => {
      let pos = 0;
      for (const d of [...damaged, { position: this.size, bytes: 0 }]) {
        await copyRange(this.fh, pos, d.position - pos, async (chunk) => void (await out.write(chunk)));
        pos = d.position + d.bytes;
      }
    });
    let removed = 0;
    let next = 0;
    for (const e of this.entries) {
      while (next < damaged.length && damaged[next].position < e.pos) removed += damaged[next++].bytes;
      e.pos -= removed;
    }
    this.size -= damaged.reduce((sum, d) => sum + d.bytes, 0);
  }

  private index(offset: number, pos: number, size: number, key: string | null, timestamp: string): void {
    this.entries.push({ offset, pos, size, key: this.latest ? key : null, time: Number(timestamp) });
    if (this.latest && key !== null) this.latest.set(key, offset);
  }

  private isLatest(e: Entry): boolean {
    return !this.latest || e.key === null || this.latest.get(e.key) === e.offset;
  }

  /** Entries from the first offset >= `from`: at least one, at most `max` or about MAX_BATCH_BYTES. */
  private window(from: number, max: number): Entry[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].offset < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < this.entries.length && out.length < max; i++) {
      const e = this.entries[i];
      if (out.length > 0 && bytes + e.size > MAX_BATCH_BYTES) break;
      out.push(e);
      bytes += e.size;
    }
    return out;
  }
}

function encodeFrame(r: StoredRecord): Buffer {
  const payload = Buffer.from(JSON.stringify({ o: r.offset, k: r.key, v: r.value.toString('base64'), h: r.headers, t: r.timestamp }));
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** null for anything but a complete, intact frame. */
function decodeFrame(frame: Buffer): StoredRecord | null {
  if (frame.length < HEADER || frame.readUInt32BE(0) !== frame.length - HEADER) return null;
  const payload = frame.subarray(HEADER);
  if (crc32(payload) !== frame.readUInt32BE(4)) return null;
  try {
    const p = JSON.parse(payload.toString('utf8'));
    if (!Number.isSafeInteger(p.o) || p.o < 0 || typeof p.v !== 'string' || typeof p.t !== 'string') return null;
    if ((p.k !== null && typeof p.k !== 'string') || typeof p.h !== 'object' || p.h === null) return null;
    return { offset: p.o, key: p.k, value: Buffer.from(p.v, 'base64'), headers: p.h, timestamp: p.t };
  } catch {
    return null;
  }
}

/** The intact frame at `pos`, or null. */
async function frameAt(reader: ChunkReader, pos: number): Promise<{ record: StoredRecord; length: number } | null> {
  const header = await reader.bytes(pos, HEADER);
  if (!header) return null;
  const length = header.readUInt32BE(0);
  if (length === 0 || length > MAX_PAYLOAD) return null;
  const frame = await reader.bytes(pos, HEADER + length);
  const record = frame && decodeFrame(frame);
  return record ? { record, length: HEADER + length } : null;
}

/**
 * A damaged stretch that runs to the end of the file is a torn append when it is at most one
 * incomplete frame: nothing looks like a second frame in it, and its header announces more bytes
 * than the file has (or is unreadable). A complete last frame with a bad checksum is corrupt.
 */
async function isTornTail(reader: ChunkReader, start: number): Promise<boolean> {
  const rest = reader.size - start;
  if ((await reader.find(SYNC, start + HEADER + 1)) >= 0) return false;
  const header = await reader.bytes(start, HEADER);
  if (!header) return true;
  const length = header.readUInt32BE(0);
  if (length === 0) return true;
  if (HEADER + length <= rest) return false;
  // a bit flip in the length of a complete frame also looks incomplete: its payload checksum tells
  if (rest - HEADER > MAX_PAYLOAD) return true;
  const payload = await reader.bytes(start + HEADER, rest - HEADER);
  return payload === null || crc32(payload) !== header.readUInt32BE(4);
}

/** `{"<field>": offset}` from `file`, 0 when there is none. */
async function readOffset(file: string, field: 'next' | 'start'): Promise<number> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (text === null) return 0;
  const offset = (JSON.parse(text) as Record<string, unknown>)[field];
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new IntegrityError(`${file}: not a valid offset`);
  return offset as number;
}

/** Streams `length` bytes from `pos` to `sink` in bounded chunks. */
async function copyRange(fh: FileHandle, pos: number, length: number, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
  for (let done = 0; done < length;) {
    const chunk = await readFully(fh, Buffer.alloc(Math.min(READ_CHUNK, length - done)), pos + done);
    await sink(chunk);
    done += chunk.length;
  }
}

async function readFully(fh: FileHandle, buf: Buffer, pos: number): Promise<Buffer> {
  for (let done = 0; done < buf.length;) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, pos + done);
    if (bytesRead === 0) throw new IntegrityError(`unexpected end of file at byte ${pos + done}`);
    done += bytesRead;
  }
  return buf;
}

/** Sequential reads during recovery without two syscalls per record. */
class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** Position of the first `pattern` at or after `from` that ends by `end`, or -1. */
  async find(pattern: Buffer, from: number, end = this.size): Promise<number> {
    for (let pos = from; pos + pattern.length <= end;) {
      const n = Math.min(READ_CHUNK, end - pos);
      const i = (await this.bytes(pos, n))!.indexOf(pattern);
      if (i >= 0) return pos + i;
      pos += n - pattern.length + 1;
    }
    return -1;
  }

  /** The `n` bytes at `pos`, or null when the file ends first. */
  async bytes(pos: number, n: number): Promise<Buffer | null> {
    if (pos + n > this.size) return null;
    if (pos < this.start || pos + n > this.start + this.buf.length) {
      this.buf = await readFully(this.fh, Buffer.alloc(Math.min(Math.max(n, READ_CHUNK), this.size - pos)), pos);
      this.start = pos;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + n);
  }
}
