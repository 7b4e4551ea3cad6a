import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTemps, tempPathFor, writeFileAtomic } from './index';

describe('removeStaleTemps', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'custody-durable-fs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('deletes only the temporaries atomic writes leave when killed before their rename', async () => {
    await writeFileAtomic(join(dir, 'kept.json'), '{}', 0o644);
    writeFileSync(tempPathFor(join(dir, 'kept.json')), '{"half'); // what kill -9 between write and rename leaves
    writeFileSync(join(dir, 'notes.tmp'), 'not ours: no random suffix');
    writeFileSync(join(dir, 'data.abc.tmp'), 'not ours: suffix too short');

    expect(await removeStaleTemps(dir)).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['data.abc.tmp', 'kept.json', 'notes.tmp']);
    expect(await removeStaleTemps(join(dir, 'missing'))).toEqual([]);
  });
});
