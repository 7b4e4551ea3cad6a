import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, renderJsonSchema } from './export-schema';

test('the committed JSON Schema matches the zod contract (run `npm run schema` after changing it)', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
});

test('the JSON Schema requires the contract fields and forbids unknown ones', () => {
  const schema = JSON.parse(renderJsonSchema());
  expect(schema.required).toEqual(
    expect.arrayContaining([
      'schema',
      'id',
      'tenant',
      'kind',
      'channel',
      'source',
      'conversation',
      'sender',
      'recipients',
      'direction',
      'sentAt',
      'capturedAt',
      'integrity',
    ]),
  );
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.kind.enum).toEqual(['message', 'call', 'edit', 'deletion', 'reaction', 'status']);
});
