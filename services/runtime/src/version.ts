import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Custody's version, as the root package.json gives it: printed by the CLI, written into every export. */
export function custodyVersion(): string {
  return (JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
}
