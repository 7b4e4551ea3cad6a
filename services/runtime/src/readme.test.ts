import { readFileSync } from 'node:fs';
import { README_FILE, renderReadme } from './readme';

test('README.md is up to date with the code that generates its tables (run `npm run docs` after changing a setting, a connector schema or a route)', async () => {
  const readme = readFileSync(README_FILE, 'utf8');
  expect(await renderReadme(readme)).toBe(readme);
});

test('a README without a block marker is refused, not silently left stale', async () => {
  await expect(renderReadme('# nothing here\n')).rejects.toThrow('README.md has no generated block "connector settings"');
});
