import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import type { BusRecord } from '@custody/bus';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, apiCall } from '@custody/testing/stack';

/**
 * Separation of duties and tenant isolation through the admin API, on the real stack and the
 * embedded adapters: key grants need a holder of the role, ids are a tenant's own, crafted ids are
 * refused before they become keys.
 */
describe.each(['stack', 'embedded'] as const)('access control (%s)', (mode) => {
  const globexAdmin = mintApiKey('globex', 'admin');
  let sc: StackConfig;
  let custody: RunningCustody;
  let dataDir: string | undefined;
  const audit: BusRecord[] = [];

  beforeAll(async () => {
    dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'custody-access-')) : undefined;
    // connectors with secrets are only stored sealed: the stack needs a key from the environment
    sc = stackConfig(
      dataDir ? { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir } : { CUSTODY_SECRETS_KEYS: `access:${randomBytes(32).toString('base64')}` },
    );
    // one more configured key: an admin of the other tenant
    sc.config.CUSTODY_API_KEYS.push(globexAdmin.record);
    custody = await startCustody(sc.config, testLogger());
    await custody.adapters.bus.subscribe({ groupId: `audit-reader-${sc.name}`, topics: [custody.topics.audit], onBatch: async (r) => void audit.push(...r) });
  });
  afterAll(async () => {
    await custody?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (token: string, method: string, path: string, body?: unknown) => apiCall(custody.url, token, method, path, body);
  const audited = (action: string, target: string, outcome = 'ok') =>
    waitFor(`audit ${action} ${target} ${outcome}`, async () =>
      audit.map((r) => JSON.parse(r.value.toString('utf8'))).find((e) => e.action === action && e.target === target && e.outcome === outcome),
    );

  test('an admin asks for a legal key; only a legal key holder approves it and receives the token', async () => {
    const asked = await call(sc.keys.admin.token, 'POST', '/v1/admin/api-keys', { role: 'legal', id: 'new-counsel' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ id: 'new-counsel', role: 'legal', status: 'pending_approval' });
    expect(asked.body.token).toBeUndefined();
    // the admin cannot approve its own request, nor can a compliance officer approve a legal key
    expect((await call(sc.keys.admin.token, 'POST', '/v1/admin/api-keys/new-counsel/approve')).status).toBe(403);
    expect((await call(sc.keys.compliance.token, 'POST', '/v1/admin/api-keys/new-counsel/approve')).status).toBe(403);
    // another tenant's legal holder cannot even see it
    const listed = await call(sc.keys.admin.token, 'GET', '/v1/admin/api-keys');
    expect(listed.body.pending).toEqual([expect.objectContaining({ id: 'new-counsel', role: 'legal', requestedBy: expect.any(String) })]);
    const approved = await call(sc.keys.legal.token, 'POST', '/v1/admin/api-keys/new-counsel/approve');
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ id: 'new-counsel', role: 'legal', tenant: 'acme' });
    expect((await call(approved.body.token, 'GET', '/v1/holds')).status).toBe(200);
    expect((await call(sc.keys.legal.token, 'POST', '/v1/admin/api-keys/new-counsel/approve')).status).toBe(404); // once
    expect(await audited('api_keys.create', 'new-counsel')).toMatchObject({ outcome: 'ok', details: { role: 'legal', status: 'pending_approval' } });
    expect(await audited('api_keys.approve', 'new-counsel')).toMatchObject({ outcome: 'ok', actor: { role: 'legal' } });
    expect(await audited('api_keys.approve', 'new-counsel', 'denied')).toMatchObject({ status: 403 });
    const revoked = await call(sc.keys.admin.token, 'DELETE', '/v1/admin/api-keys/new-counsel');
    expect(revoked.status).toBe(200);
    expect(await audited('api_keys.revoke', 'new-counsel')).toMatchObject({ outcome: 'ok' });
    expect((await call(approved.body.token, 'GET', '/v1/holds')).status).toBe(401);
  });

  test('keys configured in the environment are listed as such and cannot be revoked through the API', async () => {
    const listed = await call(sc.keys.admin.token, 'GET', '/v1/admin/api-keys');
    expect(listed.body.keys).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'compliance', source: 'environment' })]));
    expect(listed.body.keys.every((k: { tenant: string }) => k.tenant === 'acme')).toBe(true);
    const envKey = listed.body.keys.find((k: { role: string }) => k.role === 'compliance');
    const refused = await call(sc.keys.admin.token, 'DELETE', `/v1/admin/api-keys/${envKey.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('configured_key');
  });

  test("key ids and connector names are a tenant's own: the same id in two tenants reveals nothing", async () => {
    const a = await call(sc.keys.admin.token, 'POST', '/v1/admin/api-keys', { role: 'auditor', id: 'shared-id' });
    const b = await call(globexAdmin.token, 'POST', '/v1/admin/api-keys', { role: 'auditor', id: 'shared-id' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await call(sc.keys.admin.token, 'POST', '/v1/admin/api-keys', { role: 'auditor', id: 'shared-id' })).status).toBe(409);
    const config = { connector: 'whatsapp-cloud', config: { appSecret: 'shared-app-secret', verifyToken: 'shared-verify-token' } };
    const ca = await call(sc.keys.admin.token, 'PUT', '/v1/admin/connectors/wa', config);
    const cb = await call(globexAdmin.token, 'PUT', '/v1/admin/connectors/wa', config);
    expect([ca.status, cb.status]).toEqual([201, 201]);
    expect(ca.body.webhookPath).not.toBe(cb.body.webhookPath);
    expect(ca.body.webhookPath).not.toContain('globex');
    const acmeList = await call(sc.keys.admin.token, 'GET', '/v1/admin/connectors');
    expect(acmeList.body.connectors.filter((c: { id: string }) => c.id === 'wa')).toEqual([expect.objectContaining({ webhookPath: ca.body.webhookPath })]);
  });

  test("a crafted employee id never names another tenant's employee; a bad shape is a 400", async () => {
    const put = await call(globexAdmin.token, 'PUT', '/v1/admin/directory/bob', { identifiers: [{ kind: 'phone', value: '+15550009999' }] });
    expect(put.status).toBe(201);
    for (const id of ['globex:bob', 'a b', '..%2Fbob', 'x'.repeat(300)]) {
      expect((await call(sc.keys.admin.token, 'DELETE', `/v1/admin/directory/${encodeURIComponent(id)}`)).status).toBe(400);
      expect((await call(sc.keys.admin.token, 'PUT', `/v1/admin/directory/${encodeURIComponent(id)}`, { identifiers: [] })).status).toBe(400);
    }
    const globexDir = await call(globexAdmin.token, 'GET', '/v1/admin/directory');
    expect(globexDir.body.employees).toEqual([expect.objectContaining({ employeeId: 'bob' })]);
  });
});

describe('the last admin key (embedded)', () => {
  test('cannot be revoked, so a tenant is never locked out of its own administration', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custody-last-admin-'));
    const sc = stackConfig({ CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir, CUSTODY_API_KEYS: '[]', CUSTODY_BOOTSTRAP_TENANT: 'solo' });
    const custody = await startCustody(sc.config, testLogger());
    try {
      const admin = custody.bootstrapToken!;
      const res = await fetch(`${custody.url}/v1/admin/api-keys/bootstrap-admin`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('last_admin_key');
      const second = await fetch(`${custody.url}/v1/admin/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin', id: 'second-admin' }),
      });
      expect(second.status).toBe(201);
      expect(
        (await fetch(`${custody.url}/v1/admin/api-keys/bootstrap-admin`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })).status,
      ).toBe(200);
    } finally {
      await custody.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
