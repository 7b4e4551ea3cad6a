import { createHash } from 'node:crypto';
import { rawKey, type ArchiveStore, type ObjectInfo, type PutRequest, type PutResult } from '@custody/archive-store';
import type { BusRecord } from '@custody/bus';
import type { LockPolicy } from '@custody/policy';
import { rawStep } from './steps';

const LATER = new Date('2033-01-01T00:00:00.000Z');
const EARLIER = new Date('2030-01-01T00:00:00.000Z');

/** Write-once like the real stores, and counting every request: the step's cost per delivery is the point. */
class CountingStore {
  calls: string[] = [];
  objects = new Map<string, ObjectInfo>();
  async put(req: PutRequest): Promise<PutResult> {
    this.calls.push('put');
    const existing = this.objects.get(req.key);
    if (existing) return { key: req.key, versionId: existing.versionId, sha256: existing.sha256, created: false };
    const sha256 = createHash('sha256')
      .update(req.body as Buffer)
      .digest('hex');
    this.objects.set(req.key, {
      key: req.key,
      versionId: 'v1',
      sha256,
      size: 0,
      lastModified: new Date(),
      retainUntil: req.retainUntil,
      legalHold: req.legalHold,
    });
    return { key: req.key, versionId: 'v1', sha256, created: true };
  }
  async head(key: string): Promise<ObjectInfo | null> {
    this.calls.push('head');
    return this.objects.get(key) ?? null;
  }
  async extendRetention(key: string, _v: string, until: Date): Promise<void> {
    this.calls.push('extendRetention');
    this.objects.get(key)!.retainUntil = until;
  }
  async setLegalHold(key: string, _v: string, on: boolean): Promise<void> {
    this.calls.push('setLegalHold');
    this.objects.get(key)!.legalHold = on;
  }
}

const body = Buffer.from('{"object":"whatsapp_business_account"}');
const sha256 = createHash('sha256').update(body).digest('hex');
const record: BusRecord = {
  topic: 'custody.raw.v1',
  partition: 0,
  offset: '0',
  key: null,
  value: body,
  headers: { tenant: 'acme', sha256, content_type: 'application/json', received_at: '2026-11-30T00:00:00.000Z' },
  timestamp: '0',
};
const policy = (retainUntil: Date, holds: string[] = []) => ({ lockForRaw: async () => ({ retainUntil, holds }) }) as unknown as LockPolicy;

describe('rawStep', () => {
  test('a new delivery costs one write-once put and nothing else', async () => {
    const store = new CountingStore();
    expect(await rawStep(store as unknown as ArchiveStore, policy(LATER), record)).toEqual({ status: 'ok', value: null });
    expect(store.calls).toEqual(['put']);
    expect(store.objects.get(rawKey('acme', sha256))).toMatchObject({ retainUntil: LATER, legalHold: false });
  });

  test('a delivery already stored keeps its bytes and only has its lock raised: retention extended, hold set', async () => {
    const store = new CountingStore();
    await rawStep(store as unknown as ArchiveStore, policy(EARLIER), record);
    store.calls = [];
    expect(await rawStep(store as unknown as ArchiveStore, policy(LATER, ['h1']), record)).toEqual({ status: 'ok', value: null });
    expect(store.calls).toEqual(['put', 'head', 'extendRetention', 'setLegalHold']);
    expect(store.objects.get(rawKey('acme', sha256))).toMatchObject({ versionId: 'v1', retainUntil: LATER, legalHold: true });
  });

  test('a lock that reaches less far than the stored one changes nothing', async () => {
    const store = new CountingStore();
    await rawStep(store as unknown as ArchiveStore, policy(LATER, ['h1']), record);
    store.calls = [];
    await rawStep(store as unknown as ArchiveStore, policy(EARLIER), record);
    expect(store.calls).toEqual(['put', 'head']);
    expect(store.objects.get(rawKey('acme', sha256))).toMatchObject({ retainUntil: LATER, legalHold: true });
  });

  test('bytes that do not hash to their header are dead-lettered without touching the store', async () => {
    const store = new CountingStore();
    const r = await rawStep(store as unknown as ArchiveStore, policy(LATER), { ...record, headers: { ...record.headers, sha256: '0'.repeat(64) } });
    expect(r).toMatchObject({ status: 'dlq', step: 'raw' });
    expect(store.calls).toEqual([]);
  });
});
