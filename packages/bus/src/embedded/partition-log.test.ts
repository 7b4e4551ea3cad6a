import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { PartitionLog, type DamagedRegion } from './partition-log';

/** The segment with this base offset: its file name, and its path in partition directory `dir`. */
const name = (base: number) => `${String(base).padStart(20, '0')}.log`;
const segment = (dir: string, base: number) => join(dir, name(base));

/** Every record from `from` on, read the way a consumer does (a read stops at the end of a segment). */
async function readAll(log: PartitionLog, from = 0): Promise<Array<{ offset: number; value: string }>> {
  const out: Array<{ offset: number; value: string }> = [];
  for (let at = from; at < log.endOffset;) {
    const { records, next } = await log.read(at, 1000);
    out.push(...records.map((r) => ({ offset: r.offset, value: r.value.toString() })));
    at = next;
  }
  return out;
}

/** Per-record framing: damage is found record by record, moved aside, and never costs intact records or offsets. */
describe('PartitionLog recovery', () => {
  let dir: string;
  let partition: string;
  /** Ten small records fit the first segment: these tests are about damage within one segment. */
  let file: string;
  const open: PartitionLog[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-partition-'));
    partition = join(dir, '0');
    file = segment(partition, 0);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopen(compacted = false): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    const opened = await PartitionLog.open(partition, { compacted });
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
    const q = readFileSync(join(partition, 'quarantine'));
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
      {
        kind: 'corrupt',
        segment: file,
        position: frames[4].start,
        bytes: frames[4].end - frames[4].start,
        records: 1,
        offset: 4,
        afterOffset: 3,
        beforeOffset: 5,
      },
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
    expect((await readAll(restarted.log, 8)).map((r) => r.offset)).toEqual([8, 10]);
    // the floor is a segment named by it: nothing but the name keeps it
    expect(readdirSync(partition).filter((f) => f.endsWith('.log'))).toEqual([name(0), name(10)]);
  });

  test('a torn tail (incomplete last frame of a crashed append) is cut off, kept in the quarantine file, and is not counted as corrupt', async () => {
    const frames = await tenRecords();
    const torn = Buffer.concat([Buffer.from([0, 0, 0, 100, 1, 2, 3, 4]), Buffer.from('{"o":10,"k":"k"')]);
    appendFileSync(file, torn);

    const { log, damaged } = await reopen();
    expect(damaged).toEqual([
      { kind: 'torn', segment: file, position: frames[9].end, bytes: torn.length, records: 0, offset: 10, afterOffset: 9, beforeOffset: null },
    ]);
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
});

/** Segments: rolled at their size bound, sealed with an index, opened only when read. */
describe('PartitionLog segments', () => {
  let dir: string;
  let partition: string;
  const open: PartitionLog[] = [];
  const damage: DamagedRegion[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-segments-'));
    partition = join(dir, '0');
    damage.length = 0;
  });
  afterEach(async () => {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Segments of 16 KB: eleven of the records `fill` appends. */
  async function reopen(opts: { segmentBytes?: number; compacted?: boolean } = {}): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    const opened = await PartitionLog.open(partition, { compacted: false, segmentBytes: 16 * 1024, ...opts, onDamage: (d) => damage.push(d) });
    open.push(opened.log);
    return opened;
  }

  async function closeAll(): Promise<void> {
    await Promise.all(open.splice(0).map((l) => l.close()));
  }

  /** Records `from`…`from + n - 1` of about 1.4 KB each (value `r<i>-xxx…`), published at 11000 + i·1000 ms, one append each. */
  async function fill(log: PartitionLog, n: number, from = 0): Promise<void> {
    for (let i = from; i < from + n; i++)
      await log.append([{ key: `k${i % 3}`, value: Buffer.from(`r${i}-${'x'.repeat(1000)}`), headers: {}, timestamp: String(11_000 + i * 1000) }]);
  }

  const bases = () =>
    readdirSync(partition)
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
  const offsets = async (log: PartitionLog, from = 0) => (await readAll(log, from)).map((r) => r.offset);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  /** Flips a byte inside the value of record `offset`, in the segment file that holds it. */
  function corrupt(file: string, offset: number): void {
    const bytes = readFileSync(file);
    const at = bytes.indexOf(`{"o":${offset},`);
    expect(at).toBeGreaterThanOrEqual(0);
    bytes[at + 40] ^= 0x01;
    writeFileSync(file, bytes);
  }

  test('appends roll to a new segment at the size bound; segments are named by base offset, sealed ones indexed, and read in order', async () => {
    const { log } = await reopen();
    await fill(log, 40);
    expect(bases()).toEqual([0, 11, 22, 33]);
    for (const base of [0, 11, 22]) {
      expect(statSync(segment(partition, base)).size).toBeLessThanOrEqual(16 * 1024);
      expect(existsSync(segment(partition, base).replace(/\.log$/, '.index'))).toBe(true);
    }
    const all = await readAll(log);
    expect(all.map((r) => r.offset)).toEqual(range(0, 40));
    expect(all[17].value).toMatch(/^r17-x/);
    // one read never crosses a segment: it ends where the segment does, and the next read starts at the next base
    expect(await log.read(9, 100)).toMatchObject({ next: 11 });
    await closeAll();

    const { log: reopened } = await reopen();
    expect([reopened.startOffset, reopened.endOffset]).toEqual([0, 40]);
    await fill(reopened, 1, 40);
    expect(await offsets(reopened, 38)).toEqual([38, 39, 40]);
  });

  test('appends made at once are written together: every caller resolves once its records are on disk, offsets contiguous in call order, none lost across a reopen', async () => {
    const { log } = await reopen();
    // the first append starts a write; the other 31 wait and go to disk as a group (or a few)
    const calls = Array.from({ length: 32 }, (_, i) =>
      log.append([
        { key: `a${i}`, value: Buffer.from(`call${i}-first`), headers: {}, timestamp: String(20_000 + i) },
        { key: `b${i}`, value: Buffer.from(`call${i}-second`), headers: {}, timestamp: String(20_000 + i) },
      ]),
    );
    await Promise.all(calls);
    const expected = Array.from({ length: 32 }, (_, i) => [`call${i}-first`, `call${i}-second`]).flat();
    expect((await readAll(log)).map((r) => r.value)).toEqual(expected);
    await closeAll();
    const { log: reopened } = await reopen();
    expect(await readAll(reopened)).toEqual(expected.map((value, offset) => ({ offset, value })));
  });

  test('a restart reads only the active segment: damage in a sealed one is found when read, moved aside, reported, and the rest delivered', async () => {
    const { log } = await reopen();
    await fill(log, 40);
    await closeAll();
    corrupt(segment(partition, 0), 5);

    const { log: reopened, damaged } = await reopen();
    expect(damaged).toEqual([]); // not read at open
    expect(await offsets(reopened)).toEqual(range(0, 40).filter((o) => o !== 5));
    expect(damage).toEqual([
      expect.objectContaining({ kind: 'corrupt', segment: segment(partition, 0), records: 1, offset: 5, afterOffset: 4, beforeOffset: 6 }),
    ]);
    expect(readFileSync(join(partition, 'quarantine')).includes('{"o":5,')).toBe(true);
    await closeAll();

    // moved aside once, and the segment's index written again for it
    const { log: again } = await reopen();
    expect(await offsets(again)).toEqual(range(0, 40).filter((o) => o !== 5));
    expect(damage).toHaveLength(1);
  });

  test('a read seeks through the index: records before the indexed position of its offset are not read', async () => {
    const { log } = await reopen();
    await fill(log, 40);
    await closeAll();
    corrupt(segment(partition, 0), 1); // in the first 4 KB of the segment

    const { log: reopened } = await reopen();
    expect((await reopened.read(9, 100)).records.map((r) => r.offset)).toEqual([9, 10]);
    expect(damage).toEqual([]);
    expect((await reopened.read(0, 100)).records.map((r) => r.offset)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(damage).toMatchObject([{ offset: 1 }]);
  });

  test('a sealed segment whose index is missing or stale is scanned when first read, and indexed again', async () => {
    const { log } = await reopen();
    await fill(log, 40);
    await closeAll();
    const index = (base: number) => segment(partition, base).replace(/\.log$/, '.index');
    unlinkSync(index(0));
    writeFileSync(index(11), readFileSync(index(22))); // well-formed, but another segment's

    const { log: reopened } = await reopen();
    expect(await offsets(reopened)).toEqual(range(0, 40));
    expect(damage).toEqual([]);
    expect(readFileSync(index(11))).not.toEqual(readFileSync(index(22)));
    expect(existsSync(index(0))).toBe(true);
  });

  test('a compacted partition yields the latest record per key across segments, before and after compaction', async () => {
    const { log } = await reopen({ compacted: true });
    await fill(log, 40); // keys k0, k1, k2 in turn: the latest are 37, 38, 39
    expect(await offsets(log)).toEqual([37, 38, 39]);
    await closeAll();
    const { log: reopened } = await reopen({ compacted: true });
    expect(await offsets(reopened)).toEqual([37, 38, 39]);
    expect(await reopened.compact()).toBe(37);
    expect(await offsets(reopened)).toEqual([37, 38, 39]);
    expect(reopened.endOffset).toBe(40);
  });
});

/** Retention deletes whole sealed segments, never rewrites one; the log start is the first segment's name, and offsets never go backwards. */
describe('PartitionLog retention', () => {
  let dir: string;
  let partition: string;
  const open: PartitionLog[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-retention-'));
    partition = join(dir, '0');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopen(): Promise<PartitionLog> {
    await Promise.all(open.splice(0).map((l) => l.close()));
    const { log } = await PartitionLog.open(partition, { compacted: false, segmentBytes: 16 * 1024 });
    open.push(log);
    return log;
  }

  /** Records of about 1.4 KB published at 11000 + i·1000 ms: eleven to a segment. */
  async function fill(log: PartitionLog, n: number, from = 0): Promise<void> {
    for (let i = from; i < from + n; i++)
      await log.append([{ key: null, value: Buffer.from(`r${i}-${'x'.repeat(1000)}`), headers: {}, timestamp: String(11_000 + i * 1000) }]);
  }

  const bases = () =>
    readdirSync(partition)
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, 20)));
  const offsets = async (log: PartitionLog) => (await readAll(log)).map((r) => r.offset);

  test('past its size bound the oldest sealed segments go, whole; the start offset survives a reopen', async () => {
    const log = await reopen();
    await fill(log, 40);
    const first = statSync(segment(partition, 0)).size;
    expect(await log.enforceRetention({ maxBytes: log.bytes }, 0)).toBeNull();

    expect(await log.enforceRetention({ maxBytes: log.bytes - 1 }, 0)).toEqual({ records: 11, bytes: first, startOffset: 11, reason: 'size' });
    expect(bases()).toEqual([11, 22, 33]);
    expect(readdirSync(partition).filter((f) => f.startsWith(name(0).slice(0, 20)))).toEqual([]);
    expect(await offsets(log)).toEqual(Array.from({ length: 29 }, (_, i) => 11 + i));

    const reopened = await reopen();
    expect(reopened.startOffset).toBe(11);
    await fill(reopened, 1, 40);
    expect(reopened.endOffset).toBe(41);
  });

  test('the active segment always stays: a record larger than the bound starts its own segment, everything before it goes', async () => {
    const log = await reopen();
    await fill(log, 5);
    await log.append([{ key: null, value: Buffer.alloc(50_000, 1), headers: {}, timestamp: '11000' }]);
    expect(await log.enforceRetention({ maxBytes: 20_000 }, 0)).toMatchObject({ records: 5, startOffset: 5, reason: 'size' });
    expect(await offsets(log)).toEqual([5]);
  });

  test('by age a sealed segment goes once its newest record expired', async () => {
    const log = await reopen();
    await fill(log, 40); // segment 0 holds records 0…10, the newest published at 21000
    expect(await log.enforceRetention({ maxAgeMs: 10_000 }, 31_000)).toBeNull();
    expect(await log.enforceRetention({ maxAgeMs: 10_000 }, 31_001)).toMatchObject({ records: 11, startOffset: 11, reason: 'age' });
    expect(bases()).toEqual([11, 22, 33]);
  });

  test('a log emptied by age keeps its end offset, across a reopen: offsets never go backwards', async () => {
    const log = await reopen();
    await fill(log, 5);
    expect(await log.enforceRetention({ maxAgeMs: 1_000 }, 1_000_000)).toMatchObject({ records: 5, startOffset: 5 });
    expect(log.bytes).toBe(0);
    expect([log.startOffset, log.endOffset]).toEqual([5, 5]);

    const reopened = await reopen();
    expect([reopened.startOffset, reopened.endOffset]).toEqual([5, 5]);
    await fill(reopened, 1, 5);
    expect(await offsets(reopened)).toEqual([5]);
  });

  test('a pass a crash interrupted (the log deleted, its index not yet) is finished on open', async () => {
    const log = await reopen();
    await fill(log, 40);
    unlinkSync(segment(partition, 0));
    const reopened = await reopen();
    expect(reopened.startOffset).toBe(11);
    expect(readdirSync(partition).filter((f) => f.endsWith('.index'))).toHaveLength(2);
  });

  test('with a retention, segments are sized for it: a quarter of retentionBytes', async () => {
    const log = await reopen();
    log.configure({ maxBytes: 12_000 });
    await fill(log, 8);
    expect(bases()).toEqual([0, 2, 4, 6]);
  });
});

/** Versions before segments kept a partition in one file `<partition>.log` with the same frames. */
describe('PartitionLog adopts the partition files of earlier versions', () => {
  let dir: string;
  const open: PartitionLog[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-legacy-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopen(segmentBytes?: number): Promise<{ log: PartitionLog; damaged: DamagedRegion[] }> {
    await Promise.all(open.splice(0).map((l) => l.close()));
    const opened = await PartitionLog.open(join(dir, '0'), { compacted: false, segmentBytes });
    open.push(opened.log);
    return opened;
  }

  /** A frame as every version wrote it: length, CRC-32, JSON payload. */
  const frame = (o: number, value: string) => {
    const payload = Buffer.from(JSON.stringify({ o, k: 'key', v: Buffer.from(value).toString('base64'), h: { a: 'b' }, t: '1700000000000' }));
    const header = Buffer.alloc(8);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(crc32(payload), 4);
    return Buffer.concat([header, payload]);
  };

  test('reads files written in the on-disk format of earlier versions (length, CRC-32, JSON payload)', async () => {
    writeFileSync(join(dir, '0.log'), Buffer.concat([frame(0, 'old-0'), frame(3, 'old-3')]));
    const { log, damaged } = await reopen();
    expect(damaged).toEqual([]);
    expect((await log.read(0, 10)).records).toEqual([
      { offset: 0, key: 'key', value: Buffer.from('old-0'), headers: { a: 'b' }, timestamp: '1700000000000' },
      { offset: 3, key: 'key', value: Buffer.from('old-3'), headers: { a: 'b' }, timestamp: '1700000000000' },
    ]);
    expect(log.endOffset).toBe(4);
    expect(readdirSync(dir)).toEqual(['0']);
    expect(readdirSync(join(dir, '0'))).toEqual([name(0)]);
  });

  test('the old file becomes the first segment named by its start offset; its floor and quarantine file are taken over', async () => {
    // as a retention pass of the old version left it when a crash stopped it before the rewrite
    writeFileSync(join(dir, '0.log'), Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(i, `old-${i}`))));
    writeFileSync(join(dir, '0.log.start'), JSON.stringify({ start: 4 }));
    writeFileSync(join(dir, '0.log.next'), JSON.stringify({ next: 12 }));
    writeFileSync(join(dir, '0.log.corrupt'), 'bytes quarantined by the old version');

    const { log, damaged } = await reopen();
    expect(damaged).toEqual([]);
    expect([log.startOffset, log.endOffset]).toEqual([4, 12]);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['old-4', 'old-5', 'old-6', 'old-7', 'old-8', 'old-9']);
    expect(readdirSync(dir)).toEqual(['0']);
    expect(readFileSync(join(dir, '0', 'quarantine'), 'utf8')).toBe('bytes quarantined by the old version');
    await log.append([{ key: null, value: Buffer.from('new'), headers: {}, timestamp: '1' }]);

    const { log: reopened } = await reopen();
    expect((await readAll(reopened, 9)).map((r) => r.offset)).toEqual([9, 12]);
  });

  test('an old file larger than a segment is sealed on adoption: the next start reads none of it', async () => {
    writeFileSync(join(dir, '0.log'), Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(i, `old-${i}`))));
    await reopen(500);
    expect(readdirSync(join(dir, '0')).sort()).toEqual([name(0).replace('.log', '.index'), name(0), name(10)]);
    const { log } = await reopen(500);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
