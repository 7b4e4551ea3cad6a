import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { envelopeJsonSchema } from './schema';

/** The committed JSON Schema for consumers outside TypeScript; `npm run schema` regenerates it. */
export const SCHEMA_FILE = resolve(__dirname, '../schema/custody.envelope.v1.schema.json');

export function renderJsonSchema(): string {
  return `${JSON.stringify({ $id: 'https://custody.dev/schema/custody.envelope.v1.json', title: 'Custody Customer Data envelope v1', ...envelopeJsonSchema() }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderJsonSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
