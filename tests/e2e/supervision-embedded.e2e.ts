import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';

/** Supervision policies on the embedded default: each version archived to the local WORM store, read back with its history and diff. */
describe('supervision policies (embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-supervision-'));
  const keys = {
    compliance: mintApiKey('acme', 'compliance'),
    auditor: mintApiKey('acme', 'auditor'),
    legal: mintApiKey('acme', 'legal'),
    admin: mintApiKey('acme', 'admin'),
    globex: mintApiKey('globex', 'compliance'),
  };
  let custody: RunningCustody;
  const call = async (key: { token: string }, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${custody.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const policy = (window: number) =>
    [
      'format: custody.policy/v1',
      'id: promissory-language',
      'name: Promissory language',
      'severity: high',
      'rules:',
      '  - id: guarantee',
      '    description: A return promised',
      `    match: guarant* NEAR/${window} return*`,
    ].join('\n');

  beforeAll(async () => {
    custody = await startCustody(
      loadConfig({
        CUSTODY_MODE: 'embedded',
        CUSTODY_DATA_DIR: dir,
        CUSTODY_HTTP_PORT: '0',
        CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      }),
      testLogger(),
    );
  });

  afterAll(async () => {
    await custody?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('compliance archives two versions; auditors read the history and the diff; other roles and tenants are refused', async () => {
    const path = '/v1/admin/supervision/policies/promissory-language';
    const v1 = await call(keys.compliance, 'PUT', path, { format: 'yaml', source: policy(3) });
    expect(v1).toMatchObject({ status: 201, body: { created: true, version: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    const v2 = await call(keys.compliance, 'PUT', path, { format: 'yaml', source: policy(5) });
    expect(v2).toMatchObject({ status: 201, body: { previous: v1.body.version } });

    const history = await call(keys.auditor, 'GET', path);
    expect(history.status).toBe(200);
    expect(history.body.versions.map((v: { version: string }) => v.version)).toEqual([v1.body.version, v2.body.version]);
    const diff = await call(keys.auditor, 'GET', `${path}/diff?from=${v1.body.version}`);
    expect(diff.body.rules.changed).toEqual([expect.objectContaining({ id: 'guarantee' })]);

    expect((await call(keys.legal, 'PUT', path, { format: 'yaml', source: policy(4) })).status).toBe(403);
    expect((await call(keys.globex, 'GET', path)).status).toBe(404);
    expect((await call(keys.compliance, 'PUT', path, { format: 'yaml', source: 'format: custody.policy/v1\nid: promissory-language' })).status).toBe(400);

    // each write is in the audit trail under the caller, the refused one too
    const events = await waitFor('the policy writes audited', async () => {
      const r = await call(keys.admin, 'GET', '/v1/audit?action=supervision.policies.put');
      return r.status === 200 && r.body.events.length >= 4 ? (r.body.events as Array<{ actor: { keyId: string }; outcome: string }>) : undefined;
    });
    expect(events.map((e) => [e.actor.keyId, e.outcome])).toEqual([
      [keys.compliance.record.id, 'ok'],
      [keys.compliance.record.id, 'ok'],
      [keys.legal.record.id, 'denied'],
      [keys.compliance.record.id, 'failed'],
    ]);
  });
});
