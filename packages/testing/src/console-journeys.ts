import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConsoleTab } from './console';
import { captureProduction, type ProductionFixture, type ProductionVendors } from './production-fixture';

export type JourneyTarget = ProductionVendors & { recordings: Map<string, Buffer>; stop(): Promise<void> };

/**
 * The compliance officer's journey in a real browser, the same on both adapter sets: sign in with
 * an API key, search with filters and facets, open a hit into its conversation (edits with their
 * history, a deletion struck through, a reaction, a quoted reply, each record verified from the
 * WORM store), read the vendor's raw payload, and download a call recording whose bytes match the
 * SHA-256 the console shows. `screenshots` (one adapter set only) refreshes docs/screenshots.
 */
export function complianceJourney(adapter: string, start: () => Promise<JourneyTarget>, options: { screenshots: boolean }): void {
  describe(`console: the compliance officer's journey (${adapter}, Chromium)`, () => {
    let target: JourneyTarget;
    let fixture: ProductionFixture;
    let tab: ConsoleTab;

    beforeAll(async () => {
      target = await start();
      fixture = await captureProduction(target, target.recordings);
      tab = await ConsoleTab.open(target.url);
    }, 240_000);

    afterAll(async () => {
      await tab?.close();
      await target?.stop();
    });

    test('signs in and searches: a facet narrows the hits, highlighted; every filter is offered', async () => {
      const { page } = tab;
      await tab.signIn(target.tokens.compliance);
      await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
      await tab.check('search, before searching');
      await page.getByLabel('Search text').fill('ACME');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('heading', { name: 'Results' }).waitFor();
      // a facet narrows the search: WhatsApp only, shown as a removable filter
      await page
        .getByRole('group', { name: 'By channel' })
        .getByRole('button', { name: /^WhatsApp \d+ records?$/ })
        .click();
      await page.getByRole('button', { name: 'Remove filter Channel: WhatsApp' }).waitFor();
      const hits = page.getByRole('link', { name: /ACME/ });
      await hits.first().waitFor();
      expect(await page.locator('main mark').first().textContent()).toMatch(/acme/i);
      if (options.screenshots) await tab.screenshot('search');
      // every filter the API has is on the page
      await page.getByText('More filters').click();
      for (const label of ['Participant', 'Employee id', 'Kind', 'Direction', 'Legal hold id', 'Edited', 'Deleted'])
        await page.getByLabel(label, { exact: true }).waitFor();
      await tab.check('search results');
    });

    test('opens a hit into its conversation: edits, the deletion, the reaction, the reply, each verified from WORM', async () => {
      const { page } = tab;
      await page.getByRole('link', { name: 'Open conversation' }).first().click();
      const thread = page.getByRole('region', { name: 'Messages in this conversation' });
      await thread.waitFor();
      await thread.locator('[aria-current="true"]').waitFor();
      const text = (await thread.textContent()) ?? '';
      // the edit's history, the deleted reply still readable, the reaction
      expect(text).toContain('Can you buy 300 shares of ACME?');
      expect(text).toContain('Can you buy 200 shares of ACME?');
      expect(text).toContain('At market, please');
      expect(await thread.locator('del, s, .deleted').count()).toBeGreaterThan(0);
      expect(text).toContain('👍');
      await thread.getByText('Verified').first().waitFor();
      expect(await thread.getByText('Failed').count()).toBe(0);
      await tab.check('conversation');
      if (options.screenshots) await tab.screenshot('conversation');
    });

    test('a record shows the vendor’s raw payload, read from the WORM store', async () => {
      const { page } = tab;
      await page.goto(`${target.url}/records/${fixture.conversation.ids.first}`);
      const raw = page.getByRole('region', { name: 'Vendor’s raw payload' });
      await raw.waitFor();
      // the WhatsApp delivery as the vendor sent it, re-checked against its SHA-256 on the way: its message id is in the bytes
      const [download] = await Promise.all([page.waitForEvent('download'), raw.getByRole('link', { name: /^Download the/ }).click()]);
      expect(readFileSync(await download.path(), 'utf8')).toMatch(/wamid\.first\./);
      await tab.check('record');
    });

    test('downloads a call recording: the bytes are the recording, and their SHA-256 the one shown', async () => {
      const { page } = tab;
      const call = fixture.call.ids[0];
      await page.goto(`${target.url}/records/${call}`);
      await page.getByRole('link', { name: 'Open conversation' }).first().click();
      const thread = page.getByRole('region', { name: 'Messages in this conversation' });
      await thread.getByLabel('Call recording').waitFor();
      const shown = (await thread.locator('.attachment-hash code').first().textContent())?.trim();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        thread
          .getByRole('link', { name: /^Download / })
          .first()
          .click(),
      ]);
      const bytes = readFileSync(await download.path());
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect(bytes.equals(fixture.call.wav)).toBe(true);
      expect(shown).toBe(sha256);
      await tab.check('conversation with a call recording');
    });

    test('signs out; no Content-Security-Policy violation on the way', async () => {
      await tab.signOut();
      expect(await tab.page.evaluate(async () => (await fetch('/v1/session', { credentials: 'same-origin' })).status)).toBe(401);
      expect(tab.cspViolations).toEqual([]);
    });
  });
}
