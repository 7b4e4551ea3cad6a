import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DependencyUnavailableError, LockedError, NotFoundError, RejectedInputError } from '@custody/errors';
import { probeWormConformance } from './conformance';
import { LocalArchiveStore } from './local/local-archive-store';
import type { ArchiveStore, ObjectInfo, ObjectVersionRef, PutRequest } from './port';

/** The local store with some methods replaced: a store that breaks one rule. */
function breaking(store: ArchiveStore, over: Partial<ArchiveStore>): ArchiveStore {
  return new Proxy(store, { get: (target, prop, receiver) => (prop in over ? over[prop as keyof ArchiveStore] : Reflect.get(target, prop, receiver)) });
}

/**
 * What SeaweedFS issue 11333 describes: the lock is taken and reported, and enforced nowhere.
 * Versions are overwritten in place, deleted and re-dated on request.
 */
class LockIgnoringStore implements ArchiveStore {
  private readonly objects = new Map<string, { body: Buffer; info: ObjectInfo }>();
  async ensureReady() {}
  async probe() {}
  async put(req: PutRequest) {
    const body = req.body as Buffer;
    const sha256 = createHash('sha256').update(body).digest('hex');
    const info: ObjectInfo = {
      key: req.key,
      versionId: 'v1',
      sha256,
      size: body.length,
      lastModified: new Date(),
      retentionMode: 'COMPLIANCE',
      retainUntil: req.retainUntil,
      legalHold: false,
    };
    this.objects.set(req.key, { body, info });
    return { key: req.key, versionId: 'v1', sha256, created: true };
  }
  async head(key: string) {
    return this.objects.get(key)?.info ?? null;
  }
  async get(key: string) {
    const o = this.objects.get(key);
    if (!o) throw new NotFoundError(key);
    return o;
  }
  async getStream(): Promise<never> {
    throw new Error('not used');
  }
  async setLegalHold() {}
  async extendRetention(key: string, _versionId: string, until: Date) {
    this.objects.get(key)!.info.retainUntil = until;
  }
  async deleteVersion(key: string) {
    this.objects.delete(key);
  }
  async *list(): AsyncIterable<ObjectVersionRef> {}
}

describe('probeWormConformance', () => {
  let dir: string;
  let local: LocalArchiveStore;
  const storeName = 'archive directory /tmp/x';
  const checksOf = (r: { failures: Array<{ check: string }> }) => r.failures.map((f) => f.check);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-conformance-'));
    local = new LocalArchiveStore({ dir });
    await local.ensureReady();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the local directory store conforms; its canaries are locked, outside every tenant, under the UTC day', async () => {
    const at = new Date();
    const result = await probeWormConformance(local, { storeName, now: () => at });
    expect(result).toEqual({ store: storeName, ok: true, at: at.toISOString(), failures: [] });
    const canaries: string[] = [];
    for await (const v of local.list('system/conformance/')) canaries.push(v.key);
    expect(canaries).toHaveLength(3);
    for (const key of canaries) {
      expect(key.startsWith(`system/conformance/${at.toISOString().slice(0, 10)}/`)).toBe(true);
      const info = await local.head(key);
      expect(info).toMatchObject({ retentionMode: 'COMPLIANCE' });
      // one day by default, to the second
      expect(Math.abs(info!.retainUntil!.getTime() - at.getTime() - 86_400_000)).toBeLessThan(1_000);
    }
  });

  test('a store that takes the lock and enforces none of it fails every check, each named', async () => {
    const result = await probeWormConformance(new LockIgnoringStore(), { storeName });
    expect(result.ok).toBe(false);
    expect(checksOf(result)).toEqual(['delete_refused', 'overwrite_refused', 'retention_not_shortened']);
    expect(result.failures[0].detail).toMatch(/accepted deleting system\/conformance\/.+ version v1, locked until/);
    expect(result.failures[1].detail).toMatch(/ignores If-None-Match/);
    expect(result.failures[2].detail).toMatch(/accepted moving retain-until/);
  });

  test('a store that lets a locked version be deleted fails delete_refused only', async () => {
    const result = await probeWormConformance(breaking(local, { deleteVersion: async () => undefined }), { storeName });
    expect(result).toMatchObject({ store: storeName, ok: false });
    expect(checksOf(result)).toEqual(['delete_refused']);
  });

  test('a delete refused for another reason than the lock is a failure with its message', async () => {
    const deleteVersion = async () => Promise.reject(new RejectedInputError('bad_request', 'MalformedXML'));
    const result = await probeWormConformance(breaking(local, { deleteVersion }), { storeName });
    expect(result.failures).toEqual([{ check: 'delete_refused', detail: 'deleting failed, but not as locked: MalformedXML' }]);
  });

  test('a store that lets retention be shortened fails retention_not_shortened only', async () => {
    const result = await probeWormConformance(breaking(local, { extendRetention: async () => undefined }), { storeName });
    expect(checksOf(result)).toEqual(['retention_not_shortened']);
  });

  test('a store that answers "locked" to a shortening and shortens anyway fails it too', async () => {
    let shortenedTo: Date | undefined;
    const extendRetention = async (_key: string, _versionId: string, until: Date) => {
      shortenedTo = until;
      throw new LockedError('Object is WORM protected');
    };
    const head = async (key: string, versionId?: string) => {
      const info = await local.head(key, versionId);
      return info && shortenedTo ? { ...info, retainUntil: shortenedTo } : info;
    };
    const result = await probeWormConformance(breaking(local, { extendRetention, head }), { storeName });
    expect(result.failures).toEqual([{ check: 'retention_not_shortened', detail: expect.stringMatching(/refused shortening .+ yet reports retain-until/) }]);
  });

  test('a store that refuses the locked write fails lock_accepted and nothing else is tried', async () => {
    const put = jest.fn(async () => Promise.reject(new LockedError('Bucket is missing ObjectLockConfiguration')));
    const result = await probeWormConformance(breaking(local, { put }), { storeName });
    expect(result.failures).toEqual([{ check: 'lock_accepted', detail: expect.stringContaining('Bucket is missing ObjectLockConfiguration') }]);
    expect(put).toHaveBeenCalledTimes(1);
  });

  test('a store that takes the write but reports no lock fails lock_accepted', async () => {
    const head = async (key: string, versionId?: string) => {
      const info = await local.head(key, versionId);
      return info && { ...info, retentionMode: undefined, retainUntil: undefined };
    };
    const result = await probeWormConformance(breaking(local, { head }), { storeName });
    expect(result.failures).toEqual([{ check: 'lock_accepted', detail: expect.stringMatching(/the store reports no lock$/) }]);
  });

  test('an unreachable store is an outage, rejected as it is, not a verdict', async () => {
    const outage = new DependencyUnavailableError('s3', 'connect ECONNREFUSED 127.0.0.1:1');
    await expect(probeWormConformance(breaking(local, { put: async () => Promise.reject(outage) }), { storeName })).rejects.toBe(outage);
    await expect(probeWormConformance(breaking(local, { deleteVersion: async () => Promise.reject(outage) }), { storeName })).rejects.toBe(outage);
  });

  test('a lock too short to outlast the probe is refused', async () => {
    await expect(probeWormConformance(local, { storeName, lockSeconds: 5 })).rejects.toThrow(RangeError);
  });
});
