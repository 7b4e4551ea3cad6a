import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { IntegrityError } from '@custody/errors';

export interface StoredRecord {
  offset: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

/** Frame header: u32 payload length, u32 CRC-32 of the payload. */
export const HEADER = 8;
const MAX_PAYLOAD = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/**
 * Every payload starts with these bytes (JSON.stringify keeps the key order of encodeFrame), so
 * HEADER bytes before each occurrence is a candidate frame start: after damage, recovery scans for
 * the next candidate whose checksum holds instead of giving up on the rest of the file.
 */
export const SYNC = Buffer.from('{"o":');
/** The offset of a damaged frame, when the bytes that carry it survived. */
export const LEGIBLE_OFFSET = /^\{"o":(\d{1,15}),"k":/;
/** The publish time closes every payload (`"t"` is the last key encodeFrame writes). */
const TRAILING_TIME = /"t":"(\d{1,15})"\}$/;

/** What scanning needs of an intact frame, without decoding its value. */
export interface FrameInfo {
  offset: number;
  /** Bytes of the whole frame, header included. */
  length: number;
  /** Publish time (ms since the epoch); NaN when unreadable, then never expired by age. */
  time: number;
  /** Only when asked for (compacted topics): decoding the key costs a JSON parse. */
  key: string | null;
  /** The frame's bytes, valid until the reader moves on. */
  bytes: Buffer;
}

export function encodeFrame(r: StoredRecord): Buffer {
  const payload = Buffer.from(JSON.stringify({ o: r.offset, k: r.key, v: r.value.toString('base64'), h: r.headers, t: r.timestamp }));
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** null for anything but a complete, intact frame. */
export function decodeFrame(frame: Buffer): StoredRecord | null {
  if (frame.length < HEADER || frame.readUInt32BE(0) !== frame.length - HEADER) return null;
  const payload = frame.subarray(HEADER);
  if (crc32(payload) !== frame.readUInt32BE(4)) return null;
  return parsePayload(payload);
}

function parsePayload(payload: Buffer): StoredRecord | null {
  try {
    const p = JSON.parse(payload.toString('utf8'));
    if (!Number.isSafeInteger(p.o) || p.o < 0 || typeof p.v !== 'string' || typeof p.t !== 'string') return null;
    if ((p.k !== null && typeof p.k !== 'string') || typeof p.h !== 'object' || p.h === null) return null;
    return { offset: p.o, key: p.k, value: Buffer.from(p.v, 'base64'), headers: p.h, timestamp: p.t };
  } catch {
    return null;
  }
}

/**
 * The intact frame at `pos`, or null. The checksum is verified; the payload is only parsed in full
 * when `withKey` (the offset and time are read from the bytes that carry them), so verifying a
 * segment at open costs a CRC per frame, not a JSON parse.
 */
export async function frameAt(reader: ChunkReader, pos: number, withKey: boolean): Promise<FrameInfo | null> {
  const header = await reader.bytes(pos, HEADER);
  if (!header) return null;
  const length = header.readUInt32BE(0);
  if (length === 0 || length > MAX_PAYLOAD) return null;
  const bytes = await reader.bytes(pos, HEADER + length);
  if (!bytes) return null;
  const payload = bytes.subarray(HEADER);
  if (crc32(payload) !== bytes.readUInt32BE(4)) return null;
  if (withKey) {
    const record = parsePayload(payload);
    return record && { offset: record.offset, length: HEADER + length, time: Number(record.timestamp), key: record.key, bytes };
  }
  const offset = LEGIBLE_OFFSET.exec(payload.subarray(0, 40).toString('latin1'));
  if (!offset) return null;
  const time = TRAILING_TIME.exec(payload.subarray(Math.max(0, length - 40)).toString('latin1'));
  return { offset: Number(offset[1]), length: HEADER + length, time: time ? Number(time[1]) : NaN, key: null, bytes };
}

/**
 * A damaged stretch that runs to the end of the file is a torn append when it is at most one
 * incomplete frame: nothing looks like a second frame in it, and its header announces more bytes
 * than the file has (or is unreadable). A complete last frame with a bad checksum is corrupt.
 */
export async function isTornTail(reader: ChunkReader, start: number): Promise<boolean> {
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

/** Streams `length` bytes from `pos` to `sink` in bounded chunks. */
export async function copyRange(fh: FileHandle, pos: number, length: number, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
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

/** Sequential reads without two syscalls per record. */
export class ChunkReader {
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
