import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DISPOSITIONS as SERVER_DISPOSITIONS, LookbackRequest, SamplingPlan, ZONES as SERVER_ZONES } from '@custody/supervision';
import { AlertQuery, Assign, BulkClose, Decide, Escalate, Note, Notify, OpenHold, Tags } from '@custody/supervision-service';
import { setCsrfToken } from './api';
import { restoreFetchAfterEach, stubFetch, type Call } from './fetch-stub.test-support';
import { navFor } from './routes';
import {
  alertsPath,
  canAssign,
  canOpenHold,
  canReadPeriods,
  canReadRecords,
  canRunLookbacks,
  canWorkAlerts,
  canWritePolicies,
  examinerReportPath,
  supervisionApi,
} from './supervision-api';
import { DISPOSITIONS, ZONES } from './supervision-types';

restoreFetchAfterEach();
const sent = (call: Call) => JSON.parse(String(call.init.body)) as unknown;
const headers = (call: Call) => call.init.headers as Record<string, string>;
const ID = `al-${'ab'.repeat(16)}`;

describe('supervision API calls', () => {
  it('lists alerts with only the filters set, in a query the server accepts', () => {
    const path = alertsPath({ queue: 'guarantees', status: 'open', level: 2, assignee: 'me', limit: 50, offset: 100 });
    expect(path).toBe('/v1/supervision/alerts?queue=guarantees&status=open&level=2&assignee=me&limit=50&offset=100');
    const query = Object.fromEntries(new URL(path, 'http://x').searchParams);
    expect(AlertQuery.parse(query)).toEqual({ queue: 'guarantees', status: 'open', level: 2, assignee: 'me', limit: 50, offset: 100 });
    expect(alertsPath({ limit: 50, offset: 0, queue: '' })).toBe('/v1/supervision/alerts?limit=50&offset=0');
  });

  it('acts on an alert by its encoded id, each body one the server accepts, the CSRF token on every one', async () => {
    setCsrfToken('tok');
    const calls = stubFetch(200, { alert: { id: ID } });
    await supervisionApi.claim(ID);
    await supervisionApi.release(ID);
    await supervisionApi.assign(ID, 'rev-1');
    await supervisionApi.escalate(ID, 'a promise of a return');
    await supervisionApi.note(ID, 'called the client');
    await supervisionApi.tags(ID, { add: ['follow-up'], remove: ['new'] });
    await supervisionApi.notify(ID, 'rev-2', 'please look');
    await supervisionApi.decide(ID, { disposition: 'coached', reasonCode: 'employee_coached', reason: 'spoke to them' });
    await supervisionApi.openHold(ID, { matter: 'Acme', reason: 'preserve' });
    expect(calls.map((c) => [c.init.method, c.url])).toEqual(
      ['claim', 'release', 'assign', 'escalate', 'notes', 'tags', 'notify', 'decide', 'hold'].map((a) => ['POST', `/v1/supervision/alerts/${ID}/${a}`]),
    );
    expect(calls.every((c) => headers(c)['x-csrf-token'] === 'tok')).toBe(true);
    expect(calls[0].init.body).toBeUndefined();
    const schemas = [Assign, Escalate, Note, Tags, Notify, Decide, OpenHold];
    schemas.forEach((schema, i) => expect(schema.safeParse(sent(calls[i + 2])).success).toBe(true));
    expect(sent(calls[7])).toEqual({ disposition: 'coached', reasonCode: 'employee_coached', reason: 'spoke to them' });
  });

  it('bulk-closes with the ids and one decision, as the server takes it', async () => {
    const calls = stubFetch(200, { closed: [ID], refused: [] });
    await expect(supervisionApi.bulkClose([ID], { disposition: 'false_positive', reasonCode: 'term_misfire', reason: 'not a promise' })).resolves.toEqual({
      closed: [ID],
      refused: [],
    });
    expect(calls[0]).toMatchObject({ url: '/v1/supervision/alerts/bulk-close', init: { method: 'POST' } });
    expect(BulkClose.parse(sent(calls[0]))).toEqual({ ids: [ID], disposition: 'false_positive', reasonCode: 'term_misfire', reason: 'not a promise' });
  });

  it('reads the ±5 messages around the alert’s record', async () => {
    const calls = stubFetch(200, { events: [] });
    await supervisionApi.context('a'.repeat(40));
    expect(calls[0].url).toBe(`/v1/records/${'a'.repeat(40)}/context?before=5&after=5`);
  });

  it('archives a policy source by the id it names, and asks for a diff between two versions', async () => {
    const calls = stubFetch(201, { version: 'sha256:1' });
    await supervisionApi.savePolicy('guarantees', 'yaml', 'id: guarantees');
    expect(calls[0]).toMatchObject({ url: '/v1/admin/supervision/policies/guarantees', init: { method: 'PUT' } });
    expect(sent(calls[0])).toEqual({ format: 'yaml', source: 'id: guarantees' });
    const diff = stubFetch(200, {});
    await supervisionApi.policyDiff('a b', 'sha256:1', 'sha256:2');
    await supervisionApi.policyDiff('a b', 'sha256:1');
    expect(diff.map((c) => c.url)).toEqual([
      '/v1/admin/supervision/policies/a%20b/diff?from=sha256%3A1&to=sha256%3A2',
      '/v1/admin/supervision/policies/a%20b/diff?from=sha256%3A1',
    ]);
  });

  it('saves a sampling plan and starts a lookback with bodies the server accepts', async () => {
    const plan = { id: 'reps', population: { employees: ['e-1'], groups: [], channels: ['sms'] }, rate: 0.02, minimumPerPeriod: 5, period: 'week' as const };
    const calls = stubFetch(200, { plan: {} });
    await supervisionApi.savePlan(plan);
    expect(calls[0]).toMatchObject({ url: '/v1/admin/supervision/sampling/reps', init: { method: 'PUT' } });
    expect(SamplingPlan.parse(sent(calls[0]))).toEqual(plan);
    const started = stubFetch(202, { lookback: {} });
    const request = {
      policyId: 'guarantees',
      draft: { format: 'yaml' as const, source: 'id: guarantees' },
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      raiseAlerts: false,
    };
    await supervisionApi.startLookback(request);
    expect(started[0]).toMatchObject({ url: '/v1/supervision/lookbacks', init: { method: 'POST' } });
    expect(LookbackRequest.safeParse(sent(started[0])).success).toBe(true);
  });

  it('asks for the MI report and links the examiner’s CSV for one range', async () => {
    const calls = stubFetch(200, {});
    const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
    await supervisionApi.miReport({ ...range, slaHours: 48 });
    expect(calls[0].url).toBe('/v1/supervision/reports/mi?from=2026-01-01T00%3A00%3A00.000Z&to=2026-02-01T00%3A00%3A00.000Z&slaHours=48');
    expect(examinerReportPath(range)).toBe('/v1/supervision/reports/examiner?from=2026-01-01T00%3A00%3A00.000Z&to=2026-02-01T00%3A00%3A00.000Z&format=csv');
  });
});

describe('the console’s copy of the server’s lists', () => {
  it('offers exactly the server’s dispositions and zones, in its order', () => {
    expect(DISPOSITIONS).toEqual(Object.keys(SERVER_DISPOSITIONS));
    expect(ZONES).toEqual(SERVER_ZONES);
  });
});

describe('roles', () => {
  type Doc = { paths: Record<string, Record<string, { 'x-custody-roles'?: string[] }>> };
  const doc = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/openapi.json'), 'utf8')) as Doc;
  const roles = (method: string, path: string) => [...(doc.paths[path]?.[method]?.['x-custody-roles'] ?? [])].sort();
  const ALL = ['admin', 'auditor', 'compliance', 'legal', 'reviewer'];
  const allowed = (can: (role: string) => boolean) => ALL.filter(can);

  it('offers each action on an alert to the roles the API lets take it', () => {
    for (const action of ['claim', 'release', 'escalate', 'notes', 'tags', 'notify', 'decide'])
      expect(allowed(canWorkAlerts)).toEqual(roles('post', `/v1/supervision/alerts/{id}/${action}`));
    expect(allowed(canWorkAlerts)).toEqual(roles('post', '/v1/supervision/alerts/bulk-close'));
    expect(allowed(canAssign)).toEqual(roles('post', '/v1/supervision/alerts/{id}/assign'));
    expect(allowed(canOpenHold)).toEqual(roles('post', '/v1/supervision/alerts/{id}/hold'));
  });

  it('offers policy and sampling writes, lookbacks, periods and records as the API allows them', () => {
    expect(allowed(canWritePolicies)).toEqual(roles('put', '/v1/admin/supervision/policies/{id}'));
    expect(allowed(canWritePolicies)).toEqual(roles('put', '/v1/admin/supervision/sampling/{id}'));
    expect(allowed(canRunLookbacks)).toEqual(roles('post', '/v1/supervision/lookbacks'));
    expect(allowed(canReadPeriods)).toEqual(roles('get', '/v1/supervision/sampling/{id}/periods/{period}'));
    expect(allowed(canReadRecords)).toEqual(roles('get', '/v1/records/{id}'));
  });

  it('puts a supervision page in a role’s navigation only when the API lets the role read it', () => {
    const reads: Record<string, [string, string]> = {
      '/review': ['get', '/v1/supervision/queues'],
      '/supervision/policies': ['get', '/v1/admin/supervision/policies'],
      '/supervision/sampling': ['get', '/v1/admin/supervision/sampling'],
      '/supervision/lookbacks': ['get', '/v1/supervision/lookbacks'],
      '/supervision/reports': ['get', '/v1/supervision/reports/mi'],
    };
    for (const role of ALL)
      for (const { to } of navFor(role).filter((item) => item.to in reads)) expect([role, to, roles(...reads[to]).includes(role)]).toEqual([role, to, true]);
  });
});
