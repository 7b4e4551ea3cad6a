import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@custody/logger';
import { waitFor } from '../../../../tests/support/stack';
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
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for anything extra
    await sub.stop();
    return records;
  }

  const values = (records: BusRecord[]) => records.map((r) => r.value.toString());
  const logFile = (topic: string, partition: number) => join(dir, 'topics', topic, `${partition}.log`);

  test('a compacted topic read from the beginning yields only the latest record per key, before and after compaction on disk', async () => {
    const b = bus();
    await b.ensureTopics([{ name: 'control', partitions: 1, compacted: true }]);
    await b.publish('control', ['a1', 'b1', 'a2', 'a3', 'c1', 'b2'].map((v) => ({ key: v[0], value: v })));
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
    await first.ensureTopics([{ name: 'data', partitions: 2 }, { name: 'control', partitions: 1, compacted: true }]);
    await first.publish('data', ['r0', 'r1', 'r2', 'r3', 'r4'].map((v, i) => ({ key: `k${i}`, value: v })));
    await first.publish('control', [{ key: 'x', value: 'old' }, { key: 'x', value: 'new' }]);
    expect(values(await drain(first, 'data', 'group', 5)).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    await first.close();

    const second = bus();
    expect(await second.lag('group', ['data'])).toBe(0);
    await second.publish('data', [{ key: 'k9', value: 'r5' }, { key: 'k9', value: 'r6' }]);
    expect(await second.lag('group', ['data'])).toBe(2);
    expect(values(await drain(second, 'data', 'group', 2))).toEqual(['r5', 'r6']);
    expect(values(await drain(second, 'control', 'fresh', 1))).toEqual(['new']);
  });

  test('a torn record at the tail is cut off on open; publishing continues at the right offset', async () => {
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish('data', ['r0', 'r1', 'r2'].map((value) => ({ key: 'k', value })));
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

  test('a last record whose checksum fails is dropped, never served', async () => {
    const first = bus();
    await first.ensureTopics([{ name: 'data', partitions: 1 }]);
    await first.publish('data', ['r0', 'r1', 'r2'].map((value) => ({ key: 'k', value })));
    await first.close();
    const file = logFile('data', 0);
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(file, bytes);

    const second = bus();
    expect(await second.lag('group', ['data'])).toBe(2);
    await second.publish('data', [{ key: 'k', value: 'again' }]);
    const records = await drain(second, 'data', 'group', 3);
    expect(values(records)).toEqual(['r0', 'r1', 'again']);
    expect(records.map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  test('refuses unknown topics and a second consumer in one group', async () => {
    const b = bus();
    await expect(b.publish('nope', [{ value: 'x' }])).rejects.toMatchObject({ code: 'not_found' });
    await b.ensureTopics([{ name: 'data' }]);
    subs.push(await b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async () => undefined }));
    await expect(b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async () => undefined })).rejects.toMatchObject({ code: 'config_invalid' });
  });

  test('a record published while subscribed is delivered promptly', async () => {
    const b = bus();
    await b.ensureTopics([{ name: 'data', partitions: 1 }]);
    const seen: number[] = [];
    subs.push(await b.subscribe({ groupId: 'g', topics: ['data'], onBatch: async () => void seen.push(Date.now()) }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = Date.now();
    await b.publish('data', [{ value: 'now' }]);
    await waitFor('delivery', async () => (seen.length > 0 ? true : undefined), 5_000, 5);
    expect(seen[0]! - sent).toBeLessThan(500);
  });
});
