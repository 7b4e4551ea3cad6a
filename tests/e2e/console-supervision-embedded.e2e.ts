import { readFileSync } from 'node:fs';
import { mintApiKey } from '@custody/api';
import type { RunningCustody } from '@custody/runtime';
import { waitFor } from '@custody/testing';
import { ConsoleTab } from '@custody/testing/console';
import { postWebhook, textWebhook } from '@custody/testing/whatsapp';
import { startConsoleCustody, type ConsoleCustody } from './console-embedded-support';

/**
 * Supervision in a real browser on the embedded default: compliance enables the guarantees starter
 * pack and approves a reviewer's key; a WhatsApp message from a directory employee promising a
 * return raises an alert; the reviewer finds it in the queue, reads it with the hit marked on the
 * original text, claims it and decides it; compliance reads it in context, adds a sampling plan,
 * runs a lookback and reads the reports. Each step is checked against the API, not just the page.
 */
describe('console: supervision (embedded, Chromium)', () => {
  // every key that reviews names its employee: the API checks conflicts of interest against the directory
  const keys = { admin: mintApiKey('acme', 'admin'), compliance: mintApiKey('acme', 'compliance', 'cco-avery', 'emp-cco') };
  const PROMISE = 'I guarantee you a 10% return';
  const SECOND = 'I promise you a profit on this one';
  let started: ConsoleCustody;
  let custody: RunningCustody;
  let tab: ConsoleTab;
  let reviewerToken = '';
  let alertId = '';

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${custody.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };
  const nav = (name: string) => tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  beforeAll(async () => {
    // a first, harmless message sets up the WhatsApp instance; the one that hits is sent once the pack is enabled
    started = await startConsoleCustody(keys, { seed: { texts: ['lunch at noon'], reader: keys.compliance } });
    custody = started.custody;
    // the sender of the messages (textWebhook's wa_id) is an employee; so are the reviewer and the principal
    for (const [id, name, identifier] of [
      ['emp-trader', 'Dana Reyes', { kind: 'phone', value: '+16505551234' }],
      ['emp-reviewer', 'Sam Lee', { kind: 'email', value: 'sam@acme.example' }],
      ['emp-cco', 'Avery Cole', { kind: 'email', value: 'avery@acme.example' }],
    ] as const)
      expect((await call(keys.admin.token, 'PUT', `/v1/admin/directory/${id}`, { name, identifiers: [identifier] })).status).toBe(201);
    tab = await ConsoleTab.open(custody.url);
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    await started?.stop();
  });

  test('compliance enables the guarantees starter pack and reads its version', async () => {
    const { page } = tab;
    await tab.signIn(keys.compliance.token);
    await nav('Policies').click();
    await page.getByRole('heading', { name: 'Supervision policies', level: 1 }).waitFor();
    await page.getByText(/No policies yet/).waitFor();
    await tab.check('policies, none yet');
    await page.getByRole('button', { name: 'Enable Promissory and guarantee language' }).click();
    await page.getByText(/Promissory and guarantee language is enabled/).waitFor();
    const { body } = await call(keys.compliance.token, 'GET', '/v1/admin/supervision/policies');
    expect(body.policies).toEqual([expect.objectContaining({ policyId: 'guarantees', version: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })]);
    await page.getByRole('link', { name: 'Promissory and guarantee language' }).click();
    await page.getByRole('heading', { name: 'Policy: Promissory and guarantee language', level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: 'Policy versions' }).textContent()).toContain(body.policies[0].version);
    await tab.check('policy');
  });

  test('compliance approves the reviewer key an admin asked for, naming its employee', async () => {
    const { page } = tab;
    const asked = await call(keys.admin.token, 'POST', '/v1/admin/api-keys', { role: 'reviewer', id: 'rev-sam', employeeId: 'emp-reviewer' });
    expect(asked).toMatchObject({ status: 202, body: { status: 'pending_approval' } });
    await nav('Key requests').click();
    await page.getByLabel('Key request id').fill('rev-sam');
    await page.getByRole('button', { name: 'Approve request' }).click();
    await page.getByRole('heading', { name: 'Approved key rev-sam (reviewer)' }).waitFor();
    reviewerToken = (await page.locator('.token code').textContent())!.trim();
    expect(reviewerToken).toMatch(/^cust_rev-sam_/);
    await tab.signOut();
  });

  test('a promise of a return from an employee raises an alert in the guarantees queue', async () => {
    const message = textWebhook(PROMISE);
    expect((await postWebhook(custody.url, started.whatsapp.instance, message.body, started.whatsapp.appSecret)).status).toBe(200);
    const alert = await waitFor(
      'the alert raised',
      async () => {
        const r = await call(keys.compliance.token, 'GET', '/v1/supervision/alerts?queue=guarantees');
        return r.status === 200 && r.body.alerts.length > 0 ? r.body.alerts[0] : undefined;
      },
      60_000,
    );
    expect(alert).toMatchObject({ kind: 'hit', status: 'open', record: expect.objectContaining({ employeeIds: ['emp-trader'] }) });
    alertId = alert.id;
    // a second promise, for the reviewer to close from the queue
    expect((await postWebhook(custody.url, started.whatsapp.instance, textWebhook(SECOND).body, started.whatsapp.appSecret)).status).toBe(200);
    await waitFor(
      'the second alert raised',
      async () => ((await call(keys.compliance.token, 'GET', '/v1/supervision/alerts?queue=guarantees&status=open')).body.total >= 2 ? true : undefined),
      60_000,
    );
  });

  test('the reviewer finds it in the queue, reads the hit marked on the original text, claims it and decides it', async () => {
    const { page } = tab;
    await tab.signIn(reviewerToken);
    // a reviewer's console is the review queues, and nothing else
    await page.getByRole('heading', { name: 'Review queues', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Review queues']);
    const queues = page.getByRole('region', { name: 'Queues' }).last();
    await queues.getByRole('link', { name: 'guarantees' }).waitFor();
    const link = page.getByRole('link', { name: /^guarantees · / }).first();
    await link.waitFor();
    await tab.check('review queues');

    await link.click();
    await page.getByRole('heading', { name: 'Alert: Promissory and guarantee language', level: 1 }).waitFor();
    // the marks are exactly the hit's spans, cut from the text as archived
    const detail = (await call(reviewerToken, 'GET', `/v1/supervision/alerts/${alertId}`)).body;
    const text: string = detail.zones[detail.alert.hit.zone];
    expect(text).toBe(PROMISE);
    const expected = detail.alert.hit.spans.map((s: { start: number; end: number }) => text.slice(s.start, s.end));
    expect(expected.join(' ')).toMatch(/guarantee/);
    expect(await page.locator('main mark').allTextContents()).toEqual(expected);
    await page.getByText(/Escalate a promise of a return/).waitFor();
    await tab.check('alert');
    await tab.screenshot('review');

    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText(/^Claimed: the alert is yours/).waitFor();
    await page.getByLabel('Outcome').selectOption('coached');
    await page.getByLabel('Reason code').selectOption('employee_coached');
    await page.getByRole('textbox', { name: 'Reason', exact: true }).fill('Reminded Dana that returns cannot be promised');
    await page.getByRole('button', { name: 'Close alert with this decision' }).click();
    await page.getByText('Decided: the alert is closed.').waitFor();
    const history = page.getByRole('region', { name: 'Alert history' });
    await history.getByText('Closed it: Coached (Employee coached).').waitFor();
    expect(await history.textContent()).toContain('Claimed it.');
    await tab.check('decided alert');

    const { body } = await call(keys.compliance.token, 'GET', `/v1/supervision/alerts/${alertId}`);
    expect(body.alert).toMatchObject({
      status: 'closed',
      disposition: { code: 'coached', reasonCode: 'employee_coached', reason: 'Reminded Dana that returns cannot be promised', by: { keyId: 'rev-sam' } },
    });
  });

  test('the reviewer closes what is left open in the queue together, with a reason', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'All review queues' }).click();
    await page.getByRole('heading', { name: 'Review queues', level: 1 }).waitFor();
    const open = (await call(keys.compliance.token, 'GET', '/v1/supervision/alerts?status=open')).body.alerts.map((a: { id: string }) => a.id);
    expect(open.length).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: 'Select every open alert on this page' }).check();
    // nothing is closed without a reason
    await page.getByRole('button', { name: 'Close selected alerts' }).click();
    await page.getByText('Choose what was done.').waitFor();
    await page.getByLabel('Outcome').selectOption('false_positive');
    await page.getByLabel('Reason code').selectOption('term_misfire');
    await page.getByRole('textbox', { name: 'Reason', exact: true }).fill('A figure of speech about a sports bet');
    await page.getByRole('button', { name: 'Close selected alerts' }).click();
    await page.getByText(`Closed ${open.length} ${open.length === 1 ? 'alert' : 'alerts'}.`).waitFor();
    await page.getByText('No alerts match.').waitFor();
    await tab.check('queue after a bulk close');
    for (const id of open)
      expect((await call(keys.compliance.token, 'GET', `/v1/supervision/alerts/${id}`)).body.alert).toMatchObject({
        status: 'closed',
        disposition: { code: 'false_positive', reasonCode: 'term_misfire', reason: 'A figure of speech about a sports bet' },
      });
    await tab.signOut();
  });

  test('compliance reads the closed alert in its conversation', async () => {
    const { page } = tab;
    await tab.signIn(keys.compliance.token, `/review?status=closed`);
    await page.getByRole('heading', { name: 'Review queues', level: 1 }).waitFor();
    await page
      .getByRole('link', { name: /^guarantees · / })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Alert: Promissory and guarantee language', level: 1 }).waitFor();
    await page.getByText('This alert’s message').waitFor();
    expect(await page.getByRole('region', { name: 'Alert history' }).textContent()).toContain('rev-sam');
    await tab.check('closed alert, compliance');
  });

  test('compliance adds a sampling plan, whose period is committed', async () => {
    const { page } = tab;
    await nav('Sampling').click();
    await page.getByRole('heading', { name: 'Sampling plans', level: 1 }).waitFor();
    await page.getByLabel('Plan id').fill('whatsapp-desk');
    await page.getByLabel('Channels').fill('whatsapp');
    await page.getByLabel('Rate (% of records)').fill('5');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.getByText('Plan whatsapp-desk saved.').waitFor();
    await page.getByRole('region', { name: 'Sampling plans' }).getByRole('rowheader', { name: 'whatsapp-desk' }).waitFor();
    const { body } = await call(keys.compliance.token, 'GET', '/v1/admin/supervision/sampling');
    expect(body.plans).toEqual([expect.objectContaining({ plan: expect.objectContaining({ id: 'whatsapp-desk', rate: 0.05 }) })]);
    const { current } = body.plans[0];
    expect(current).toEqual(expect.objectContaining({ commitment: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }));
    // the period's seed is committed before it is used, and revealed only once it is over
    await page.getByRole('button', { name: `Show period ${current.period} of whatsapp-desk` }).click();
    const period = page.getByRole('region', { name: `Plan whatsapp-desk, period ${current.period}` });
    await period.getByText('Revealed once the period is over.').waitFor();
    expect(await period.textContent()).toContain(current.commitment);
    await tab.check('sampling');
  });

  test('compliance runs a lookback of the pack, with its result hashes', async () => {
    const { page } = tab;
    await nav('Lookbacks').click();
    await page.getByRole('heading', { name: 'Lookbacks', level: 1 }).waitFor();
    await page.getByLabel('Policy', { exact: true }).selectOption('guarantees');
    await page.getByRole('button', { name: 'Start lookback' }).click();
    await page.getByText(/^Lookback of guarantees started/).waitFor();
    await page
      .getByText(/^Done: \d+ hits? in/)
      .first()
      .waitFor({ timeout: 90_000 });
    const { body } = await call(keys.compliance.token, 'GET', '/v1/supervision/lookbacks');
    expect(body.lookbacks).toHaveLength(1);
    expect(await page.locator('main').textContent()).toContain(body.lookbacks[0].result.resultSha256);
    await tab.check('lookbacks');
  });

  test('compliance reads the MI report and downloads the examiner’s CSV; no Content-Security-Policy violation on the way', async () => {
    const { page } = tab;
    await nav('Reports').click();
    await page.getByRole('heading', { name: 'Supervision reports', level: 1 }).waitFor();
    const coverage = page.getByRole('region', { name: 'Share of the hits and samples raised that were dispositioned' });
    await coverage.waitFor();
    // the share of hits dispositioned, as the alert list counts them
    const hits = (await call(keys.compliance.token, 'GET', '/v1/supervision/alerts?kind=hit')).body.total as number;
    const closed = (await call(keys.compliance.token, 'GET', '/v1/supervision/alerts?kind=hit&status=closed')).body.total as number;
    expect(closed).toBeGreaterThan(0);
    expect(await coverage.getByRole('row', { name: /Policy hits/ }).textContent()).toContain(`${((closed / hits) * 100).toFixed(1)} %`);
    await tab.check('reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the examiner’s CSV' }).click()]);
    expect(readFileSync(await download.path(), 'utf8')).toContain(alertId);
    await tab.signOut();
    expect(tab.cspViolations).toEqual([]);
  });
});
