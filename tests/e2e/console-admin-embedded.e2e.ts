import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import type { RunningCustody } from '@custody/runtime';
import { waitFor } from '@custody/testing';
import { ConsoleTab } from '@custody/testing/console';
import { apiSearch, postWebhook, textWebhook } from '@custody/testing/whatsapp';
import { startConsoleCustody, type ConsoleCustody } from './console-embedded-support';

/**
 * The admin's journey in a real browser on the embedded default: connect WhatsApp from the form the
 * connector's config schema generates, paste nothing but use the webhook URL it shows — a signed
 * delivery to it is archived and shows as the connector's last event; ask for a legal key, which
 * only a legal holder approves (and receives); load the directory from a CSV (a bad one refused by
 * line); read the pipeline's health.
 */
describe("console: the admin's journey (embedded, Chromium)", () => {
  const keys = { admin: mintApiKey('acme', 'admin'), legal: mintApiKey('acme', 'legal'), compliance: mintApiKey('acme', 'compliance') };
  const appSecret = `secret-${randomBytes(8).toString('hex')}`;
  let started: ConsoleCustody;
  let custody: RunningCustody;
  let dir: string;
  let tab: ConsoleTab;

  beforeAll(async () => {
    started = await startConsoleCustody(keys);
    ({ custody, dir } = started);
    tab = await ConsoleTab.open(custody.url);
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    await started?.stop();
  });

  test('connects WhatsApp from its form; a signed webhook to the URL shown is archived and is the last event', async () => {
    const { page } = tab;
    await tab.signIn(keys.admin.token);
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    await page.getByText(/No connectors yet/).waitFor();
    await tab.check('connectors, none yet');
    await page.getByRole('button', { name: 'Add a connector' }).click();
    await page.getByLabel('Connector type').selectOption('whatsapp-cloud');
    await page.getByLabel('Instance name').fill('wa-desk');
    const secret = page.getByLabel(/^App secret/);
    // write-only: a password input, never filled in by the browser's saved passwords
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill(appSecret);
    await page.getByLabel(/^Verify token/).fill('verify-desk');
    await tab.check('add a connector');
    await page.getByRole('button', { name: 'Add connector' }).click();
    await page.getByRole('heading', { name: 'Connector wa-desk added' }).waitFor();
    const url = (await page.locator('.webhook-url code').first().textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${custody.url}/webhooks/w[0-9a-f]{24}$`));
    // the secret never comes back: not on the page, not from the API
    expect(await page.locator('body').textContent()).not.toContain(appSecret);

    const webhookId = url.slice(url.lastIndexOf('/') + 1);
    const message = textWebhook(`Connected through the console ${randomBytes(3).toString('hex')}`);
    expect((await postWebhook(custody.url, webhookId, message.body, appSecret)).status).toBe(200);
    await waitFor('the delivery archived', async () => ((await apiSearch(custody.url, keys.compliance.token, {})).body.total === 1 ? true : undefined));

    await page.getByRole('link', { name: 'Open wa-desk' }).click();
    await page.getByRole('heading', { name: 'Connector wa-desk', level: 1 }).waitFor();
    const activity = page.getByRole('region', { name: 'Activity' });
    await waitFor('the last event shown', async () => {
      await page.reload();
      await activity.waitFor();
      const text = (await activity.textContent()) ?? '';
      return /Last event\s*Never/.test(text) ? undefined : text;
    });
    await tab.check('connector');
    await tab.screenshot('connector');
  });

  test('asks for a legal key; only a legal holder approves it, and receives a token that works', async () => {
    const { page } = tab;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Role').selectOption('legal');
    await page.getByLabel('Key id (optional)').fill('outside-counsel');
    await page.getByRole('button', { name: 'Request key' }).click();
    await page.getByText('Pending approval').first().waitFor();
    // the admin who asked never sees the token
    expect(await page.locator('main').textContent()).not.toContain('cust_outside-counsel_');
    await tab.check('API keys');
    await tab.signOut();

    await tab.signIn(keys.legal.token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Key requests' }).click();
    await page.getByLabel('Key request id').fill('outside-counsel');
    await page.getByRole('button', { name: 'Approve request' }).click();
    await page.getByRole('heading', { name: 'Approved key outside-counsel (legal)' }).waitFor();
    const token = (await page.locator('.token code').textContent())!.trim();
    await tab.check('key approved');
    const session = await fetch(`${custody.url}/v1/holds`, { headers: { authorization: `Bearer ${token}` } });
    expect(session.status).toBe(200);
    await tab.signOut();
  });

  test('loads the directory from a CSV; a bad file is refused naming its line, and nothing of it is written', async () => {
    const { page } = tab;
    await tab.signIn(keys.admin.token);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Employee directory', level: 1 }).waitFor();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'employeeId,name,kind,value,from,to\r\nemp-1,Dana Reyes,phone,+16505551234,,\r\nemp-2,Sam Lee,fax,123,,\r\n');
    await page.getByLabel('CSV file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Upload CSV' }).click();
    expect(await tab.message('alert')).toMatch(/line 3/);
    const directory = await fetch(`${custody.url}/v1/admin/directory`, { headers: { authorization: `Bearer ${keys.admin.token}` } });
    expect(await directory.json()).toEqual({ employees: [] });
    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      'employeeId,name,kind,value,from,to\r\nemp-1,Dana Reyes,phone,+1 650 555 1234,,\r\nemp-1,Dana Reyes,email,dana@acme.example,,\r\nemp-2,Sam Lee,email,sam@acme.example,2026-01-01T00:00:00Z,\r\n',
    );
    await page.getByLabel('CSV file').setInputFiles(good);
    await page.getByRole('button', { name: 'Upload CSV' }).click();
    const employees = page.getByRole('region', { name: 'Employees' }).last();
    await employees.getByText('+16505551234').waitFor();
    expect(await employees.textContent()).toContain('sam@acme.example');
    await tab.check('directory');
  });

  test('reads the health page; signs out; no Content-Security-Policy violation on the way', async () => {
    const { page } = tab;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Health', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Consumer lag' }).last().waitFor();
    await tab.check('health');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention' }).click();
    await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
    await tab.check('retention');
    await tab.signOut();
    expect(tab.cspViolations).toEqual([]);
  });
});
