import { createHash } from 'node:crypto';
import { isRetriable } from '@custody/errors';
import { uniqueName } from '@custody/testing';
import type { ArchiveStore, ObjectVersionRef, PutRequest } from './port';

export interface ArchiveHarness {
  store: ArchiveStore;
  cleanup(): Promise<void>;
  /** A store of the same kind whose server or directory cannot be reached (for probe). */
  unreachable(): ArchiveStore;
}

/** The ArchiveStore port's contract (WORM rules of S3 Object Lock, COMPLIANCE mode): the same tests for every adapter. */
export function archiveStoreContract(name: string, make: () => Promise<ArchiveHarness>): void {
  describe(`ArchiveStore contract: ${name}`, () => {
    let store: ArchiveStore;
    let cleanup: (() => Promise<void>) | undefined;
    let unreachable: () => ArchiveStore;

    beforeAll(async () => {
      ({ store, cleanup, unreachable } = await make());
      await store.ensureReady();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const inSeconds = (s: number) => new Date(Date.now() + s * 1000);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const request = (key: string, body: string, over: Partial<PutRequest> = {}): PutRequest => ({
      key,
      body: Buffer.from(body),
      contentType: 'application/json',
      retainUntil: inSeconds(600),
      legalHold: false,
      ...over,
    });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (err: { code?: string }) => err.code ?? String(err),
      );

    async function listAll(prefix: string): Promise<ObjectVersionRef[]> {
      const out: ObjectVersionRef[] = [];
      for await (const ref of store.list(prefix)) out.push(ref);
      return out.sort((a, b) => (a.key < b.key ? -1 : 1));
    }

    test('probe resolves while the store works and rejects with a retriable error when it cannot be reached', async () => {
      await expect(store.probe()).resolves.toBeUndefined();
      const err = await unreachable()
        .probe()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Error);
      expect(isRetriable(err)).toBe(true);
    });

    test('put stores the bytes with their sha256, retention and hold; head and get report them', async () => {
      const key = `${uniqueName()}/records/ab/record.json`;
      const body = Buffer.from(`{"text":"hello ${key}","bytes":"\u00e9\u4e2d"}`);
      const retainUntil = inSeconds(600);
      const put = await store.put({ key, body, contentType: 'application/json', retainUntil, legalHold: false, metadata: { tenant: 'acme' } });
      expect(put).toEqual({ key, versionId: expect.any(String), sha256: sha256(body), created: true });

      const info = await store.head(key);
      expect(info).toMatchObject({ key, versionId: put.versionId, sha256: sha256(body), size: body.length, retentionMode: 'COMPLIANCE', legalHold: false });
      expect(info!.retainUntil!.getTime()).toBe(retainUntil.getTime());
      expect(Math.abs(info!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
      expect(await store.head(key, put.versionId)).toMatchObject({ versionId: put.versionId, sha256: sha256(body) });

      const got = await store.get(key);
      expect(got.body).toEqual(body);
      expect(got.info.versionId).toBe(put.versionId);
      expect((await store.get(key, put.versionId)).body).toEqual(body);

      const held = await store.put(request(`${key}.held`, 'held', { legalHold: true }));
      expect((await store.head(held.key))!.legalHold).toBe(true);
    });

    test('a missing key: head is null, get is not_found', async () => {
      const key = `${uniqueName()}/missing.json`;
      expect(await store.head(key)).toBeNull();
      expect(await codeOf(store.get(key))).toBe('not_found');
    });

    test('a version id the store never issued (malformed, or of another key): head is null, get is not_found, never an outage', async () => {
      const key = `${uniqueName()}/versioned.json`;
      const put = await store.put({
        key,
        body: Buffer.from('{}'),
        contentType: 'application/json',
        retainUntil: new Date(Date.now() + 60_000),
        legalHold: false,
      });
      expect(await store.head(key, 'v-none')).toBeNull();
      expect(await codeOf(store.get(key, 'v-none'))).toBe('not_found');
      expect(await codeOf(store.get(`${uniqueName()}/other.json`, put.versionId))).toBe('not_found');
    });

    test('put is write-once: the same key again writes nothing and reports the existing version', async () => {
      const key = `${uniqueName()}/once.json`;
      const first = await store.put(request(key, 'original'));
      const again = await store.put(request(key, 'overwrite attempt', { legalHold: true }));
      expect(again).toEqual({ key, versionId: first.versionId, sha256: first.sha256, created: false });
      expect((await store.get(key)).body.toString()).toBe('original');
      expect((await store.head(key))!.legalHold).toBe(false);
      expect(await listAll(key)).toHaveLength(1);
    });

    test('refuses a retain-until in the past', async () => {
      await expect(store.put(request(`${uniqueName()}/past.json`, 'x', { retainUntil: inSeconds(-60) }))).rejects.toThrow();
    });

    test('retention: delete is locked while retained; it can be extended, never shortened', async () => {
      const key = `${uniqueName()}/retained.json`;
      const put = await store.put(request(key, 'keep me'));
      expect(await codeOf(store.deleteVersion(key, put.versionId))).toBe('locked');

      const later = inSeconds(3600);
      await store.extendRetention(key, put.versionId, later);
      expect((await store.head(key))!.retainUntil!.getTime()).toBe(later.getTime());
      await store.extendRetention(key, put.versionId, later); // the same instant is not a shortening

      expect(await codeOf(store.extendRetention(key, put.versionId, inSeconds(60)))).toBe('locked');
      expect((await store.head(key))!.retainUntil!.getTime()).toBe(later.getTime());
      expect(await codeOf(store.deleteVersion(key, put.versionId))).toBe('locked');
      expect((await store.get(key)).body.toString()).toBe('keep me');
    });

    test('delete is allowed once retention has passed, and the key can then be written again', async () => {
      const key = `${uniqueName()}/expiring.json`;
      const put = await store.put(request(key, 'short-lived', { retainUntil: inSeconds(2) }));
      expect(await codeOf(store.deleteVersion(key, put.versionId))).toBe('locked');
      await sleep(3_000);
      await store.deleteVersion(key, put.versionId);
      expect(await store.head(key)).toBeNull();
      expect(await store.head(key, put.versionId)).toBeNull();
      await store.deleteVersion(key, put.versionId); // deleting what is gone is not an error, as on S3

      const again = await store.put(request(key, 'second life', { retainUntil: inSeconds(2) }));
      expect(again.created).toBe(true);
      expect(again.versionId).not.toBe(put.versionId);
    });

    test('legal hold: delete is locked while the hold is on, even after retention; it toggles', async () => {
      const key = `${uniqueName()}/held.json`;
      const put = await store.put(request(key, 'evidence', { retainUntil: inSeconds(2), legalHold: true }));
      await sleep(3_000);
      expect(await codeOf(store.deleteVersion(key, put.versionId))).toBe('locked');

      await store.setLegalHold(key, put.versionId, false);
      expect((await store.head(key))!.legalHold).toBe(false);
      await store.setLegalHold(key, put.versionId, true);
      expect((await store.head(key))!.legalHold).toBe(true);
      expect(await codeOf(store.deleteVersion(key, put.versionId))).toBe('locked');

      await store.setLegalHold(key, put.versionId, false);
      await store.deleteVersion(key, put.versionId);
      expect(await store.head(key)).toBeNull();
    });

    test('hold and retention changes apply to the version they name and to no other key', async () => {
      const p = uniqueName();
      const retainUntil = inSeconds(600);
      const [held, extended, untouched] = await Promise.all(
        ['held', 'extended', 'untouched'].map((n) => store.put(request(`${p}/${n}.json`, n, { retainUntil }))),
      );
      const later = inSeconds(3600);
      await Promise.all([store.setLegalHold(held.key, held.versionId, true), store.extendRetention(extended.key, extended.versionId, later)]);
      expect(await store.head(held.key)).toMatchObject({ legalHold: true, retainUntil });
      expect(await store.head(extended.key)).toMatchObject({ legalHold: false, retainUntil: later });
      expect(await store.head(untouched.key)).toMatchObject({ legalHold: false, retainUntil });
      expect((await store.get(extended.key)).body.toString()).toBe('extended');
    });

    test('hold and retention changes on a missing key are not_found', async () => {
      const existing = await store.put(request(`${uniqueName()}/real.json`, 'x'));
      const key = `${uniqueName()}/never-written.json`;
      expect(await codeOf(store.setLegalHold(key, existing.versionId, true))).toBe('not_found');
      expect(await codeOf(store.extendRetention(key, existing.versionId, inSeconds(3600)))).toBe('not_found');
    });

    test('get with a range returns the inclusive byte range, clamped at the end', async () => {
      const key = `${uniqueName()}/range.bin`;
      await store.put(request(key, '0123456789'));
      const part = await store.get(key, undefined, { start: 2, end: 5 });
      expect(part.body.toString()).toBe('2345');
      expect(part.info.size).toBe(10);
      expect((await store.get(key, undefined, { start: 7, end: 100 })).body.toString()).toBe('789');
      expect((await store.get(key, undefined, { start: 0, end: 0 })).body.toString()).toBe('0');
    });

    test('list yields every version under a string prefix', async () => {
      const p = uniqueName();
      const a1 = await store.put(request(`${p}/a/1.json`, 'a1'));
      const a2 = await store.put(request(`${p}/a/2.json`, 'a-two'));
      await store.put(request(`${p}/b/1.json`, 'b1'));
      await store.put(request(`${p}-sibling/x.json`, 'x'));

      expect(await listAll(`${p}/a/`)).toEqual([
        { key: `${p}/a/1.json`, versionId: a1.versionId, isLatest: true, deleteMarker: false, size: 2, lastModified: expect.any(Date) },
        { key: `${p}/a/2.json`, versionId: a2.versionId, isLatest: true, deleteMarker: false, size: 5, lastModified: expect.any(Date) },
      ]);
      expect((await listAll(`${p}/`)).map((r) => r.key)).toEqual([`${p}/a/1.json`, `${p}/a/2.json`, `${p}/b/1.json`]);
      expect((await listAll(p)).map((r) => r.key)).toEqual([`${p}-sibling/x.json`, `${p}/a/1.json`, `${p}/a/2.json`, `${p}/b/1.json`]);
      expect((await listAll(`${p}/a/1`)).map((r) => r.key)).toEqual([`${p}/a/1.json`]);
      expect(await listAll(`${p}/none/`)).toEqual([]);
    });
  });
}
