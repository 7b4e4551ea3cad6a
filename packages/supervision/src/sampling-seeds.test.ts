import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, samplingSeedKey } from '@custody/archive-store';
import { commitSeed, findSeed, readSeed } from './sampling-seeds';

describe('sampling seeds in the WORM store', () => {
  let dir: string;
  let store: LocalArchiveStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-sampling-seeds-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a period’s seed is written once; committing again returns the first, whose commitment is its SHA-256', async () => {
    const at = new Date('2026-12-02T10:00:00Z');
    const first = await commitSeed(store, 'acme', 'desk', 'week', at, new Date('2026-11-30T00:00:00Z'));
    expect(first).toMatchObject({ created: true, period: '2026-W49', start: '2026-11-30T00:00:00.000Z', end: '2026-12-07T00:00:00.000Z' });
    expect(first.commitment).toBe(`sha256:${createHash('sha256').update(first.seed).digest('hex')}`);
    const again = await commitSeed(store, 'acme', 'desk', 'week', at);
    expect(again).toMatchObject({ created: false, seed: first.seed, committedAt: first.committedAt });
    expect(await readSeed(store, 'acme', 'desk', '2026-W49')).toMatchObject({ seed: first.seed });
    expect(await findSeed(store, 'acme', 'desk', '2026-W50')).toBeUndefined();
    // another tenant's plan of the same name has its own seed
    expect((await commitSeed(store, 'globex', 'desk', 'week', at)).seed).not.toBe(first.seed);
  });

  test('an object that is not that seed is refused', async () => {
    await store.put({
      key: samplingSeedKey('acme', 'desk', '2026-W49'),
      body: Buffer.from('{"format":"custody.sampling-seed/v1","plan":"other"}'),
      contentType: 'application/json',
      retainUntil: new Date(Date.now() + 86_400_000),
      legalHold: false,
    });
    await expect(readSeed(store, 'acme', 'desk', '2026-W49')).rejects.toThrow(/is not the seed/);
  });
});
