import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@custody/testing';
import type { PutRequest } from '../port';
import { LocalArchiveStore } from './local-archive-store';

/** What only the local store promises beyond the shared contract: its files, key safety, restarts. */
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
  const versionsDir = (...segments: string[]) => join(dir, 'objects', ...segments, '@versions');

  test.each(['../escape.json', 'a/../../b.json', '/etc/passwd', 'a//b.json', './a.json', 'a/', ''])('refuses the key %j', async (key) => {
    await expect(store.put(request(key))).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(store.head(key)).rejects.toMatchObject({ code: 'invalid_key' });
    expect(readdirSync(dir).sort()).toEqual(['objects', 'tmp']);
    expect(readdirSync(join(dir, 'objects'))).toEqual([]);
  });

  test('stores each version as a read-only data file plus metadata, with no temporary files left', async () => {
    const put = await store.put(request('tenants/acme/records/ab/abc.json', { metadata: { tenant: 'acme' } }));
    const files = readdirSync(versionsDir('tenants', 'acme', 'records', 'ab', 'abc.json')).sort();
    expect(files).toEqual([`${put.versionId}.data`, `${put.versionId}.json`]);
    for (const f of files) expect(statSync(join(versionsDir('tenants', 'acme', 'records', 'ab', 'abc.json'), f)).mode & 0o777).toBe(0o400);
  });

  test('keys that look alike never share a directory', async () => {
    await store.put(request('a/b', { body: Buffer.from('ab') }));
    await store.put(request('a/b/@versions', { body: Buffer.from('tricky') }));
    await store.put(request('a/b%2Fc', { body: Buffer.from('escaped') }));
    expect((await store.get('a/b')).body.toString()).toBe('ab');
    expect((await store.get('a/b/@versions')).body.toString()).toBe('tricky');
    expect((await store.get('a/b%2Fc')).body.toString()).toBe('escaped');
    const keys: string[] = [];
    for await (const ref of store.list('a/')) keys.push(ref.key);
    expect(keys.sort()).toEqual(['a/b', 'a/b%2Fc', 'a/b/@versions']);
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

  test('a write a crash interrupts leaves its temporary only in tmp/, and the next open deletes it', async () => {
    // a FIFO as the body's source holds the copy open mid-write, where a kill -9 would find it
    const fifo = join(dir, 'body.fifo');
    execFileSync('mkfifo', [fifo]);
    const put = store.put(request('k/interrupted.bin', { body: { path: fifo, size: 5, sha256: '0'.repeat(64) } }));
    const temporaries = () => readdirSync(join(dir, 'tmp')).filter((f) => f.endsWith('.tmp'));
    await waitFor('the temporary of the interrupted write', async () => (temporaries().length === 1 ? true : undefined), 10_000, 10);
    expect(temporaries()[0]).toMatch(/\.data\.[0-9a-f]{8}\.tmp$/);
    const inObjects = readdirSync(join(dir, 'objects'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.tmp'));
    expect(inObjects).toEqual([]);

    await new LocalArchiveStore({ dir }).ensureReady(); // the restart after the crash
    expect(temporaries()).toEqual([]);
    writeFileSync(fifo, 'bytes'); // let the abandoned write finish: it fails, having lost its temporary
    await expect(put).rejects.toBeDefined();
    expect(await store.head('k/interrupted.bin')).toBeNull();
  });

  test('a data file left without metadata by a crash is invisible and does not block the key', async () => {
    const key = 'k/crashed.json';
    const versions = versionsDir('k', 'crashed.json');
    await store.put(request(key));
    const [meta] = readdirSync(versions).filter((f) => f.endsWith('.json'));
    rmSync(join(versions, meta));
    expect(await store.head(key)).toBeNull();
    const put = await store.put(request(key, { body: Buffer.from('second attempt') }));
    expect(put.created).toBe(true);
    expect((await store.get(key)).body.toString()).toBe('second attempt');
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
});
