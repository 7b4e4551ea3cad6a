import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { LocalArchiveStore, checkpointKey, logTileKey } from '@custody/archive-store';
import { createLogger } from '@custody/logger';
import { parseCheckpoint, publicKeyFromBase64, signingKeyFromSeed, verifiedSigners } from './checkpoint';
import { leafHashOf, type LogLeaf } from './leaf';
import { readCheckpoint } from './log-objects';
import { rootOf, verifyConsistency, verifyInclusion } from './merkle';
import { LogReader } from './reader';
import { RecordLogWriter } from './writer';

const logger = createLogger('test', { level: 'silent' });
const key = signingKeyFromSeed(randomBytes(32));

function leaf(i: number): LogLeaf {
  const sha = createHash('sha256').update(`record ${i}`).digest('hex');
  return {
    kind: i % 10 === 9 ? 'audit' : 'record',
    id: `r${i}`,
    key: `tenants/acme/records/r${i}.json`,
    versionId: `v${i}`,
    sha256: sha,
    envelopeSha256: i % 10 === 9 ? '' : sha,
    channel: i % 10 === 9 ? '' : 'whatsapp',
    type: i % 10 === 9 ? 'audit' : 'message',
    retainUntil: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString(),
  };
}

describe('record log writer and reader', () => {
  let dir: string;
  let store: LocalArchiveStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'record-log-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends across tile boundaries and restarts, signs chained checkpoints, and proves inclusion and consistency from the store alone', async () => {
    const all = Array.from({ length: 700 }, (_, i) => leaf(i));
    const first = new RecordLogWriter({ store, signingKey: key, logger });
    const src = (offset: number) => ({ topic: 'log', partition: 0, offset: String(offset) });
    expect((await first.append('acme', all.slice(0, 200), src(1))).map((l) => l.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await first.checkpoint('acme')).toBe(200);
    expect(await first.checkpoint('acme')).toBeNull(); // nothing new
    await first.append('acme', all.slice(200, 300), src(2));
    // a redelivered bus record is not appended twice
    expect(await first.append('acme', all.slice(200, 300), src(2))).toEqual([]);

    // a new writer (a restart) continues from the store
    const second = new RecordLogWriter({ store, signingKey: key, logger });
    await second.append('acme', all.slice(300, 700), src(3));
    expect(await second.checkpoint('acme')).toBe(700);
    expect(await store.head(logTileKey('acme', 0, 1))).not.toBeNull();
    expect(await store.head(logTileKey('acme', 0, 2))).toBeNull(); // 700 leaves: two full tiles

    const hashes = all.map((l, i) => leafHashOf({ ...l, sequence: i }));
    const reader = new LogReader(store, 'acme');
    expect(await reader.size()).toBe(700);
    const latest = await reader.latestCheckpoint();
    const body = parseCheckpoint(latest!.checkpoint.body);
    expect(body).toMatchObject({ tenant: 'acme', size: 700, root: rootOf(hashes).toString('hex'), counts: { '- audit': 70, 'whatsapp message': 630 } });
    expect(verifiedSigners(latest!.checkpoint, [publicKeyFromBase64(key.publicKeyBase64)])).toEqual([key.keyId]);
    const earlier = parseCheckpoint((await readCheckpoint(store, checkpointKey('acme', 200))).body);
    expect(body.previous).toBe(
      createHash('sha256')
        .update(formatOf(await readCheckpoint(store, checkpointKey('acme', 200))))
        .digest('hex'),
    );
    expect(body.retainUntil).toBe(all[699].retainUntil);

    for (const m of [0, 255, 256, 511, 699]) {
      const path = (await reader.inclusion(m, 700)).map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(m, 700, hashes[m], path, Buffer.from(body.root, 'hex'))).toBe(true);
      expect((await reader.leafAt(m)).id).toBe(`r${m}`);
    }
    const consistency = (await reader.consistency(200, 700)).map((h) => Buffer.from(h, 'hex'));
    expect(verifyConsistency(200, 700, Buffer.from(earlier.root, 'hex'), Buffer.from(body.root, 'hex'), consistency)).toBe(true);
  });

  it('writes a tile a crash left unwritten when the log is next loaded', async () => {
    const w = new RecordLogWriter({ store, logger });
    await w.append(
      'acme',
      Array.from({ length: 256 }, (_, i) => leaf(i)),
    );
    const tile = logTileKey('acme', 0, 0);
    const info = (await store.head(tile))!;
    // simulate the crash: the tile object never written (the local store allows deleting once unlocked)
    jest.useFakeTimers({ now: Date.parse('2099-01-01T00:00:00Z'), doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      await store.deleteVersion(tile, info.versionId);
    } finally {
      jest.useRealTimers();
    }
    expect(await store.head(tile)).toBeNull();
    const again = new RecordLogWriter({ store, logger });
    await again.append('acme', [leaf(256)]);
    expect(await store.head(tile)).not.toBeNull();
    expect(await new LogReader(store, 'acme').size()).toBe(257);
  });
});

function formatOf(cp: { body: string }): string {
  return cp.body;
}
