import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import type { ArchiveStore } from '@custody/archive-store';
import { loadConfig, type Config } from '@custody/config';
import { ControlTable } from '@custody/control';
import type { AuditRecord } from '@custody/http';
import { Employee } from '@custody/identity';
import { Alert, Lookback, SamplingPlan, SamplingPlanRow, periodSample, readSeed } from '@custody/supervision';
import { LookbackJobs, SeedCache, SeedKeeper, directoryView } from '@custody/supervision-service';
import type { ZodType } from 'zod';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig } from '@custody/testing/stack';
import { BUSINESS, postWebhook, textWebhook } from '@custody/testing/whatsapp';

/**
 * Supervision end to end (on the embedded default and on the real stack): a starter pack enabled, messages captured through
 * a signed WhatsApp webhook screened as they are archived, alerts reviewed under the conflict rules
 * with levels and reason codes, a hold opened from an alert, lookbacks that give the same result
 * twice and a dry-run diff, a sampling plan with its committed seed, the reports and the evidence.
 */
export function supervisionReviewSuite(mode: 'embedded' | 'stack'): void {
  const dir = mkdtempSync(join(tmpdir(), 'custody-supervision-review-'));
  let appSecret = `secret-${randomBytes(8).toString('hex')}`;
  const keys = {
    admin: mintApiKey('acme', 'admin', 'acme-admin'),
    compliance: mintApiKey('acme', 'compliance', 'carol-principal', 'carol'),
    rita: mintApiKey('acme', 'reviewer', 'rita-reviewer', 'rita'),
    alice: mintApiKey('acme', 'reviewer', 'alice-reviewer', 'alice'),
    carl: mintApiKey('acme', 'reviewer', 'carl-reviewer', 'carl'),
    unbound: mintApiKey('acme', 'compliance', 'unbound-compliance'),
    auditor: mintApiKey('acme', 'auditor', 'acme-auditor'),
    legal: mintApiKey('acme', 'legal', 'acme-legal'),
    globex: mintApiKey('globex', 'compliance', 'globex-principal', 'gina'),
  };
  let custody: RunningCustody;
  const call = async (key: { token: string }, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${custody.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Record<string, any> };
  };
  const send = async (text: string) => expect((await postWebhook(custody.url, 'acme-wa', textWebhook(text).body, appSecret)).status).toBe(200);
  const openAlerts = async (key = keys.rita, query = 'queue=guarantees&status=open') => (await call(key, 'GET', `/v1/supervision/alerts?${query}`)).body;
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const until = () => new Date(Date.now() + 3_600_000).toISOString();

  const configOf = (): Config => {
    const apiKeys = JSON.stringify(Object.values(keys).map((k) => k.record));
    if (mode === 'stack') {
      // the real servers, with this test's own topics, groups, bucket and index
      const sc = stackConfig({ CUSTODY_API_KEYS: apiKeys });
      appSecret = sc.appSecret;
      return sc.config;
    }
    return loadConfig({
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_CONNECTORS: JSON.stringify([{ id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret, verifyToken: 'verify-acme' } }]),
      CUSTODY_API_KEYS: apiKeys,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    });
  };

  beforeAll(async () => {
    custody = await startCustody(configOf(), testLogger());
    // alice holds the business number; carl reports to alice, alice to bob
    const employees = {
      alice: { identifiers: [{ kind: 'phone', value: `+${BUSINESS.display}` }], manager: 'bob', groups: ['desk-a'] },
      bob: { identifiers: [] },
      carl: { identifiers: [], manager: 'alice' },
      rita: { identifiers: [] },
    };
    for (const [id, body] of Object.entries(employees)) expect((await call(keys.admin, 'PUT', `/v1/admin/directory/${id}`, body)).status).toBe(201);
    const packs = await call(keys.compliance, 'GET', '/v1/admin/supervision/starter-packs');
    const guarantees = packs.body.packs.find((p: { id: string }) => p.id === 'guarantees');
    expect((await call(keys.compliance, 'PUT', '/v1/admin/supervision/policies/guarantees', { format: 'yaml', source: guarantees.source })).status).toBe(201);
  });

  afterAll(async () => {
    await custody?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a captured promise is screened into an alert with its spans on the original text; a denial is not', async () => {
    await send('Returns are not guaranteed, please read the prospectus.');
    await send('Trust me, I guarantee you a 10% return on this note.');
    const list = await waitFor('the alert raised', async () => {
      const l = await openAlerts();
      return l.total >= 1 ? l : undefined;
    });
    expect(list.total).toBe(1);
    const alert = list.alerts[0];
    expect(alert).toMatchObject({ kind: 'hit', queue: 'guarantees', level: 1, status: 'open', source: 'capture', record: { employeeIds: ['alice'] } });
    expect(alert.hit).toMatchObject({ policyId: 'guarantees', ruleId: 'guarantee-en', zone: 'body', version: expect.stringMatching(/^sha256:/) });
    const detail = await call(keys.rita, 'GET', `/v1/supervision/alerts/${alert.id}`);
    expect(detail.status).toBe(200);
    const body: string = detail.body.zones.body;
    expect(alert.hit.spans.map((s: { start: number; end: number }) => body.slice(s.start, s.end))).toEqual(['guarantee', 'return']);
    expect(detail.body.policy).toMatchObject({ name: expect.any(String), reviewerGuidance: expect.any(String) });
    expect(detail.body.context).toBe(`/v1/records/${encodeURIComponent(alert.record.id)}/context`);
  });

  test('nobody reviews their own messages or their reporting chain; a reviewing key names its employee; other tenants see nothing', async () => {
    const [alert] = (await openAlerts()).alerts;
    expect((await call(keys.alice, 'GET', `/v1/supervision/alerts/${alert.id}`)).body).toMatchObject({ error: { code: 'conflict_of_interest' } });
    expect((await call(keys.carl, 'POST', `/v1/supervision/alerts/${alert.id}/claim`)).status).toBe(403);
    expect(await openAlerts(keys.alice)).toMatchObject({ total: 0, hidden: 1 });
    expect((await call(keys.unbound, 'GET', '/v1/supervision/alerts')).body).toMatchObject({ error: { code: 'reviewer_unbound' } });
    expect((await call(keys.globex, 'GET', `/v1/supervision/alerts/${alert.id}`)).status).toBe(404);
    expect((await call(keys.admin, 'GET', '/v1/supervision/alerts')).status).toBe(403);
    // the conversation around an alert is the reviewer's to read; for anyone it concerns it does not exist
    const context = await call(keys.rita, 'GET', `/v1/records/${alert.record.id}/context?before=5&after=5`);
    expect(context.status).toBe(200);
    expect(context.body.events.map((e: { id: string }) => e.id)).toContain(alert.record.id);
    // the thread is read through search, which sees a record once the index refreshed (OpenSearch: within a second)
    await waitFor('the thread readable', async () =>
      (await call(keys.rita, 'GET', `/v1/conversations/${encodeURIComponent(alert.record.conversation)}`)).status === 200 ? true : undefined,
    );
    expect((await call(keys.alice, 'GET', `/v1/records/${alert.record.id}/context`)).status).toBe(404);
    expect((await call(keys.rita, 'GET', '/v1/conversations/no-such-conversation')).status).toBe(404);
    // auditors read, never act
    expect((await call(keys.auditor, 'GET', `/v1/supervision/alerts/${alert.id}`)).status).toBe(200);
    expect((await call(keys.auditor, 'POST', `/v1/supervision/alerts/${alert.id}/claim`)).status).toBe(403);
  });

  test('claim, note, escalate to a principal, decide with a reason code; the events are the evidence', async () => {
    const [alert] = (await openAlerts()).alerts;
    const path = `/v1/supervision/alerts/${alert.id}`;
    expect((await call(keys.rita, 'POST', `${path}/claim`)).body.alert.assignee).toEqual({ keyId: 'rita-reviewer', employeeId: 'rita' });
    expect((await call(keys.compliance, 'POST', `${path}/claim`)).body).toMatchObject({ error: { code: 'alert_claimed' } });
    expect((await call(keys.rita, 'POST', `${path}/notes`, { text: 'Promise of a return to a retail client' })).status).toBe(200);
    expect((await call(keys.rita, 'POST', `${path}/tags`, { add: ['retail'] })).body.alert.tags).toEqual(['retail']);
    expect((await call(keys.rita, 'POST', `${path}/notify`, { to: 'carol-principal', message: 'Please look' })).status).toBe(200);
    expect((await call(keys.compliance, 'GET', '/v1/supervision/notifications')).body.notifications).toEqual([
      expect.objectContaining({ alert: alert.id, from: 'rita-reviewer', message: 'Please look' }),
    ]);
    expect((await call(keys.rita, 'POST', `${path}/escalate`, { reason: 'needs a principal' })).body.alert).toMatchObject({ level: 2, assignee: null });
    const decide = { disposition: 'violation', reasonCode: 'reported_to_compliance', reason: 'Promissory; client contacted' };
    expect((await call(keys.rita, 'POST', `${path}/decide`, decide)).status).toBe(403);
    expect((await call(keys.compliance, 'POST', `${path}/decide`, { ...decide, reasonCode: 'term_misfire' })).status).toBe(400);
    const decided = await call(keys.compliance, 'POST', `${path}/decide`, decide);
    expect(decided.body.alert).toMatchObject({
      status: 'closed',
      disposition: { code: 'violation', level: 2, by: { keyId: 'carol-principal', employeeId: 'carol' } },
    });
    expect(decided.body.alert.events.map((e: { action: string }) => e.action)).toEqual(['claim', 'note', 'tag', 'notify', 'escalate', 'decide']);
    expect((await call(keys.compliance, 'POST', `${path}/decide`, decide)).body).toMatchObject({ error: { code: 'alert_closed' } });
  });

  test('bulk close needs a reason; a hold opened from an alert preserves the conversation', async () => {
    await send('We guarantee the principal, you cannot lose');
    // a promise of the principal and a claim that it cannot lose: two rules, two alerts
    const open = await waitFor('the two alerts', async () => {
      const l = await openAlerts();
      return l.total >= 2 ? l.alerts : undefined;
    });
    expect(open.map((a: { hit: { ruleId: string } }) => a.hit.ruleId).sort()).toEqual(['guarantee-en', 'no-risk-en']);
    const ids = open.map((a: { id: string }) => a.id);
    const hold = await call(keys.compliance, 'POST', `/v1/supervision/alerts/${ids[0]}/hold`, {
      matter: 'Promissory review',
      reason: 'Preserve for investigation',
    });
    expect(hold.status).toBe(200);
    expect((await call(keys.compliance, 'GET', `/v1/holds/${hold.body.hold.id}`)).body.hold).toMatchObject({
      status: 'active',
      scope: { custodians: ['alice'], participants: ['+16505551234'], channels: ['whatsapp'] },
    });
    // legal places holds, reviews nothing: it may open one from an alert it is given, names no employee, and cannot read alerts
    expect((await call(keys.legal, 'POST', `/v1/supervision/alerts/${ids[1]}/hold`, { matter: 'Promissory review 2', reason: 'Preserve' })).status).toBe(200);
    expect((await call(keys.legal, 'GET', `/v1/supervision/alerts/${ids[1]}`)).status).toBe(403);
    expect((await call(keys.rita, 'POST', '/v1/supervision/alerts/bulk-close', { ids, disposition: 'no_action', reasonCode: 'benign_context' })).status).toBe(
      400,
    );
    const bulk = await call(keys.rita, 'POST', '/v1/supervision/alerts/bulk-close', {
      ids,
      disposition: 'no_action',
      reasonCode: 'benign_context',
      reason: 'Reviewed: quoted marketing',
    });
    expect(bulk.body).toEqual({ closed: ids, refused: [] });
  });

  test('a lookback gives the same result for the same inputs; a dry run shows what a draft drops', async () => {
    const request = { policyId: 'guarantees', from: since, to: until() };
    const run = async (body: Record<string, unknown>) => {
      const started = await call(keys.compliance, 'POST', '/v1/supervision/lookbacks', body);
      expect(started.status).toBe(202);
      return waitFor('the lookback done', async () => {
        const l = (await call(keys.compliance, 'GET', `/v1/supervision/lookbacks/${started.body.lookback.id}`)).body.lookback;
        if (l.job.phase === 'failed') throw new Error(`lookback failed: ${l.job.error}`);
        return l.job.phase === 'done' ? l : undefined;
      });
    };
    const first = await run(request);
    const second = await run({ ...request, raiseAlerts: false });
    expect(first.result).toMatchObject({ records: 3, hits: 3, alertsRaised: 0 });
    expect(second.result.inputsHash).toBe(first.result.inputsHash);
    expect(second.result.resultSha256).toBe(first.result.resultSha256);

    const packs = await call(keys.compliance, 'GET', '/v1/admin/supervision/starter-packs');
    const source: string = packs.body.packs.find((p: { id: string }) => p.id === 'guarantees').source;
    const draft = source.replace(/ {2}- id: no-risk-en[\s\S]*?(?= {2}- id: )/, '');
    expect(draft).not.toEqual(source);
    const dry = await run({ ...request, draft: { format: 'yaml', source: draft } });
    expect(dry.draftVersion).toMatch(/^sha256:/);
    expect(dry.result.diff).toMatchObject({ added: 0, dropped: 1 });
    expect(dry.result.diff.sample.dropped[0]).toMatch(/ no-risk-en\/body$/);
  });

  test('a lookback stopped between two pages goes on from the first missing one and gives the same result', async () => {
    const { bus, store, index } = custody.adapters;
    const suffix = randomBytes(4).toString('hex');
    const table = <T>(name: string, schema: ZodType<T>) => new ControlTable<T>(bus, `test.${name}.${suffix}`, schema, testLogger());
    const lookbacks = table('lookbacks', Lookback);
    const alerts = table('alerts', Alert);
    const directory = table('directory', Employee);
    await Promise.all([lookbacks.start(), alerts.start(), directory.start()]);
    // the corpus records each record's groups from the directory: the same directory, the same corpus
    await directory.put('acme:alice', { tenant: 'acme', employeeId: 'alice', identifiers: [], groups: ['desk-a'] });
    const audited: AuditRecord[] = [];
    const written: string[] = [];
    let first: LookbackJobs | undefined;
    // a store that stops the first job once its second page is written, and names every page written
    const watched: ArchiveStore = Object.assign(Object.create(store) as ArchiveStore, {
      put: async (req: Parameters<ArchiveStore['put']>[0]) => {
        const put = await store.put(req);
        if (/\/pages\/\d+\.jsonl$/.test(req.key)) written.push(`${first ? 'first' : 'second'} ${req.key.split('/').pop()}`);
        if (first && req.key.endsWith('/pages/000001.jsonl')) void first.stop();
        return put;
      },
    });
    const jobs = (s: ArchiveStore) =>
      new LookbackJobs({
        store: s,
        index,
        lookbacks,
        alerts,
        directory: directoryView(directory),
        audit: { record: async (e) => void audited.push(e) },
        logger: testLogger(),
        pageSize: 1,
      });
    first = jobs(watched);
    const started = await first.request('acme', 'carol-principal', { policyId: 'guarantees', from: since, to: until(), raiseAlerts: false });
    // the job's own promise: it settles when the job stops
    await first.start(started.id);
    expect(lookbacks.get(started.id)?.job).toMatchObject({ phase: 'screening', done: 2 });
    first = undefined;
    const second = jobs(watched);
    second.resume();
    const done = await waitFor('the resumed job done', async () => (lookbacks.get(started.id)?.job.phase === 'done' ? lookbacks.get(started.id) : undefined));
    await second.stop();
    expect(written).toEqual(['first 000000.jsonl', 'first 000001.jsonl', 'second 000002.jsonl']);
    const whole = (await call(keys.compliance, 'POST', '/v1/supervision/lookbacks', { policyId: 'guarantees', from: since, to: until(), raiseAlerts: false }))
      .body.lookback;
    const uninterrupted = await waitFor('the uninterrupted lookback', async () => {
      const l = (await call(keys.compliance, 'GET', `/v1/supervision/lookbacks/${whole.id}`)).body.lookback;
      return l.job.phase === 'done' ? l : undefined;
    });
    expect(done?.result).toMatchObject({ inputsHash: uninterrupted.result.inputsHash, resultSha256: uninterrupted.result.resultSha256, records: 3 });
    expect(audited.map((e) => e.action)).toEqual(['supervision.lookbacks.completed']);
    await Promise.all([lookbacks.stop(), alerts.stop(), directory.stop()]);
  });

  test('a sampling plan commits its seed before drawing; the reports and the examiner export show the reviews', async () => {
    const plan = await call(keys.compliance, 'PUT', '/v1/admin/supervision/sampling/desk-a-daily', {
      id: 'desk-a-daily',
      population: { groups: ['desk-a'] },
      rate: 1,
      period: 'day',
    });
    expect(plan.status).toBe(200);
    const current = plan.body.plan.current;
    expect(current.commitment).toMatch(/^sha256:[0-9a-f]{64}$/);
    await send('Lunch on Thursday?');
    const sample = await waitFor('the sample alert', async () => {
      const l = await openAlerts(keys.rita, 'kind=sample');
      return l.total >= 1 ? l.alerts[0] : undefined;
    });
    expect(sample.sample).toMatchObject({ plan: 'desk-a-daily', period: current.period, by: 'rate' });
    const period = await call(keys.auditor, 'GET', `/v1/supervision/sampling/desk-a-daily/periods/${current.period}`);
    // the seed stays hidden until the period is over; its commitment was audited when it was drawn
    expect(period.body).toMatchObject({ commitment: current.commitment, seed: null, sampled: [expect.objectContaining({ record: sample.record.id })] });

    const mi = await call(keys.auditor, 'GET', `/v1/supervision/reports/mi?from=${encodeURIComponent(since)}&to=${encodeURIComponent(until())}`);
    expect(mi.body.coverage.hits).toEqual({ raised: 3, dispositioned: 3, share: 1 });
    expect(mi.body.policies).toEqual([{ policyId: 'guarantees', hits: 3, escalated: 1, precision: 1 / 3 }]);
    const csv = await call(keys.auditor, 'GET', `/v1/supervision/reports/examiner?from=${encodeURIComponent(since)}&to=${encodeURIComponent(until())}`);
    const rows = csv.text.trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[0].split(',').slice(0, 4)).toEqual(['alertId', 'kind', 'queue', 'recordId']);
    expect(rows.slice(1).map((r) => /(carol-principal|rita-reviewer),(carol|rita)/.exec(r)?.[1])).toEqual([
      'carol-principal',
      'rita-reviewer',
      'rita-reviewer',
    ]);

    // every alert raised, seed committed and decision taken is an event of the chained audit trail
    const trail = async (action: string) => {
      const r = await call(keys.admin, 'GET', `/v1/audit?action=${action}&limit=200&from=${encodeURIComponent(since)}`);
      return r.body.events as Array<{ details: Record<string, unknown>; chain?: { sequence: number } }>;
    };
    const raised = await waitFor('the alerts raised archived', async () =>
      (await trail('supervision.alert.raised')).length >= 4 ? trail('supervision.alert.raised') : undefined,
    );
    expect(raised.map((e) => e.details.kind).sort()).toEqual(['hit', 'hit', 'hit', 'sample']);
    expect(raised[0].details).toMatchObject({ policy: 'guarantees', rule: 'guarantee-en', recordSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const seeds = await waitFor('the seed commitment archived', async () =>
      (await trail('supervision.sampling.seed_committed')).length >= 2 ? trail('supervision.sampling.seed_committed') : undefined,
    );
    expect(seeds.find((e) => e.details.period === current.period)?.details.commitment).toBe(current.commitment);
    expect(await trail('supervision.alerts.decide')).toHaveLength(4);
    expect([...raised, ...seeds].every((e) => (e.chain?.sequence ?? 0) > 0)).toBe(true);
  });

  test('a period that ended under its minimum is topped up with the lowest scores anyone recomputes from the revealed seed', async () => {
    const { bus, store, index } = custody.adapters;
    const suffix = randomBytes(4).toString('hex');
    const plans = new ControlTable(bus, `test.plans.${suffix}`, SamplingPlanRow, testLogger());
    const alerts = new ControlTable(bus, `test.alerts.${suffix}`, Alert, testLogger());
    const directory = new ControlTable(bus, `test.directory.${suffix}`, Employee, testLogger());
    await Promise.all([plans.start(), alerts.start(), directory.start()]);
    const keeper = new SeedKeeper({
      store,
      index,
      plans,
      alerts,
      seeds: new SeedCache(store),
      directory: directoryView(directory),
      audit: { record: async () => undefined },
      logger: testLogger(),
    });
    // a rate no record meets, a minimum of three a day, everyone's records
    const plan = SamplingPlan.parse({ id: `minimum-${suffix}`, population: {}, rate: 1e-9, minimumPerPeriod: 3, period: 'day' });
    const row = { tenant: 'acme', plan, updatedBy: 'carol-principal', updatedAt: new Date().toISOString() };
    await plans.put(`acme:${plan.id}`, row);
    const seed = await keeper.ensureSeeds(row);
    for (const text of ['one', 'two', 'three', 'four', 'five']) await send(`Minimum sample ${text}`);
    const captured = await waitFor('the five records searchable', async () => {
      await index.refresh();
      const r = await index.search('acme', { text: 'Minimum sample', size: 10 });
      return r.total === 5 ? r.hits.map((h) => h.id) : undefined;
    });
    await keeper.visitAll(new Date(Date.parse(seed.end) + 60_000));
    const revealed = await readSeed(store, 'acme', plan.id, seed.period);
    const expected = periodSample(revealed.seed, captured, plan.rate, 3).map((d) => d.id);
    const drawn = alerts.values().map((a) => a.record.id);
    expect(drawn.sort()).toEqual([...expected].sort());
    expect(alerts.values().every((a) => a.sample?.by === 'minimum' && a.sample.period === seed.period)).toBe(true);
    expect(plans.get(`acme:${plan.id}`)?.closedThrough).toBe(seed.period);
    await Promise.all([plans.stop(), alerts.stop(), directory.stop()]);
  });

  test('an announcement that does not read back from WORM is dead-lettered with the reason, and screening goes on', async () => {
    const { bus } = custody.adapters;
    const dead: Array<{ headers: Record<string, string | undefined>; value: string }> = [];
    const reader = await bus.subscribe({
      groupId: `dlq-reader-${randomBytes(4).toString('hex')}`,
      topics: [custody.topics.dlq],
      onBatch: async (records) => void dead.push(...records.map((r) => ({ headers: r.headers, value: r.value.toString('utf8') }))),
    });
    // another tenant's announcement of a version the store never held (the log writer may append it: globex is not read here)
    const leaf = {
      kind: 'record',
      id: 'f'.repeat(40),
      key: `tenants/globex/records/ff/${'f'.repeat(40)}.json`,
      versionId: 'v-none',
      sha256: '0'.repeat(64),
      envelopeSha256: '0'.repeat(64),
      channel: 'whatsapp',
      type: 'message',
      retainUntil: new Date(Date.now() + 86_400_000).toISOString(),
    };
    await bus.publish(custody.topics.recordLog, [
      { key: 'globex', value: JSON.stringify({ schema: 'custody.log-append/v1', tenant: 'globex', leaves: [leaf] }) },
    ]);
    await send('I guarantee a 12% return after the bad announcement');
    const letter = await waitFor('the dead letter', async () => dead.find((d) => d.headers.dlq_step === 'screen'));
    expect(letter.headers.dlq_reason).toMatch(/not_found|no object|does not exist/i);
    await waitFor('the next record screened', async () =>
      (await openAlerts()).alerts.some((a: { record: { id: string } }) => a.record.id) ? true : undefined,
    );
    expect((await openAlerts()).total).toBe(1);
    await reader.stop();
  });
}
