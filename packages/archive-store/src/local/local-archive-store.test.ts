import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@custody/testing';
import type { ObjectVersionRef, PutRequest } from '../port';
import { LOCK_JOURNAL, locate } from './keys';
import { LocalArchiveStore } from './local-archive-store';

/** What only the local store promises beyond the shared contract: its files, key safety, restarts, the legacy layout. */
describe('LocalArchiveStore on disk', () => {
  let dir: string;
  let store: LocalArchiveStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-local-archive-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const request = (key: string, over: Partial<PutRequest> = {}): PutRequest => ({
    key,
    body: Buffer.from('{"hello":"world"}'),
    contentType: 'application/json',
    retainUntil: new Date(Date.now() + 600_000),
    legalHold: false,
    ...over,
  });
  const bucketOf = (key: string) => join(dir, 'versions', ...locate(key).bucket);
  const versionFile = (key: string, versionId: string) => join(bucketOf(key), `${locate(key).name}@${versionId}`);
  const filesBelow = (path: string): string[] =>
    readdirSync(path, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(path, f)).isFile());
  async function listAll(prefix: string): Promise<ObjectVersionRef[]> {
    const out: ObjectVersionRef[] = [];
    for await (const ref of store.list(prefix)) out.push(ref);
    return out;
  }
  /** Rewrites a read-only file of the store, as damage on disk would. */
  function damage(file: string, change: (bytes: Buffer) => Buffer): void {
    chmodSync(file, 0o600);
    writeFileSync(file, change(readFileSync(file)));
  }

  test.each(['../escape.json', 'a/../../b.json', '/etc/passwd', 'a//b.json', './a.json', 'a/', '', `a/${'x'.repeat(223)}`, `${'y'.repeat(256)}/a.json`])(
    'refuses the key %j',
    async (key) => {
      await expect(store.put(request(key))).rejects.toMatchObject({ code: 'invalid_key' });
      await expect(store.head(key)).rejects.toMatchObject({ code: 'invalid_key' });
      expect(await listAll(key)).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(['tmp', 'versions']);
      expect(readdirSync(join(dir, 'versions'))).toEqual([]);
    },
  );

  test('stores each version as one read-only file holding its metadata and bytes, with no temporary files left', async () => {
    const key = 'tenants/acme/records/ab/abc.json';
    const put = await store.put(request(key, { metadata: { tenant: 'acme' } }));
    expect(filesBelow(join(dir, 'versions'))).toEqual([join(...locate(key).bucket, `abc.json@${put.versionId}`)]);
    const file = versionFile(key, put.versionId);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString()).toBe('CSTDYVER');
    expect(bytes.subarray(bytes.length - 17).toString()).toBe('{"hello":"world"}');
    expect(bytes.toString()).toContain(`"key":"${key}"`);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  test('keys of one directory spread over at most 16 buckets, and the directory stays listable', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `tenants/acme/audit/2024-05-01/${String(i).padStart(3, '0')}.json`);
    for (const key of keys) await store.put(request(key));
    const dayDir = join(dir, 'versions', ...locate(keys[0]).bucket.slice(0, -1));
    const buckets = readdirSync(dayDir);
    expect(buckets.length).toBeLessThanOrEqual(16);
    expect(buckets.every((b) => /^[0-9a-f]$/.test(b))).toBe(true);
    for (const b of buckets) expect(readdirSync(join(dayDir, b)).length).toBeLessThan(200 / 4);
    expect((await listAll('tenants/acme/audit/2024-05-01/')).map((r) => r.key)).toEqual(keys);
    expect((await listAll('tenants/acme/audit/2024-05-01/19')).map((r) => r.key)).toEqual(keys.slice(190));
    expect((await listAll('tenants/acme/')).map((r) => r.key)).toEqual(keys);
  });

  test('keys that look alike never share a file', async () => {
    await store.put(request('a/b', { body: Buffer.from('ab') }));
    await store.put(request('a/b/@versions', { body: Buffer.from('tricky') }));
    await store.put(request('a/b%2Fc', { body: Buffer.from('escaped') }));
    await store.put(request('a/b@0123456789abcdef0123456789abcdef', { body: Buffer.from('at sign') }));
    expect((await store.get('a/b')).body.toString()).toBe('ab');
    expect((await store.get('a/b/@versions')).body.toString()).toBe('tricky');
    expect((await store.get('a/b%2Fc')).body.toString()).toBe('escaped');
    expect((await store.get('a/b@0123456789abcdef0123456789abcdef')).body.toString()).toBe('at sign');
    expect((await listAll('a/')).map((r) => r.key)).toEqual(['a/b', 'a/b%2Fc', 'a/b/@versions', 'a/b@0123456789abcdef0123456789abcdef']);
  });

  test('a last segment as long as a version file name allows is stored, listed and read back', async () => {
    const key = `k/${'x'.repeat(222)}`;
    await store.put(request(key));
    expect((await store.get(key)).body.toString()).toBe('{"hello":"world"}');
    expect((await listAll('k/')).map((r) => r.key)).toEqual([key]);
  });

  test('objects, holds and retention survive a restart', async () => {
    const put = await store.put(request('k/held.json', { legalHold: true }));
    const until = new Date(Date.now() + 3_600_000);
    await store.extendRetention('k/held.json', put.versionId, until);
    await store.setLegalHold('k/held.json', put.versionId, false);

    const reopened = new LocalArchiveStore({ dir });
    const info = await reopened.head('k/held.json');
    expect(info).toMatchObject({ versionId: put.versionId, legalHold: false, retainUntil: until });
    await expect(reopened.deleteVersion('k/held.json', put.versionId)).rejects.toMatchObject({ code: 'locked' });
    expect((await reopened.put(request('k/held.json'))).created).toBe(false);
  });

  test('lock changes are journalled beside the version, which is never rewritten', async () => {
    const put = await store.put(request('k/locked.json'));
    const file = versionFile('k/locked.json', put.versionId);
    const before = readFileSync(file);
    await store.setLegalHold('k/locked.json', put.versionId, true);
    await store.extendRetention('k/locked.json', put.versionId, new Date(Date.now() + 3_600_000));
    expect(readFileSync(file)).toEqual(before);
    const lines = readFileSync(join(bucketOf('k/locked.json'), LOCK_JOURNAL), 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^[0-9a-f]{64} \\{"key":"k/locked.json","versionId":"${put.versionId}","legalHold":true,`));
  });

  test('a torn last journal line (a crash mid-append) is ignored, then cut off by the next change', async () => {
    const put = await store.put(request('k/torn.json'));
    await store.setLegalHold('k/torn.json', put.versionId, true);
    const journal = join(bucketOf('k/torn.json'), LOCK_JOURNAL);
    appendFileSync(journal, `${'0'.repeat(64)} {"key":"k/torn.json","versionId":"${put.versionId}","legalHold":fa`);
    expect((await store.head('k/torn.json'))!.legalHold).toBe(true);

    await store.extendRetention('k/torn.json', put.versionId, new Date(Date.now() + 3_600_000));
    const lines = readFileSync(journal, 'utf8').split('\n');
    expect(lines).toHaveLength(3); // two changes and the empty string after the last newline
    expect(await new LocalArchiveStore({ dir }).head('k/torn.json')).toMatchObject({ legalHold: true });
  });

  test('a damaged journal line before the last is reported, never read as "no hold"', async () => {
    const put = await store.put(request('k/damaged-journal.json', { legalHold: true }));
    await store.setLegalHold('k/damaged-journal.json', put.versionId, false);
    await store.setLegalHold('k/damaged-journal.json', put.versionId, true);
    const journal = join(bucketOf('k/damaged-journal.json'), LOCK_JOURNAL);
    damage(journal, (b) => Buffer.from(b.toString().replace('"legalHold":false', '"legalHold":fals3')));
    await expect(store.head('k/damaged-journal.json')).rejects.toMatchObject({ code: 'integrity_violation' });
    await expect(store.deleteVersion('k/damaged-journal.json', put.versionId)).rejects.toMatchObject({ code: 'integrity_violation' });
  });

  test('damaged bytes or metadata are an integrity violation, never served', async () => {
    const body = Buffer.from('the original evidence');
    const a = await store.put(request('k/body.bin', { body }));
    damage(versionFile('k/body.bin', a.versionId), (b) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from('!')]));
    expect(await store.head('k/body.bin')).toMatchObject({ size: body.length }); // the header is intact
    await expect(store.get('k/body.bin')).rejects.toMatchObject({ code: 'integrity_violation' });
    const stream = (await store.getStream('k/body.bin')).body;
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toMatchObject({ code: 'integrity_violation' });

    const b = await store.put(request('k/meta.bin', { body }));
    damage(versionFile('k/meta.bin', b.versionId), (bytes) =>
      Buffer.from(bytes.toString('latin1').replace('"legalHold":false', '"legalHold":true '), 'latin1'),
    );
    await expect(store.head('k/meta.bin')).rejects.toMatchObject({ code: 'integrity_violation' });
    await expect(store.deleteVersion('k/meta.bin', b.versionId)).rejects.toMatchObject({ code: 'integrity_violation' });

    const c = await store.put(request('k/short.bin', { body }));
    damage(versionFile('k/short.bin', c.versionId), (bytes) => bytes.subarray(0, bytes.length - 3));
    await expect(store.head('k/short.bin')).rejects.toMatchObject({ code: 'integrity_violation' });
  });

  test('a write a crash interrupts leaves its temporary only in tmp/, and the next open deletes it', async () => {
    // a FIFO as the body's source holds the copy open mid-write, where a kill -9 would find it
    const fifo = join(dir, 'body.fifo');
    execFileSync('mkfifo', [fifo]);
    const put = store.put(request('k/interrupted.bin', { body: { path: fifo, size: 5, sha256: '0'.repeat(64) } }));
    const temporaries = () => readdirSync(join(dir, 'tmp')).filter((f) => f.endsWith('.tmp'));
    await waitFor('the temporary of the interrupted write', async () => (temporaries().length === 1 ? true : undefined), 10_000, 10);
    expect(temporaries()[0]).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{8}\.tmp$/);
    expect(filesBelow(join(dir, 'versions'))).toEqual([]);

    await new LocalArchiveStore({ dir }).ensureReady(); // the restart after the crash
    expect(temporaries()).toEqual([]);
    writeFileSync(fifo, 'bytes'); // let the abandoned write finish: it fails, having lost its temporary
    await expect(put).rejects.toBeDefined();
    expect(await store.head('k/interrupted.bin')).toBeNull();
  });

  test('an unsatisfiable range is refused', async () => {
    await store.put(request('k/range.bin', { body: Buffer.from('0123') }));
    await expect(store.get('k/range.bin', undefined, { start: 4, end: 10 })).rejects.toMatchObject({ code: 'range_not_satisfiable' });
    await expect(store.get('k/range.bin', undefined, { start: 3, end: 1 })).rejects.toMatchObject({ code: 'range_not_satisfiable' });
  });

  test('a version id that is not one of ours is simply not found', async () => {
    await store.put(request('k/v.json'));
    expect(await store.head('k/v.json', '../../../../etc/passwd')).toBeNull();
    await expect(store.setLegalHold('k/v.json', '../x', true)).rejects.toMatchObject({ code: 'not_found' });
  });

  test('diskUsage counts the bytes and inodes of the store', async () => {
    const empty = await store.diskUsage();
    for (let i = 0; i < 10; i++) await store.put(request(`k/${i}.json`));
    const used = await store.diskUsage();
    expect(used.files - empty.files).toBe(10);
    expect(used.bytes - empty.bytes).toBeGreaterThanOrEqual(10 * 4096 * 0.5);
    expect(used.directories).toBeGreaterThan(empty.directories);
  });

  describe('a directory in the legacy layout (objects/<key segments>/@versions/<id>.data + .json)', () => {
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    /** Writes one version exactly as the store before version files did. */
    function writeLegacy(key: string, versionId: string, body: string, lock: { retainUntil: Date; legalHold: boolean }): void {
      const versions = join(dir, 'objects', ...key.split('/').map(encodeURIComponent), '@versions');
      mkdirSync(versions, { recursive: true });
      const bytes = Buffer.from(body);
      writeFileSync(join(versions, `${versionId}.data`), bytes, { mode: 0o400 });
      const meta = {
        key,
        versionId,
        sha256: sha256(bytes),
        size: bytes.length,
        contentType: 'application/json',
        metadata: { tenant: 'acme' },
        retainUntil: lock.retainUntil.toISOString(),
        legalHold: lock.legalHold,
        lastModified: '2024-05-01T10:00:00.000Z',
      };
      writeFileSync(join(versions, `${versionId}.json`), JSON.stringify(meta), { mode: 0o400 });
    }
    const vid = (n: number) => `018f3a2b4c5d${String(n).padStart(20, '0')}`;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);

    test('is migrated once at ensureReady, keeping version ids, bytes, locks and their rules', async () => {
      writeLegacy('tenants/acme/records/ab/ab1.json', vid(1), '{"n":1}', { retainUntil: future, legalHold: false });
      writeLegacy('tenants/acme/records/ab/ab2.json', vid(2), '{"n":2}', { retainUntil: past, legalHold: true });
      writeLegacy('tenants/acme/records/cd/cd3.json', vid(3), '{"n":3}', { retainUntil: past, legalHold: false });
      // a data file whose metadata was never written: uncommitted under the legacy rules
      writeFileSync(join(dir, 'objects', 'tenants', 'acme', 'records', 'cd', 'cd3.json', '@versions', `${vid(9)}.data`), 'half');

      const reopened = new LocalArchiveStore({ dir });
      await reopened.ensureReady();
      expect(existsSync(join(dir, 'objects'))).toBe(false);
      store = reopened;
      expect((await listAll('tenants/acme/')).map((r) => [r.key, r.versionId, r.isLatest, r.lastModified.toISOString()])).toEqual([
        ['tenants/acme/records/ab/ab1.json', vid(1), true, '2024-05-01T10:00:00.000Z'],
        ['tenants/acme/records/ab/ab2.json', vid(2), true, '2024-05-01T10:00:00.000Z'],
        ['tenants/acme/records/cd/cd3.json', vid(3), true, '2024-05-01T10:00:00.000Z'],
      ]);
      expect((await store.get('tenants/acme/records/ab/ab1.json')).body.toString()).toBe('{"n":1}');
      expect(await store.head('tenants/acme/records/ab/ab2.json')).toMatchObject({ legalHold: true, retainUntil: past });
      await expect(store.deleteVersion('tenants/acme/records/ab/ab1.json', vid(1))).rejects.toMatchObject({ code: 'locked' });
      await expect(store.deleteVersion('tenants/acme/records/ab/ab2.json', vid(2))).rejects.toMatchObject({ code: 'locked' });
      await store.deleteVersion('tenants/acme/records/cd/cd3.json', vid(3));
      expect(await store.head('tenants/acme/records/cd/cd3.json')).toBeNull();
      expect((await store.put(request('tenants/acme/records/ab/ab1.json'))).created).toBe(false);
    });

    test('a migration a crash interrupted finishes at the next start without duplicating a version', async () => {
      writeLegacy('k/a.json', vid(1), 'a', { retainUntil: future, legalHold: false });
      await new LocalArchiveStore({ dir }).ensureReady();
      // as if the crash came after the version file was durable but before the legacy files were deleted
      writeLegacy('k/a.json', vid(1), 'a', { retainUntil: future, legalHold: false });
      writeLegacy('k/b.json', vid(2), 'b', { retainUntil: future, legalHold: false });
      await new LocalArchiveStore({ dir }).ensureReady();
      expect((await listAll('k/')).map((r) => [r.key, r.versionId])).toEqual([
        ['k/a.json', vid(1)],
        ['k/b.json', vid(2)],
      ]);
      expect(existsSync(join(dir, 'objects'))).toBe(false);
    });

    test('bytes that do not match their SHA-256 stop the migration, and nothing legacy is deleted', async () => {
      writeLegacy('k/bad.json', vid(1), 'original', { retainUntil: future, legalHold: false });
      const data = join(dir, 'objects', 'k', 'bad.json', '@versions', `${vid(1)}.data`);
      damage(data, () => Buffer.from('tampered'));
      await expect(new LocalArchiveStore({ dir }).ensureReady()).rejects.toMatchObject({ code: 'integrity_violation' });
      expect(readFileSync(data, 'utf8')).toBe('tampered');
      expect(filesBelow(join(dir, 'versions'))).toEqual([]);
    });
  });
});
