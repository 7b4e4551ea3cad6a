/** Bytes between two index entries (Kafka: index.interval.bytes): a seek reads at most this much before the record it wants. */
export const INDEX_INTERVAL = 4096;
/** Per entry, each an f64: offset, byte position (a segment adopted from an old partition file can pass 4 GB), publish time. */
const ENTRY = 24;

/**
 * The sparse offset index of one segment: the position of one frame every INDEX_INTERVAL bytes,
 * always the first and, once the segment is sealed, the last (whose time tells retention when the
 * whole segment expired). On disk only for sealed segments, written once when they are sealed.
 */
export class SegmentIndex {
  private readonly offsets: number[] = [];
  private readonly positions: number[] = [];
  private readonly times: number[] = [];

  get length(): number {
    return this.offsets.length;
  }

  /** Adds the frame at `pos` when it is the first or INDEX_INTERVAL bytes past the previous entry (`always`: the last frame at sealing). */
  add(offset: number, pos: number, time: number, always = false): void {
    const last = this.positions[this.positions.length - 1];
    if (last === pos) return;
    if (!always && last !== undefined && pos - last < INDEX_INTERVAL) return;
    this.offsets.push(offset);
    this.positions.push(pos);
    this.times.push(time);
  }

  last(): { offset: number; pos: number; time: number } | undefined {
    const i = this.offsets.length - 1;
    return i < 0 ? undefined : { offset: this.offsets[i], pos: this.positions[i], time: this.times[i] };
  }

  /** Where a read of `offset` starts: the last indexed frame at or below it, else the segment start. */
  positionFor(offset: number): number {
    let lo = 0;
    let hi = this.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.positions[lo - 1];
  }

  encode(): Buffer {
    const out = Buffer.alloc(this.offsets.length * ENTRY);
    this.offsets.forEach((offset, i) => {
      out.writeDoubleBE(offset, i * ENTRY);
      out.writeDoubleBE(this.positions[i], i * ENTRY + 8);
      out.writeDoubleBE(this.times[i], i * ENTRY + 16);
    });
    return out;
  }

  /** The index in `bytes`, or null unless it is well-formed for a segment of `size` bytes (then the segment is scanned instead). */
  static decode(bytes: Buffer, size: number): SegmentIndex | null {
    if (bytes.length % ENTRY !== 0 || (bytes.length === 0) !== (size === 0)) return null;
    const index = new SegmentIndex();
    for (let at = 0; at < bytes.length; at += ENTRY) {
      const offset = bytes.readDoubleBE(at);
      const pos = bytes.readDoubleBE(at + 8);
      if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(pos)) return null;
      const prev = index.length - 1;
      if (prev < 0 ? pos !== 0 : offset <= index.offsets[prev] || pos <= index.positions[prev]) return null;
      if (pos >= size) return null;
      index.offsets.push(offset);
      index.positions.push(pos);
      index.times.push(bytes.readDoubleBE(at + 16));
    }
    return index;
  }
}
