import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { PartitionLog, type DamagedRegion } from './partition-log';

/** Per-record framing: damage is found record by record, moved aside, and never costs intact records or offsets. */
describe('PartitionLog recovery', () => {
  let dir: string;
  let file: string;
  const open: PartitionLog[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-partition-'));
    file = join(dir, '0.log');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopen(compacted = false): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    const opened = await PartitionLog.open(file, compacted);
    open.push(opened.log);
    return opened;
  }

  async function closeAll(): Promise<void> {
    await Promise.all(open.splice(0).map((l) => l.close()));
  }

  /** Ten records `r0`…`r9`, one append each, and the byte range of every frame. */
  async function tenRecords(): Promise<Array<{ start: number; end: number }>> {
    const { log } = await reopen();
    const frames: Array<{ start: number; end: number }> = [];
    for (let i = 0; i < 10; i++) {
      const start = existsSync(file) ? statSync(file).size : 0;
      await log.append([{ key: `k${i}`, value: Buffer.from(`r${i}-${'x'.repeat(40)}`), headers: { seq: String(i) }, timestamp: '1' }]);
      frames.push({ start, end: statSync(file).size });
    }
    await closeAll();
    return frames;
  }

  function flip(position: number): void {
    const bytes = readFileSync(file);
    bytes[position] ^= 0x10;
    writeFileSync(file, bytes);
  }

  const valuesOf = async (log: PartitionLog) => (await log.read(0, 1000)).records.map((r) => `${r.offset}:${r.value.toString().split('-')[0]}`);

  /** Entries of the quarantine file: the description and the exact bytes taken out of the log. */
  function quarantined(): Array<{ meta: Record<string, unknown>; bytes: Buffer }> {
    const q = readFileSync(`${file}.corrupt`);
    const out: Array<{ meta: Record<string, unknown>; bytes: Buffer }> = [];
    for (let pos = 0; pos < q.length;) {
      const n = q.readUInt32BE(pos);
      const meta = JSON.parse(q.subarray(pos + 4, pos + 4 + n).toString()) as Record<string, unknown>;
      const bytes = q.subarray(pos + 4 + n, pos + 4 + n + (meta.bytes as number));
      out.push({ meta, bytes });
      pos += 4 + n + bytes.length;
    }
    return out;
  }

  test('one flipped bit mid-partition moves that record aside and keeps every record after it', async () => {
    const frames = await tenRecords();
    const original = readFileSync(file);
    flip(frames[4].end - 10); // inside record 4's payload, past its legible offset

    const { log, damaged } = await reopen();
    expect(damaged).toEqual([
      { kind: 'corrupt', position: frames[4].start, bytes: frames[4].end - frames[4].start, records: 1, offset: 4, afterOffset: 3, beforeOffset: 5 },
    ]);
    expect(await valuesOf(log)).toEqual(['0:r0', '1:r1', '2:r2', '3:r3', '5:r5', '6:r6', '7:r7', '8:r8', '9:r9']);
    expect(log.endOffset).toBe(10);
    await log.append([{ key: 'k', value: Buffer.from('r10-new'), headers: {}, timestamp: '2' }]);
    expect((await log.read(9, 10)).records.map((r) => r.offset)).toEqual([9, 10]);

    const [entry, ...more] = quarantined();
    expect(more).toHaveLength(0);
    expect(entry.meta).toMatchObject({ kind: 'corrupt', position: frames[4].start, offset: 4, afterOffset: 3, beforeOffset: 5 });
    const damagedBytes = Buffer.from(original.subarray(frames[4].start, frames[4].end));
    damagedBytes[frames[4].end - 10 - frames[4].start] ^= 0x10;
    expect(entry.bytes).toEqual(damagedBytes);

    // moved aside once: the next start finds an intact log and reports nothing again
    await closeAll();
    const again = await reopen();
    expect(again.damaged).toEqual([]);
    expect(await valuesOf(again.log)).toEqual(['0:r0', '1:r1', '2:r2', '3:r3', '5:r5', '6:r6', '7:r7', '8:r8', '9:r9', '10:r10']);
    expect(quarantined()).toHaveLength(1);
  });

  test('a damaged length field mid-partition: recovery finds the next frame by its checksum, not by the broken length', async () => {
    const frames = await tenRecords();
    flip(frames[6].start + 1); // the length now points far past the frame

    const { log, damaged } = await reopen();
    expect(damaged).toMatchObject([{ kind: 'corrupt', records: 1, offset: 6, afterOffset: 5, beforeOffset: 7 }]);
    expect(await valuesOf(log)).toEqual(['0:r0', '1:r1', '2:r2', '3:r3', '4:r4', '5:r5', '7:r7', '8:r8', '9:r9']);
  });

  test('damage spanning several records is one region; its record count and the offsets around it are reported', async () => {
    const frames = await tenRecords();
    flip(frames[2].end - 5);
    flip(frames[3].end - 5);

    const { log, damaged } = await reopen();
    expect(damaged).toMatchObject([
      { kind: 'corrupt', position: frames[2].start, bytes: frames[3].end - frames[2].start, records: 2, offset: 2, afterOffset: 1, beforeOffset: 4 },
    ]);
    expect((await log.read(0, 100)).records.map((r) => r.offset)).toEqual([0, 1, 4, 5, 6, 7, 8, 9]);
  });

  test('a corrupt last record is moved aside and its offset is never handed out again, across restarts', async () => {
    const frames = await tenRecords();
    flip(frames[9].end - 3);

    const { log, damaged } = await reopen();
    expect(damaged).toMatchObject([{ kind: 'corrupt', records: 1, offset: 9, afterOffset: 8, beforeOffset: null }]);
    expect(log.endOffset).toBe(10);
    // a reader at the gap moves past it rather than waiting for offset 9 forever
    expect(await log.read(9, 10)).toEqual({ records: [], next: 10 });
    await closeAll();

    const restarted = await reopen();
    expect(restarted.damaged).toEqual([]);
    expect(restarted.log.endOffset).toBe(10);
    await restarted.log.append([{ key: 'k', value: Buffer.from('r10-after'), headers: {}, timestamp: '2' }]);
    expect((await restarted.log.read(8, 10)).records.map((r) => r.offset)).toEqual([8, 10]);
  });

  test('a torn tail (incomplete last frame of a crashed append) is cut off, kept in the quarantine file, and is not counted as corrupt', async () => {
    const frames = await tenRecords();
    const torn = Buffer.concat([Buffer.from([0, 0, 0, 100, 1, 2, 3, 4]), Buffer.from('{"o":10,"k":"k"')]);
    appendFileSync(file, torn);

    const { log, damaged } = await reopen();
    expect(damaged).toEqual([{ kind: 'torn', position: frames[9].end, bytes: torn.length, records: 0, offset: 10, afterOffset: 9, beforeOffset: null }]);
    expect(statSync(file).size).toBe(frames[9].end);
    expect(log.endOffset).toBe(10);
    expect(quarantined().map((q) => q.bytes)).toEqual([torn]);
  });

  test('a zero-filled tail (file grown, data never written) is a torn append', async () => {
    const frames = await tenRecords();
    appendFileSync(file, Buffer.alloc(300));
    const { damaged } = await reopen();
    expect(damaged).toMatchObject([{ kind: 'torn', position: frames[9].end, bytes: 300 }]);
    expect(statSync(file).size).toBe(frames[9].end);
  });

  test('a flipped bit in the length of the complete last frame is corrupt, not torn', async () => {
    const frames = await tenRecords();
    flip(frames[9].start + 3); // length grows by 16: looks incomplete, but the payload checksum holds
    const { log, damaged } = await reopen();
    expect(damaged).toMatchObject([{ kind: 'corrupt', records: 1, offset: 9 }]);
    expect(log.endOffset).toBe(10);
  });

  test('reads files written in the on-disk format of earlier versions (length, CRC-32, JSON payload)', async () => {
    const frame = (o: number, value: string) => {
      const payload = Buffer.from(JSON.stringify({ o, k: 'key', v: Buffer.from(value).toString('base64'), h: { a: 'b' }, t: '1700000000000' }));
      const header = Buffer.alloc(8);
      header.writeUInt32BE(payload.length, 0);
      header.writeUInt32BE(crc32(payload), 4);
      return Buffer.concat([header, payload]);
    };
    writeFileSync(file, Buffer.concat([frame(0, 'old-0'), frame(3, 'old-3')]));
    const { log, damaged } = await reopen();
    expect(damaged).toEqual([]);
    expect((await log.read(0, 10)).records).toEqual([
      { offset: 0, key: 'key', value: Buffer.from('old-0'), headers: { a: 'b' }, timestamp: '1700000000000' },
      { offset: 3, key: 'key', value: Buffer.from('old-3'), headers: { a: 'b' }, timestamp: '1700000000000' },
    ]);
    expect(log.endOffset).toBe(4);
    expect(existsSync(`${file}.corrupt`)).toBe(false);
  });
});

/** Retention deletes the oldest records durably; the log start offset persists and offsets never go backwards. */
describe('PartitionLog retention', () => {
  let dir: string;
  let file: string;
  const open: PartitionLog[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-retention-'));
    file = join(dir, '0.log');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopen(): Promise<PartitionLog> {
    const { log } = await PartitionLog.open(file, false);
    open.push(log);
    return log;
  }

  async function reopenAfterClose(): Promise<PartitionLog> {
    await Promise.all(open.splice(0).map((l) => l.close()));
    return reopen();
  }

  /** Ten records `r0`…`r9` published at 11000, 12000, … 20000 ms, all frames the same size; returns that size. */
  async function tenRecords(log: PartitionLog): Promise<number> {
    for (let i = 0; i < 10; i++)
      await log.append([{ key: null, value: Buffer.from(`r${i}-${'x'.repeat(40)}`), headers: {}, timestamp: String(11_000 + i * 1000) }]);
    return statSync(file).size / 10;
  }

  const offsetsOf = async (log: PartitionLog) => (await log.read(0, 1000)).records.map((r) => r.offset);

  test('past its size bound the oldest records go, down to three quarters of it; the start offset survives a reopen', async () => {
    const log = await reopen();
    const frame = await tenRecords(log);
    expect(await log.enforceRetention({ maxBytes: 10 * frame }, 0)).toBeNull();

    expect(await log.enforceRetention({ maxBytes: 4 * frame }, 0)).toEqual({ records: 7, bytes: 7 * frame, startOffset: 7, reason: 'size' });
    expect(statSync(file).size).toBe(3 * frame);
    expect(await offsetsOf(log)).toEqual([7, 8, 9]);
    expect(log.startOffset).toBe(7);

    const reopened = await reopenAfterClose();
    expect(reopened.startOffset).toBe(7);
    expect(await offsetsOf(reopened)).toEqual([7, 8, 9]);
    await reopened.append([{ key: null, value: Buffer.from('next'), headers: {}, timestamp: '11000' }]);
    expect(await offsetsOf(reopened)).toEqual([7, 8, 9, 10]);
  });

  test('a record larger than the size bound is kept (the newest always stays), everything before it goes', async () => {
    const log = await reopen();
    const frame = await tenRecords(log);
    await log.append([{ key: null, value: Buffer.alloc(5 * frame, 1), headers: {}, timestamp: '11000' }]);
    expect(await log.enforceRetention({ maxBytes: 2 * frame }, 0)).toMatchObject({ records: 10, startOffset: 10 });
    expect(await offsetsOf(log)).toEqual([10]);
  });

  test('expired records go once they are an eighth of the file or 5% past their retention', async () => {
    const log = await reopen();
    await tenRecords(log);
    const policy = { maxAgeMs: 10_000 };
    // r0 (t=11000) expired at 21000, but is a tenth of the file and not yet 5% overdue (21500)
    expect(await log.enforceRetention(policy, 21_400)).toBeNull();
    // 5% overdue: it goes
    expect(await log.enforceRetention(policy, 21_600)).toMatchObject({ records: 1, startOffset: 1, reason: 'age' });
    // r1 (t=12000) and r2 (t=13000) expired: two ninths of the file, worth a rewrite before r1 is overdue
    expect(await log.enforceRetention(policy, 23_001)).toMatchObject({ records: 2, startOffset: 3 });
    expect(await offsetsOf(log)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  test('a log emptied by age keeps its end offset, across a reopen: offsets never go backwards', async () => {
    const log = await reopen();
    await tenRecords(log);
    expect(await log.enforceRetention({ maxAgeMs: 1_000 }, 1_000_000)).toMatchObject({ records: 10, startOffset: 10 });
    expect(statSync(file).size).toBe(0);
    expect([log.startOffset, log.endOffset]).toEqual([10, 10]);

    const reopened = await reopenAfterClose();
    expect([reopened.startOffset, reopened.endOffset]).toEqual([10, 10]);
    await reopened.append([{ key: null, value: Buffer.from('next'), headers: {}, timestamp: '1000000' }]);
    expect(await offsetsOf(reopened)).toEqual([10]);
  });

  test('a pass a crash interrupted after recording the new start is finished on open', async () => {
    const log = await reopen();
    const frame = await tenRecords(log);
    writeFileSync(`${file}.start`, JSON.stringify({ start: 6 })); // durable start, file not yet rewritten
    const reopened = await reopenAfterClose();
    expect(reopened.startOffset).toBe(6);
    expect(await offsetsOf(reopened)).toEqual([6, 7, 8, 9]);
    expect(statSync(file).size).toBe(4 * frame);
  });
});
