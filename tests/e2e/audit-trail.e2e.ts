import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusRecord } from '@custody/bus';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, apiCall } from '@custody/testing/stack';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';

interface Event {
  id: string;
  at: string;
  tenant: string;
  actor: { keyId: string; role: string };
  action: string;
  outcome: string;
  status: number;
  target?: string;
  source?: { address: string };
  details?: Record<string, unknown>;
}

/** The key id inside a minted token (cust_<id>_<secret>). */
const keyIdOf = (token: string) => token.split('_')[1];

/**
 * The audit trail read back through GET /v1/audit (from the WORM store), the auditor role, failed
 * authentications in the _system trail, and duplicate JSON keys, on the real stack and embedded.
 */
describe.each(['stack', 'embedded'] as const)('audit trail (%s)', (mode) => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let dataDir: string | undefined;
  const quarantine: BusRecord[] = [];
  const METRICS_TOKEN = `metrics-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'custody-audit-')) : undefined;
    sc = stackConfig({
      CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE: '3',
      CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(METRICS_TOKEN).digest('hex'),
      ...(dataDir && { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir }),
    });
    custody = await startCustody(sc.config, testLogger());
    await custody.adapters.bus.subscribe({ groupId: `q-${sc.name}`, topics: [custody.topics.quarantine], onBatch: async (r) => void quarantine.push(...r) });
  });
  afterAll(async () => {
    await custody?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (token: string, method: string, path: string, body?: unknown) => apiCall(custody.url, token, method, path, body);
  const trail = async (token: string, query: Record<string, string>) => {
    const r = await call(token, 'GET', `/v1/audit?${new URLSearchParams(query)}`);
    expect(r.status).toBe(200);
    return r.body as { events: Event[]; cursor: string | null; from: string; to: string };
  };
  const allPages = async (token: string, query: Record<string, string>) => {
    const events: Event[] = [];
    let cursor: string | null = null;
    do {
      const page = await trail(token, { ...query, ...(cursor && { cursor }) });
      expect(page.events.length).toBeLessThanOrEqual(Number(query.limit ?? 50));
      events.push(...page.events);
      cursor = page.cursor;
    } while (cursor);
    return events;
  };

  async function archive(text: string) {
    const hook = textWebhook(text);
    expect((await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret)).status).toBe(200);
    return (await waitFor(`"${text}" searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.body.total === 1 ? r.body.hits[0] : undefined;
    })) as { id: string };
  }

  test('actions are read back through GET /v1/audit with each filter and paging; the auditor reads but never holds or administers', async () => {
    const started = new Date().toISOString();
    const record = await archive(`audited ${sc.name} message`);
    const compliance = keyIdOf(sc.keys.compliance.token);
    const auditor = keyIdOf(sc.keys.auditor.token);
    const admin = keyIdOf(sc.keys.admin.token);

    // the auditor: search, records, raw payload, hold report, the trail
    const as = (m: string, p: string, b?: unknown) => call(sc.keys.auditor.token, m, p, b);
    expect((await as('POST', '/v1/search', { text: `audited ${sc.name}` })).body.total).toBe(1);
    expect((await as('GET', `/v1/records/${record.id}`)).status).toBe(200);
    expect((await as('GET', `/v1/records/${record.id}/raw`)).status).toBe(200);
    expect((await as('GET', '/v1/holds/report')).status).toBe(200);
    expect((await as('GET', '/v1/audit')).status).toBe(200);
    // …and never holds, keys, connectors, retention changes or disposition
    expect((await as('POST', '/v1/holds', { matter: 'm', reason: 'r', scope: { query: 'x' } })).status).toBe(403);
    expect((await as('GET', '/v1/holds')).status).toBe(403);
    expect((await as('GET', '/v1/admin/connectors')).status).toBe(403);
    expect((await as('POST', '/v1/admin/api-keys', { role: 'auditor' })).status).toBe(403);
    expect((await as('PUT', '/v1/admin/retention', { default: { value: 1, unit: 'days' } })).status).toBe(403);
    expect((await as('POST', '/v1/admin/disposition', {})).status).toBe(403);
    // the trail is for admins and auditors only
    expect((await call(sc.keys.compliance.token, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(sc.keys.legal.token, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(sc.keys.admin.token, 'GET', '/v1/audit')).status).toBe(200);

    // a denied action of another role
    expect((await call(sc.keys.compliance.token, 'POST', '/v1/holds', { matter: 'm', reason: 'r', scope: { query: 'x' } })).status).toBe(403);
    expect((await call(sc.keys.admin.token, 'GET', '/v1/admin/connectors')).status).toBe(200);
    // the last action above: once it is in the WORM store, everything before it is too (one partition per tenant key)
    const last = await waitFor('the admin call archived', async () => {
      const page = await trail(sc.keys.auditor.token, { actor: admin, action: 'connectors.list', from: started });
      return page.events.length === 1 ? page.events[0] : undefined;
    });
    // up to that call: the trail reads themselves are audited too, and may still be on their way
    const to = new Date(Date.parse(last.at) + 1).toISOString();
    const window = { from: started, to };

    const all = await allPages(sc.keys.auditor.token, { ...window, limit: '200' });
    expect(all.every((e) => e.tenant === 'acme')).toBe(true);
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort());
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (const e of all) expect(e.source?.address).toMatch(/127\.0\.0\.1/);

    // paging: small pages give the same events in the same order
    expect(await allPages(sc.keys.auditor.token, { ...window, limit: '2' })).toEqual(all);

    // actor
    const byAuditor = await allPages(sc.keys.auditor.token, { ...window, actor: auditor });
    expect(byAuditor.map((e) => e.action)).toEqual(
      expect.arrayContaining(['records.search', 'records.get', 'records.raw', 'holds.report', 'audit.read', 'holds.place', 'holds.list', 'connectors.list']),
    );
    expect(byAuditor).toEqual(all.filter((e) => e.actor.keyId === auditor));
    // action + outcome
    const deniedHolds = await allPages(sc.keys.auditor.token, { ...window, action: 'holds.place', outcome: 'denied' });
    expect(deniedHolds.map((e) => e.actor.keyId).sort()).toEqual([auditor, compliance].sort());
    expect(deniedHolds.every((e) => e.status === 403)).toBe(true);
    // outcome
    const ok = await allPages(sc.keys.auditor.token, { ...window, outcome: 'ok' });
    expect(ok).toEqual(all.filter((e) => e.outcome === 'ok'));
    expect(ok.some((e) => e.action === 'records.get' && e.target === record.id)).toBe(true);
    // time range: nothing before the test started, nothing after `to`
    expect((await trail(sc.keys.auditor.token, { from: new Date(Date.parse(started) - 3_600_000).toISOString(), to: started })).events).toEqual([]);
    const mid = all[Math.floor(all.length / 2)].at;
    expect(await allPages(sc.keys.auditor.token, { from: mid, to })).toEqual(all.filter((e) => e.at >= mid));

    // bad queries are precise 400s
    expect((await call(sc.keys.auditor.token, 'GET', '/v1/audit?limit=100000')).status).toBe(400);
    expect((await call(sc.keys.auditor.token, 'GET', '/v1/audit?tenant=globex')).status).toBe(400);
    expect((await call(sc.keys.auditor.token, 'GET', `/v1/audit?actor=${auditor}&actor=${admin}`)).status).toBe(400);
    expect((await call(sc.keys.auditor.token, 'GET', '/v1/audit?from=2026-11-30T00:00:00')).status).toBe(400);
    expect((await call(sc.keys.auditor.token, 'GET', '/v1/audit?cursor=bm9wZQ')).body.error.code).toBe('invalid_query');
  });

  test('failed authentications are audited in the _system trail with the source address and nothing of the token, at a bounded rate', async () => {
    const token = `cust_key-nobody_${sc.name}-not-a-real-key`;
    // 3 a minute per address are audited; the other 2 are refused all the same, and counted
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${custody.url}/v1/search`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
      expect(res.status).toBe(401);
    }
    const metrics = await (await fetch(`${custody.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/custody_audit_dropped_total\{reason="rate_limited"\} 2/);
    const prefix = `tenants/_system/audit/`;
    const found = await waitFor('failed authentication archived', async () => {
      for await (const v of custody.adapters.store.list(prefix)) {
        const body = (await custody.adapters.store.get(v.key)).body.toString('utf8');
        const e = JSON.parse(body) as Event;
        if (e.action === 'records.search' && e.status === 401 && e.actor.keyId === 'unknown') return { e, body };
      }
      return undefined;
    });
    expect(found.e).toMatchObject({ tenant: '_system', outcome: 'denied', target: 'POST /v1/search', details: { reason: 'unknown API key' } });
    expect(found.e.source?.address).toMatch(/127\.0\.0\.1/);
    expect(found.body).not.toContain(sc.name);
    const archived = async () => {
      let n = 0;
      for await (const v of custody.adapters.store.list(prefix)) if (!v.deleteMarker) n++;
      return n;
    };
    // the authenticated calls of this process go to tenant trails: the 3 audited failures are all there is
    await waitFor('3 failures archived', async () => ((await archived()) === 3 ? true : undefined));
    // no tenant's trail shows it, and the pseudo-tenant cannot be asked for
    expect((await trail(sc.keys.admin.token, { action: 'records.search', outcome: 'denied' })).events.filter((e) => e.status === 401)).toEqual([]);
  });

  test('a correctly signed webhook with a duplicate key is refused (400 duplicate_key), quarantined whole and not archived', async () => {
    const marker = `dup${sc.name.replace(/\W/g, '')}`;
    const hook = textWebhook(`${marker} BUY`);
    // the index would say SELL (JSON.parse keeps the last), the archived raw bytes BUY
    const body = hook.body.replace(`"text":{"body":"${marker} BUY"}`, `"text":{"body":"${marker} BUY","body":"${marker} SELL"}`);
    expect(body).not.toBe(hook.body);
    const res = await postWebhook(custody.url, 'acme-wa', body, sc.appSecret);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { error: { code: string; message: string } };
    expect(problem.error.code).toBe('duplicate_key');
    expect(problem.error.message).toContain('duplicate key "body" at $.entry[0].changes[0].value.messages[0].text.body');

    const q = await waitFor('quarantined', async () => quarantine.find((r) => r.headers.code === 'duplicate_key' && r.headers.instance === 'acme-wa'));
    expect(q.value.toString('utf8')).toBe(body);
    // a later delivery is archived; the refused one never is
    await archive(`later${marker} after`);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);

    // API bodies too
    const api = await call(sc.keys.compliance.token, 'POST', '/v1/search', '{"text":"a","text":"b"}');
    expect(api.status).toBe(400);
    expect(api.body.error).toEqual({ code: 'duplicate_key', message: 'body: duplicate key "text" at $.text' });
  });
});
