import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigSchema, configTable } from './index';

test('the README configuration table is the one the schema generates', () => {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  expect(readme).toContain(configTable());
  for (const key of Object.keys(ConfigSchema.shape)) expect(readme).toContain(`\`${key}\``);
});

test('the README folder table names every workspace', () => {
  const root = resolve(__dirname, '../../..');
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  for (const dir of ['packages', 'services']) for (const name of readdirSync(resolve(root, dir))) expect(readme).toContain(`| \`${dir}/${name}\` |`);
});
