import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiTable } from '@custody/http';
import { OPENAPI_FILE, openApiDocument } from './openapi';

type Doc = { paths: Record<string, Record<string, Record<string, unknown>>> };
let doc: Doc;
beforeAll(async () => {
  doc = (await openApiDocument()) as Doc;
});

test('docs/openapi.json is the document the routes generate (regenerate: npm run schema)', () => {
  expect(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
});

test('the README API table is the one the document generates', () => {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  expect(readme).toContain(apiTable(doc));
});

test('every route declares who may call it: roles and an audit action, or why it is open', () => {
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, op })));
  expect(operations.length).toBeGreaterThanOrEqual(28);
  for (const { route, op } of operations) {
    const declared = op['x-custody-public'] !== undefined || (Array.isArray(op['x-custody-roles']) && typeof op['x-custody-audit'] === 'string');
    expect({ route, declared }).toEqual({ route, declared: true });
  }
  // open routes are few and each says why
  expect(
    operations
      .filter((o) => o.op['x-custody-public'] !== undefined)
      .map((o) => o.route)
      .sort(),
  ).toEqual([
    'get /healthz',
    'get /metrics',
    'get /openapi.json',
    'get /readyz',
    // the identity provider's side of a browser sign-in: no credentials exist yet
    'get /v1/session/oidc/callback',
    'get /v1/session/oidc/start',
    'get /v1/session/providers',
    'get /webhooks/{instance}',
    'post /webhooks/{instance}',
  ]);
});
