import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectorIds } from './registry';

/** A connector lives in the folder named by its id. */
const folderOf = (id: string) => join(__dirname, id);

test('every registered webhook connector runs the shared connector contract in its own tests', () => {
  const missing = connectorIds().filter((id) => {
    const tests = readdirSync(folderOf(id)).filter((f) => f.endsWith('.test.ts'));
    return !tests.some((f) => readFileSync(join(folderOf(id), f), 'utf8').includes('connectorContract('));
  });
  expect(missing).toEqual([]);
});
