import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mintApiKey } from '@custody/api';
import type { RunningCustody } from '@custody/runtime';
import { ConsoleTab } from '@custody/testing/console';
import { startConsoleCustody, type ConsoleCustody } from './console-embedded-support';

/**
 * Legal's journey in a real browser on the embedded default: search, place a hold from that search
 * after its preview count, watch its job hold the records, release it with a reason; export the
 * search and download the package. Each step is checked against the API, not just the page.
 */
describe("console: legal's journey (embedded, Chromium)", () => {
  const keys = { legal: mintApiKey('acme', 'legal'), compliance: mintApiKey('acme', 'compliance') };
  const matter = `Matter ${randomBytes(3).toString('hex')}`;
  let started: ConsoleCustody;
  let custody: RunningCustody;
  let tab: ConsoleTab;
  const api = (path: string) => fetch(`${custody.url}${path}`, { headers: { authorization: `Bearer ${keys.legal.token}` } });

  beforeAll(async () => {
    started = await startConsoleCustody(keys, {
      seed: { texts: ['the bond order for Friday', 'lunch at noon', 'bond prices moved'], reader: keys.compliance },
      // an export carries proofs to a signed checkpoint: one every second, not every ten minutes
      env: { CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1' },
    });
    custody = started.custody;
    tab = await ConsoleTab.open(custody.url);
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    await started?.stop();
  });

  test('places a hold from the current search, after the count it would hold', async () => {
    const { page } = tab;
    await tab.signIn(keys.legal.token);
    await page.getByLabel('Search text').fill('bond');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: /bond/ }).first().waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Legal holds' }).click();
    await page.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Place a hold from the current search' }).click();
    await page.getByText('This hold would hold 2 records now.').waitFor();
    await tab.check('hold preview');
    await page.getByRole('button', { name: 'Place hold' }).click();
    // nothing placed without a matter and a reason
    await page.getByText('Name the matter the hold is for.').waitFor();
    await page.getByLabel('Matter').fill(matter);
    await page.getByRole('textbox', { name: 'Reason', exact: true }).fill('Preservation letter of 30 November');
    await page.getByRole('button', { name: 'Place hold' }).click();
    await page.getByRole('heading', { name: `Legal hold: ${matter}`, level: 1 }).waitFor();
    await page.getByText('Done: 2 records held.').first().waitFor({ timeout: 60_000 });
    await tab.check('hold');
    await tab.screenshot('hold');
    const { holds } = (await (await api('/v1/holds')).json()) as { holds: Array<{ matter: string; scope: { query?: string }; placedBy: string }> };
    expect(holds).toEqual([expect.objectContaining({ matter, scope: expect.objectContaining({ query: 'bond' }) })]);
  });

  test('releases the hold with a reason', async () => {
    const { page } = tab;
    await page.getByLabel('Reason for release').fill('Matter settled');
    await page.getByRole('button', { name: 'Release hold' }).click();
    await page.getByRole('button', { name: 'Confirm release' }).click();
    await page
      .getByText(/The hold is released/)
      .first()
      .waitFor({ timeout: 60_000 });
    const { holds } = (await (await api('/v1/holds')).json()) as { holds: Array<{ status: string; releaseReason?: string }> };
    expect(holds[0]).toMatchObject({ status: 'released' });
    await tab.check('released hold');
  });

  test('exports the current search and downloads the package', async () => {
    const { page } = tab;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }).click();
    await page.getByRole('heading', { name: 'Exports', level: 1 }).waitFor();
    await page.getByLabel('Export name').fill(`${matter} production`);
    await page.getByRole('button', { name: 'Start export' }).click();
    await page.getByRole('heading', { name: `Export: ${matter} production`, level: 1 }).waitFor();
    const link = page.getByRole('link', { name: 'Download export (zip)' });
    await link.waitFor({ timeout: 90_000 });
    await tab.check('export');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const zip = readFileSync(await download.path());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
  });

  test('signs out; no Content-Security-Policy violation on the way', async () => {
    await tab.signOut();
    expect(tab.cspViolations).toEqual([]);
  });
});
