import type { Page } from 'playwright-core';
import { mintApiKey } from '@custody/api';
import type { RunningCustody } from '@custody/runtime';
import { ConsoleTab } from '@custody/testing/console';
import { startConsoleCustody, type ConsoleCustody } from './console-embedded-support';

/**
 * The console in a real browser (Debian's Chromium, headless) on the embedded default: a compliance
 * officer signs in with an API key, searches, opens a record verified from the WORM store, signs
 * out; every page checked with axe-core against WCAG 2.1 AA, under the console's own strict CSP.
 */
describe('console (embedded, Chromium)', () => {
  const keys = { compliance: mintApiKey('acme', 'compliance'), admin: mintApiKey('acme', 'admin'), auditor: mintApiKey('acme', 'auditor') };
  let started: ConsoleCustody;
  let custody: RunningCustody;
  let tab: ConsoleTab;
  let page: Page;
  const expectAccessible = (what: string) => tab.check(what);

  beforeAll(async () => {
    started = await startConsoleCustody(keys, {
      seed: { texts: ['the bond order for Friday', 'lunch at noon', 'bond prices moved'], reader: keys.compliance },
    });
    custody = started.custody;
    tab = await ConsoleTab.open(custody.url);
    page = tab.page;
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    await started?.stop();
  });

  test('the console is served under / with a strict Content-Security-Policy; the API stays under /v1', async () => {
    const res = await fetch(`${custody.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${custody.url}/v1/search`, { method: 'POST' })).status).toBe(401);
  });

  test('signed out, the console asks for sign-in; a wrong key is refused with a message', async () => {
    await page.goto(`${custody.url}/search`);
    await page.getByLabel('API key').waitFor();
    await expectAccessible('sign-in');
    await page.getByLabel('API key').fill('not-a-real-key-0000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not accepted');
  });

  test('a compliance officer signs in, searches, and opens a record verified from the WORM store', async () => {
    await page.getByLabel('API key').fill(keys.compliance.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const query = page.getByRole('textbox', { name: /search/i }).first();
    await query.waitFor();
    // the session lives in an HttpOnly cookie: page scripts cannot read it
    expect(await page.evaluate(() => document.cookie)).not.toContain('custody_session');
    await expectAccessible('search, before searching');
    await query.fill('bond');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hits = page.getByRole('link', { name: /bond/i });
    await hits.first().waitFor();
    expect(await hits.count()).toBe(2);
    await expectAccessible('search results');
    await hits.first().click();
    await page
      .getByText('recordLog')
      .or(page.getByText(/record log/i))
      .first()
      .waitFor();
    expect(await page.locator('main').textContent()).toMatch(/match/);
    await expectAccessible('record');
  });

  test('a hit opens its conversation: the thread around it, the hit marked, each record verified from the WORM store', async () => {
    await page.goBack();
    await page.getByRole('link', { name: /bond/i }).first().waitFor();
    await page.getByRole('link', { name: 'Open conversation' }).first().click();
    const thread = page.getByRole('region', { name: 'Messages in this conversation' });
    await thread.waitFor();
    await thread.locator('[aria-current="true"]').waitFor();
    // the three texts share one WhatsApp conversation: all of them in the thread, each with its badge
    const items = thread.getByRole('listitem');
    await expect(items.count()).resolves.toBe(3);
    expect(await thread.textContent()).toContain('lunch at noon');
    const badges = thread.locator('summary');
    expect(await badges.allTextContents()).toEqual(['✓Verified', '✓Verified', '✓Verified']);
    await expectAccessible('conversation');
  });

  test('sign-out ends the session: the console returns to sign-in and the cookie no longer answers', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    const again = await page.evaluate(async () => (await fetch('/v1/session', { credentials: 'same-origin' })).status);
    expect(again).toBe(401);
    expect(tab.cspViolations).toEqual([]);
  });

  test('keyboard only: sign in, search, open a hit', async () => {
    await page.goto(`${custody.url}/sign-in`);
    await page.getByLabel('API key').waitFor();
    // from the top of the page: the first stops are the skip link or the key field
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.id === 'api-key')); i++) await page.keyboard.press('Tab');
    await page.keyboard.type(keys.compliance.token);
    await page.keyboard.press('Enter');
    const text = page.getByLabel('Search text');
    await text.waitFor();
    await text.focus();
    await page.keyboard.type('bond');
    await page.keyboard.press('Enter');
    const hit = page.getByRole('link', { name: /bond/i }).first();
    await hit.waitFor();
    // Tab reaches the hit, Enter follows it
    for (let i = 0; i < 60 && !(await hit.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await hit.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Verification' }).waitFor();
  });

  test('an expired session says so and returns to sign-in; signing in again goes back where the person was', async () => {
    // the session ends on the server (as it would after CUSTODY_SESSION_IDLE_MINUTES): the cookie stays in the browser
    const cookie = (await page.context().cookies()).find((c) => c.name === 'custody_session')!;
    const headers = { cookie: `custody_session=${cookie.value}` };
    const { csrfToken } = (await (await fetch(`${custody.url}/v1/session`, { headers })).json()) as { csrfToken: string };
    expect((await fetch(`${custody.url}/v1/session`, { method: 'DELETE', headers: { ...headers, 'x-csrf-token': csrfToken } })).status).toBe(204);
    // still on the record the keyboard opened: coming back to it finds the session gone
    const record = page.url();
    await page.reload();
    await page.getByText('Your session expired. Sign in again.').waitFor();
    await page.getByLabel('API key').fill(keys.compliance.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Verification' }).waitFor();
    expect(page.url()).toBe(record);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
  });

  test('a page the role may not use says which role it needs', async () => {
    await page.getByLabel('API key').fill(keys.auditor.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Search text').waitFor();
    // auditors search, but holds are legal's and compliance's: the nav does not offer them, and a link to one explains
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Legal holds' }).count()).toBe(0);
    await page.goto(`${custody.url}/holds`);
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(
      /Your role \(auditor\) cannot .*; it needs (legal or compliance|compliance or legal)\./,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(tab.cspViolations).toEqual([]);
  });
});
