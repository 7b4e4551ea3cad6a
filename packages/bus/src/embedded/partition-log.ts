import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { IntegrityError } from '@custody/errors';
import { PRIVATE_FILE, fsyncDir } from '@custody/durable-fs';
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
}

/** Frame header: u32 payload length, u32 CRC-32 of the payload. */
const HEADER = 8;
const MAX_PAYLOAD = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

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

  private constructor(
    private readonly file: string,
    private fh: FileHandle,
    compacted: boolean,
  ) {
    if (compacted) this.latest = new Map();
  }

  /** Opens (creating) the file and recovers it: a torn or corrupt tail is cut off, never served. */
  static async open(file: string, compacted: boolean): Promise<{ log: PartitionLog; truncatedBytes: number }> {
    const log = new PartitionLog(file, await open(file, 'a+', PRIVATE_FILE), compacted);
    return { log, truncatedBytes: await log.recover() };
  }

  /** Offset the next record gets. Compaction always keeps the last record, so this never moves back. */
  get endOffset(): number {
    const last = this.entries[this.entries.length - 1];
    return last ? last.offset + 1 : 0;
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
        this.index(first + i, this.size, frame.length, records[i]!.key);
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
      if (window.length === 0) return { records: [], next: from };
      const start = window[0]!.pos;
      const last = window[window.length - 1]!;
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
      const tmp = `${this.file}.compact.tmp`;
      const out = await open(tmp, 'w', PRIVATE_FILE);
      try {
        await out.writeFile(Buffer.concat(frames));
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, this.file);
      await fsyncDir(dirname(this.file));
      await this.fh.close();
      this.fh = await open(this.file, 'a+', PRIVATE_FILE);
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

  private async recover(): Promise<number> {
    const { size } = await this.fh.stat();
    const reader = new ChunkReader(this.fh, size);
    let pos = 0;
    for (;;) {
      const header = await reader.bytes(pos, HEADER);
      if (!header) break;
      const length = header.readUInt32BE(0);
      if (length === 0 || length > MAX_PAYLOAD) break;
      const frame = await reader.bytes(pos, HEADER + length);
      const record = frame && decodeFrame(frame);
      if (!record || record.offset < this.endOffset) break;
      this.index(record.offset, pos, frame.length, record.key);
      pos += frame.length;
    }
    if (pos < size) {
      await this.fh.truncate(pos);
      await this.fh.sync();
    }
    this.size = pos;
    return size - pos;
  }

  private index(offset: number, pos: number, size: number, key: string | null): void {
    this.entries.push({ offset, pos, size, key: this.latest ? key : null });
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
      if (this.entries[mid]!.offset < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < this.entries.length && out.length < max; i++) {
      const e = this.entries[i]!;
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

async function readFully(fh: FileHandle, buf: Buffer, pos: number): Promise<Buffer> {
  for (let done = 0; done < buf.length; ) {
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
    private readonly size: number,
  ) {}

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
