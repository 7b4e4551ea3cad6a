import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectorConfigTables } from './config-tables';
import { connectorIds } from './registry';

test('the README connector settings are the ones the connectors’ schemas generate', () => {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  expect(readme).toContain(connectorConfigTables());
  for (const id of connectorIds()) expect(readme).toContain(`#### \`${id}\``);
});
