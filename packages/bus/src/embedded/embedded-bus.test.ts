import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import { silentLogger } from '@custody/logger';
import { waitFor } from '@custody/testing';
import type { BusRecord, Subscription } from '../port';
import { EmbeddedBus } from './embedded-bus';

/** What only the embedded bus promises beyond the shared contract: files, crashes, restarts, compaction. */
describe('EmbeddedBus on disk', () => {
  let dir: string;
  const open: EmbeddedBus[] = [];
  const subs: Subscription[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-embedded-bus-'));
  });
  afterEach(async () => {
    await Promise.all(subs.splice(0).map((s) => s.stop()));
    await Promise.all(open.splice(0).map((b) => b.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  function bus(): EmbeddedBus {
    const b = new EmbeddedBus({ dir, logger: silentLogger() });
    open.push(b);
    return b;
  }

  async function drain(b: EmbeddedBus, topic: string, groupId: string, n: number): Promise<BusRecord[]> {
    const records: BusRecord[] = [];
    const sub = await b.subscribe({ groupId, topics: [topic], onBatch: async (batch) => void records.push(...batch) });
    subs.push(sub);
    await waitFor(`${n} records`, async () => (records.length >= n ? true : undefined), 10_000, 20);
    // the group committed to the end of the log: every record it will be given is in `records`, extras included
    await waitFor('the group to catch up', async () => ((await b.lag(groupId, [topic])) === 0 ? true : undefined), 10_000, 20);
    await sub.stop();
    return records;
  }

  const values = (records: BusRecord[]) => records.map((r) => r.value.toString());
  /** The partition's first segment: every test here but retention's fits its records in it. */
  const logFile = (topic: string, partition: number) => join(dir, 'topics', topic, String(partition), `${'0'.repeat(20)}.log`);
  /** Bytes of all the partition's segments. */
  const partitionBytes = (topic: string, partition: number) => {
    const files = readdirSync(join(dir, 'topics', topic, String(partition))).filter((f) => f.endsWith('.log'));
    return files.reduce((sum, f) => sum + statSync(join(dir, 'topics', topic, String(partition), f)).size, 0);
  };

  test('a compacted topic read from the beginning yields only the latest record per key, before and after compaction on disk', async () => {
    const b = bus();
    await b.ensureTopics([{ name: 'control', partitions: 1, compacted: true }]);
    await b.publish(
      'control',
      ['a1', 'b1', 'a2', 'a3', 'c1', 'b2'].map((v) => ({ key: v[0], value: v })),
    );
    const before = await drain(b, 'control', 'g1', 3);
    expect(values(before)).toEqual(['a3', 'c1', 'b2']);
    expect(before.map((r) => r.offset)).toEqual(['3', '4', '5']);
    expect(await b.lag('g1', ['control'])).toBe(0);
    const size = statSync(logFile('control', 0)).size;

    await b.ensureTopics([{ name: 'control', compacted: true }]);
    expect(statSync(logFile('control', 0)).size).toBeLessThan(size);
    await b.publish('control', [{ key: 'a', value: 'a4' }]);
    const after = await drain(b, 'control', 'g2', 3);
    expect(values(after)).toEqual(['c1', 'b2', 'a4']);
    expect(after.map((r) => r.offset)).toEqual(['4', '5', '6']);
    await expect(b.publish('control', [{ value: 'no key' }])).rejects.toMatchObject({ code: 'key_required' });
  });

  test('records, topics and committed offsets survive a restart', async () => {
    const first = bus();
    await first.ensureTopics([
      { name: 'data', partitions: 2 },
      { name: 'control', partitions: 1, compacted: true },
    ]);
    await first.publish(
      'data',
      ['r0', 'r1', 'r2', 'r3', 'r4'].map((v, i) => ({ key: `k${i}`, value: v })),
    );
    await first.publish('control', [
      { key: 'x', value: 'old' },
      { key: 'x', value: 'new' },
    ]);
    expect(values(await drain(first, 'data', 'group', 5)).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    await first.close();

    const second = bus();
    expect(await second.lag('group', ['data'])).toBe(0);
    await second.publish('data', [
      { key: 'k9', value: 'r5' },
      { key: 'k9', value: 'r6' },
    ]);
    expect(await second.lag('group', ['data'])).toBe(2);
    expect(values(await drain(second, 'data', 'group', 2))).toEqual(['r5', 'r6']);
    expect(values(await drain(second, 'control', 'fresh', 1))).toEqual(['new']);
  });

  test('a torn record at the tail is cut off on open; publishing continues at the right offset', async () => {
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish(
      'data',
      ['r0', 'r1', 'r2'].map((value) => ({ key: 'k', value })),
    );
    await first.close();
    const intact = statSync(logFile('data', 0)).size;
    // a crash mid-write: a frame header announcing 100 bytes followed by only some of them
    appendFileSync(logFile('data', 0), Buffer.concat([Buffer.from([0, 0, 0, 100, 1, 2, 3, 4]), Buffer.from('{"o":3,"k":"k"')]));

    const second = bus();
    expect(await second.lag('group', ['data'])).toBe(3);
    expect(statSync(logFile('data', 0)).size).toBe(intact);
    await second.publish('data', [{ key: 'k', value: 'r3' }]);
    const records = await drain(second, 'data', 'group', 4);
    expect(values(records)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(records.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
  });

  test('a last record whose checksum fails is moved aside, never served, and its offset is not reused', async () => {
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish(
      'data',
      ['r0', 'r1', 'r2'].map((value) => ({ key: 'k', value })),
    );
    await first.close();
    const file = logFile('data', 0);
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(file, bytes);

    const second = bus();
    await second.publish('data', [{ key: 'k', value: 'again' }]);
    const records = await drain(second, 'data', 'group', 3);
    expect(values(records)).toEqual(['r0', 'r1', 'again']);
    expect(records.map((r) => r.offset)).toEqual(['0', '1', '3']);
    expect(await second.corruptRecords()).toEqual([{ topic: 'data', count: 1 }]);
  });

  test('a corrupt record mid-partition is reported and moved aside; its successors, the group offsets and new records carry on', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const first = bus();
    await first.ensureTopics([
      { name: 'data', partitions: 1 },
      { name: 'other', partitions: 1 },
    ]);
    await first.publish(
      'data',
      Array.from({ length: 8 }, (_, i) => ({ key: 'k', value: `r${i}` })),
    );
    expect(values(await drain(first, 'data', 'archiver', 8))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    await first.close();
    const file = logFile('data', 0);
    const bytes = readFileSync(file);
    const r3 = bytes.indexOf('{"o":3,');
    bytes[r3 + 30] ^= 0x01;
    writeFileSync(file, bytes);

    const second = new EmbeddedBus({ dir, logger });
    open.push(second);
    expect(await second.corruptRecords()).toEqual([
      { topic: 'data', count: 1 },
      { topic: 'other', count: 0 },
    ]);
    expect(lines.filter((l) => l.event === 'bus_record_corrupt')).toEqual([
      expect.objectContaining({
        level: 50,
        topic: 'data',
        partition: 0,
        offset: 3,
        after_offset: 2,
        before_offset: 4,
        file_position: r3 - 8,
        records: 1,
        segment_file: file,
        quarantine_file: join(dir, 'topics', 'data', '0', 'quarantine'),
      }),
    ]);
    expect(await second.lag('archiver', ['data'])).toBe(0);
    await second.publish('data', [{ key: 'k', value: 'r8' }]);
    const after = await drain(second, 'data', 'archiver', 1);
    expect(values(after)).toEqual(['r8']);
    expect(after.map((r) => r.offset)).toEqual(['8']);
    const fresh = await drain(second, 'data', 'fresh', 8);
    expect(values(fresh)).toEqual(['r0', 'r1', 'r2', 'r4', 'r5', 'r6', 'r7', 'r8']);
  });

  test('a group whose committed offset is past the end of the log refuses to consume and says so', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish(
      'data',
      ['r0', 'r1', 'r2'].map((value) => ({ key: 'k', value })),
    );
    await drain(first, 'data', 'archiver', 3);
    await first.close();
    // what earlier versions did after damage: the log cut back behind the group's committed offset
    const file = logFile('data', 0);
    writeFileSync(file, readFileSync(file).subarray(0, readFileSync(file).indexOf('{"o":1,') - 8));

    const second = new EmbeddedBus({ dir, logger });
    open.push(second);
    await expect(second.subscribe({ groupId: 'archiver', topics: ['data'], onBatch: async () => undefined })).rejects.toMatchObject({
      code: 'integrity_violation',
      message: expect.stringContaining('committed offset 3 on data/0, past the end of the log (1)'),
    });
    expect(lines.filter((l) => l.event === 'bus_offset_past_end')).toEqual([
      expect.objectContaining({ group: 'archiver', topic: 'data', partition: 0, committed: 3, end_offset: 1 }),
    ]);
  });

  test('an ephemeral group keeps its offsets in memory only: no file, and nothing left once it stops', async () => {
    const b = bus();
    await b.ensureTopics([{ name: 'control', partitions: 1, compacted: true }]);
    await b.publish('control', [{ key: 'a', value: 'a1' }]);
    const seen: BusRecord[] = [];
    const sub = await b.subscribe({ groupId: 'control.reader.x', topics: ['control'], ephemeral: true, onBatch: async (batch) => void seen.push(...batch) });
    await waitFor('the record', async () => ((await b.lag('control.reader.x', ['control'])) === 0 ? true : undefined), 10_000, 20);
    expect(values(seen)).toEqual(['a1']);
    expect(readdirSync(join(dir, 'groups'))).toEqual([]);
    await sub.stop();
    expect(await b.lag('control.reader.x', ['control'])).toBe(1);
    expect(readdirSync(join(dir, 'groups'))).toEqual([]);
  });

  test('opening removes temporaries of interrupted atomic writes and offset files of old throwaway groups, and nothing else', async () => {
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish('data', [{ key: 'k', value: 'r0' }]);
    await drain(first, 'data', 'archiver', 1);
    await first.close();
    const groups = join(dir, 'groups');
    const legacy = [
      'custody%2Econtrol%2Econnectors%2Ev1%2Ereader%2E0b8e5f3c-0f5e-4a53-9a35-6f2f8d1c2e4a.json',
      'custody%2Econtrol%2Eholds%2Ev1%2Ereader%2Eb1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d.json',
    ];
    for (const name of legacy) writeFileSync(join(groups, name), '{}');
    writeFileSync(join(groups, 'archiver.json.0123abcd.tmp'), '{"da');
    writeFileSync(join(groups, 'my%2Ereader%2Egroup.json'), '{}'); // a reader group, but no uuid: not a throwaway
    writeFileSync(join(dir, 'topics', 'data', '0', `${'0'.repeat(20)}.log.89abcdef.tmp`), 'half a compaction');
    writeFileSync(join(dir, 'topics', 'data', 'topic.json.fedcba98.tmp'), '{');

    const second = bus();
    expect(await second.lag('archiver', ['data'])).toBe(0);
    expect(readdirSync(groups).sort()).toEqual(['archiver.json', 'my%2Ereader%2Egroup.json']);
    expect(readdirSync(join(dir, 'topics', 'data')).sort()).toEqual(['0', 'topic.json']);
    expect(readdirSync(join(dir, 'topics', 'data', '0'))).toEqual([`${'0'.repeat(20)}.log`]);
  });

  describe('retention', () => {
    const record = (i: number) => ({ value: `q${String(i).padStart(3, '0')}-${'x'.repeat(80)}` });

    test('deleteConsumedBy: sealed segments every named group committed past are deleted, nothing another group still needs', async () => {
      const segments = () => readdirSync(join(dir, 'topics', 'data', '0')).filter((f) => f.endsWith('.log'));
      const b = new EmbeddedBus({ dir, logger: silentLogger(), segmentBytes: 1_000, retentionCheckMs: 20 });
      open.push(b);
      await b.ensureTopics([{ name: 'data', partitions: 1, deleteConsumedBy: ['archiver', 'media'] }]);
      for (let i = 0; i < 20; i++) await b.publish('data', [record(i)]);
      await drain(b, 'data', 'media', 20);
      for (let i = 20; i < 40; i++) await b.publish('data', [record(i)]);
      const before = segments().length;
      expect(before).toBeGreaterThan(6);
      // media read half, the archiver nothing yet: nothing goes
      await new Promise((r) => setTimeout(r, 200));
      expect(segments()).toHaveLength(before);
      await drain(b, 'data', 'archiver', 40);
      await waitFor('segments both groups read to go', async () => (segments().length < before ? true : undefined), 10_000, 20);
      await new Promise((r) => setTimeout(r, 200));
      // every record media has not read is still there for it, in order
      expect(await b.lag('media', ['data'])).toBe(20);
      const rest = await drain(b, 'data', 'media', 20);
      expect(values(rest)).toEqual(Array.from({ length: 20 }, (_, i) => record(20 + i).value));
      // now both read everything: every sealed segment goes, the active one stays
      await waitFor('every sealed segment to go', async () => (segments().length === 1 ? true : undefined), 10_000, 20);
    });

    test('retentionBytes holds while running: every publish past the bound deletes the oldest records, offsets carry on', async () => {
      const b = bus();
      await b.ensureTopics([{ name: 'quarantine', partitions: 1, retentionBytes: 2_000 }]);
      for (let i = 0; i < 100; i++) {
        await b.publish('quarantine', [record(i)]);
        expect(partitionBytes('quarantine', 0)).toBeLessThanOrEqual(2_000);
      }
      const lag = await b.lag('reader', ['quarantine']);
      expect(lag).toBeGreaterThan(5);
      expect(lag).toBeLessThan(20);
      const kept = await drain(b, 'quarantine', 'reader', lag);
      expect(kept).toHaveLength(lag);
      expect(kept.map((r) => Number(r.offset))).toEqual(Array.from({ length: lag }, (_, i) => 100 - lag + i));
      expect(kept[kept.length - 1].value.toString()).toMatch(/^q099-/);
    });

    test('a group whose committed offset retention deleted resumes at the log start, not past the end, also after a restart', async () => {
      const lines: Array<Record<string, unknown>> = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const spec = { name: 'quarantine', partitions: 1, retentionBytes: 2_000 };
      const first = new EmbeddedBus({ dir, logger });
      open.push(first);
      await first.ensureTopics([spec]);
      await first.publish('quarantine', [record(0), record(1)]);
      await drain(first, 'quarantine', 'slow', 2);
      await drain(first, 'quarantine', 'later', 2);
      for (let i = 2; i < 60; i++) await first.publish('quarantine', [record(i)]);
      expect(lines.filter((l) => l.event === 'bus_retention_deleted').length).toBeGreaterThan(0);

      const lag = await first.lag('slow', ['quarantine']);
      const received = await drain(first, 'quarantine', 'slow', lag);
      expect(received[0].offset).toBe(String(60 - lag));
      expect(received.map((r) => r.value.toString().slice(0, 4))).toEqual(Array.from({ length: lag }, (_, i) => `q0${60 - lag + i}`));
      expect(lines.filter((l) => l.event === 'bus_offset_reset')).toEqual([
        expect.objectContaining({ group: 'slow', topic: 'quarantine', partition: 0, position: 2, start_offset: 60 - lag }),
      ]);
      await first.close();

      const second = new EmbeddedBus({ dir, logger });
      open.push(second);
      await second.ensureTopics([spec]);
      expect(await second.lag('later', ['quarantine'])).toBe(lag);
      const resumed = await drain(second, 'quarantine', 'later', lag);
      expect(resumed.map((r) => r.offset)).toEqual(received.map((r) => r.offset));
      expect(lines.filter((l) => l.event === 'bus_offset_past_end')).toEqual([]);
    });

    test('by age: at ensureTopics and periodically, on the bus clock; a partition emptied by age keeps its offsets across a restart', async () => {
      let clock = 1_000_000;
      const make = () => {
        const b = new EmbeddedBus({ dir, logger: silentLogger(), now: () => clock, retentionCheckMs: 20 });
        open.push(b);
        return b;
      };
      const spec = { name: 'quarantine', partitions: 1, retentionMs: 60_000 };
      const first = make();
      await first.ensureTopics([spec]);
      await first.publish('quarantine', [record(0), record(1)]);
      expect(values(await drain(first, 'quarantine', 'reader', 2))).toHaveLength(2);
      clock += 120_000;
      await waitFor('the periodic pass', async () => (partitionBytes('quarantine', 0) === 0 ? true : undefined), 10_000, 20);
      await first.publish('quarantine', [record(2)]);
      expect((await drain(first, 'quarantine', 'reader', 1)).map((r) => r.offset)).toEqual(['2']);
      await first.close();

      clock += 120_000;
      const second = make();
      await second.ensureTopics([spec]); // enforces at once
      expect(partitionBytes('quarantine', 0)).toBe(0);
      await second.publish('quarantine', [record(3)]);
      expect((await drain(second, 'quarantine', 'reader', 1)).map((r) => r.offset)).toEqual(['3']);
      expect((await drain(second, 'quarantine', 'new-group', 1)).map((r) => r.offset)).toEqual(['3']);
    });

    test('retention follows the spec of this start: declared without one, the topic keeps everything; bad values are refused', async () => {
      const first = bus();
      await first.ensureTopics([{ name: 'quarantine', partitions: 1, retentionBytes: 2_000 }]);
      for (let i = 0; i < 40; i++) await first.publish('quarantine', [record(i)]);
      const trimmed = await first.lag('reader', ['quarantine']);
      expect(trimmed).toBeLessThan(40);
      await first.close();

      const second = bus();
      await second.ensureTopics([{ name: 'quarantine', partitions: 1 }]);
      for (let i = 40; i < 80; i++) await second.publish('quarantine', [record(i)]);
      expect(await second.lag('reader', ['quarantine'])).toBe(trimmed + 40);
      await expect(second.ensureTopics([{ name: 'other', retentionBytes: 0 }])).rejects.toMatchObject({ code: 'invalid_topic' });
      await expect(second.ensureTopics([{ name: 'other', retentionMs: 1.5 }])).rejects.toMatchObject({ code: 'invalid_topic' });
    });
  });

  describe('segments', () => {
    const segmentFiles = (topic: string) =>
      readdirSync(join(dir, 'topics', topic, '0'))
        .filter((f) => f.endsWith('.log'))
        .sort();

    test('a restart resumes each group at its committed offset through the index: the history before it is not read again', async () => {
      const small = () => {
        const b = new EmbeddedBus({ dir, logger: silentLogger(), segmentBytes: 1_000 });
        open.push(b);
        return b;
      };
      const first = small();
      await first.ensureTopics([{ name: 'data', partitions: 1 }]);
      for (let i = 0; i < 30; i++) await first.publish('data', [{ value: `r${i}-${'x'.repeat(100)}` }]);
      expect(segmentFiles('data').length).toBeGreaterThan(5);
      await drain(first, 'data', 'archiver', 30);
      await first.close();
      // damage in the first (sealed) segment, long consumed: a start that read the history would find it
      const oldest = join(dir, 'topics', 'data', '0', segmentFiles('data')[0]);
      const bytes = readFileSync(oldest);
      bytes[bytes.indexOf('{"o":1,') + 30] ^= 0x01;
      writeFileSync(oldest, bytes);

      const second = small();
      await second.publish('data', [{ value: 'r30' }]);
      expect(values(await drain(second, 'data', 'archiver', 1))).toEqual(['r30']);
      expect(await second.corruptRecords()).toEqual([{ topic: 'data', count: 0 }]);
      // a new group reads the history: the damaged record is found, reported, moved aside; every other record is delivered
      const fresh = await drain(second, 'data', 'fresh', 30);
      expect(fresh.map((r) => r.offset)).toEqual(Array.from({ length: 31 }, (_, i) => String(i)).filter((o) => o !== '1'));
      expect(await second.corruptRecords()).toEqual([{ topic: 'data', count: 1 }]);
    });

    test('a data directory of the one-file-per-partition layout is adopted: records, offsets and groups carry on', async () => {
      const frame = (o: number, value: string) => {
        const payload = Buffer.from(JSON.stringify({ o, k: null, v: Buffer.from(value).toString('base64'), h: {}, t: '1700000000000' }));
        const header = Buffer.alloc(8);
        header.writeUInt32BE(payload.length, 0);
        header.writeUInt32BE(crc32(payload), 4);
        return Buffer.concat([header, payload]);
      };
      // as the earlier version left it: topic.json, one file per partition, a group that read two records
      const topicDir = join(dir, 'topics', 'data');
      mkdirSync(topicDir, { recursive: true });
      mkdirSync(join(dir, 'groups'));
      writeFileSync(join(topicDir, 'topic.json'), JSON.stringify({ name: 'data', partitions: 1, compacted: false }));
      writeFileSync(join(topicDir, '0.log'), Buffer.concat([frame(0, 'old0'), frame(1, 'old1'), frame(2, 'old2')]));
      writeFileSync(join(dir, 'groups', 'archiver.json'), JSON.stringify({ data: { 0: 2 } }));

      const b = bus();
      expect(await b.lag('archiver', ['data'])).toBe(1);
      await b.publish('data', [{ value: 'new3' }]);
      expect(values(await drain(b, 'data', 'archiver', 2))).toEqual(['old2', 'new3']);
      expect(readdirSync(topicDir).sort()).toEqual(['0', 'topic.json']);
      expect(values(await drain(b, 'data', 'fresh', 4))).toEqual(['old0', 'old1', 'old2', 'new3']);
    });
  });

  test('refuses unknown topics and a second consumer in one group', async () => {
    const b = bus();
    await expect(b.publish('nope', [{ value: 'x' }])).rejects.toMatchObject({ code: 'not_found' });
    await b.ensureTopics([{ name: 'data' }]);
    subs.push(await b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async () => undefined }));
    await expect(b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async () => undefined })).rejects.toMatchObject({ code: 'config_invalid' });
  });

  test('a publish wakes an idle consumer: delivery does not wait for the poll interval', async () => {
    // a poll interval longer than the test's deadline: only the publish's wake-up can deliver in time
    const b = new EmbeddedBus({ dir, logger: silentLogger(), pollIntervalMs: 600_000 });
    open.push(b);
    await b.ensureTopics([{ name: 'data', partitions: 1 }]);
    const seen: string[] = [];
    subs.push(await b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async (batch) => void seen.push(...values(batch)) }));
    await b.publish('data', [{ value: 'first' }]);
    await waitFor('the first delivery', async () => ((await b.lag('g', ['data'])) === 0 ? true : undefined), 10_000, 5);
    // caught up, the consumer idles; the next publish must wake it
    await b.publish('data', [{ value: 'now' }]);
    await waitFor('the woken delivery', async () => (seen.length === 2 ? true : undefined), 10_000, 5);
    expect(seen).toEqual(['first', 'now']);
  });
});
