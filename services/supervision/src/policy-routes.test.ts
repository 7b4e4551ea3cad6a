import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore } from '@custody/archive-store';
import type { Principal, Route } from '@custody/http';
import { policyRoutes } from './policy-routes';

const source = (window: number) => `
format: custody.policy/v1
id: promissory-language
name: Promissory language
severity: high
rules:
  - id: guarantee
    description: A return promised
    match: guarant* NEAR/${window} return*
`;
const compliance: Principal = { keyId: 'key-compliance', tenant: 'acme', role: 'compliance' };
const globex: Principal = { keyId: 'key-globex', tenant: 'globex', role: 'compliance' };

describe('supervision policy routes', () => {
  let dir: string;
  let routes: Record<string, Route>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-policy-routes-'));
    const store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    routes = Object.fromEntries(policyRoutes({ store }).map((r) => [`${r.method} ${r.url}`, r]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (id: string, src: string, who = compliance) =>
    routes['PUT /v1/admin/supervision/policies/:id'].handler({ params: { id }, body: { format: 'yaml', source: src } } as never, who);
  const get = (id: string, who = compliance) => routes['GET /v1/admin/supervision/policies/:id'].handler({ params: { id } } as never, who);
  const diff = (id: string, query: Record<string, string>) =>
    routes['GET /v1/admin/supervision/policies/:id/diff'].handler({ params: { id }, query } as never, compliance);

  test('a new version is archived with the diff from the one it replaces; the same content again is that version', async () => {
    const first = await put('promissory-language', source(3));
    expect(first).toMatchObject({ status: 201, body: { created: true, previous: null, diff: null, archivedBy: 'key-compliance' } });
    const v1 = (first.body as { version: string }).version;
    const second = await put('promissory-language', source(5));
    expect(second).toMatchObject({ status: 201, body: { created: true, previous: v1 } });
    expect((second.body as { diff: { rules: { changed: Array<{ id: string }> } } }).diff.rules.changed.map((c) => c.id)).toEqual(['guarantee']);
    expect(await put('promissory-language', source(5))).toMatchObject({ status: 200, body: { created: false, previous: null } });

    const history = await get('promissory-language');
    expect((history.body as { versions: unknown[] }).versions).toHaveLength(2);
    expect((history.body as { current: { version: string } }).current.version).toBe((second.body as { version: string }).version);
    expect((await diff('promissory-language', { from: v1 })).body).toMatchObject({ identical: false });
  });

  test('refusals: a policy under another id, invalid policy text; another tenant sees nothing', async () => {
    await expect(put('other-id', source(3))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not other-id/) });
    await expect(put('promissory-language', source(99))).rejects.toMatchObject({ code: 'policy_invalid', message: expect.stringMatching(/NEAR/) });
    await put('promissory-language', source(3));
    await expect(get('promissory-language', globex)).rejects.toMatchObject({ code: 'not_found' });
  });

  test('compliance and admins write; auditors read', () => {
    expect(routes['PUT /v1/admin/supervision/policies/:id'].access).toEqual({ roles: ['admin', 'compliance'], audit: 'supervision.policies.put' });
    expect(routes['GET /v1/admin/supervision/policies/:id'].access).toEqual({
      roles: ['admin', 'compliance', 'auditor', 'reviewer'],
      audit: 'supervision.policies.read',
    });
  });
});
