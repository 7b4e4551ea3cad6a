import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchChromium } from './browser';

/** Where the browser tests leave the console's screenshots (docs/ and the README show them, so they stay current). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../../docs/screenshots');

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 768, height: 900 };

/**
 * One browser tab on the console, as a role's journey uses it: every page it checks is WCAG 2.1 AA
 * (axe-core) and fits 768 px without scrolling sideways; Content-Security-Policy violations the
 * browser reports are collected so a journey can assert there were none.
 */
export class ConsoleTab {
  readonly cspViolations: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly url: string,
  ) {
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy/i.test(m.text())) this.cspViolations.push(m.text());
    });
  }

  static async open(url: string): Promise<ConsoleTab> {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: WIDE, acceptDownloads: true });
    return new ConsoleTab(browser, page, url);
  }

  async signIn(token: string, path = '/'): Promise<void> {
    await this.page.goto(`${this.url}${path}`);
    await this.page.getByLabel('API key').fill(token);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByLabel('API key').waitFor();
  }

  /**
   * The page as it stands, checked: no WCAG 2.1 A/AA violation at 1280 px, and at 768 px neither
   * a violation nor a page wider than the window (a table may scroll inside its own region).
   */
  async check(what: string): Promise<void> {
    const wide = await axeViolations(this.page);
    await this.page.setViewportSize(NARROW);
    try {
      const narrow = await axeViolations(this.page);
      const overflow = await this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ what, wide, narrow, overflowAt768: overflow > 0 ? overflow : 0 }).toEqual({ what, wide: [], narrow: [], overflowAt768: 0 });
    } finally {
      await this.page.setViewportSize(WIDE);
    }
  }

  /** A PNG of the page's top 1280 × 1000 for docs/screenshots (not the whole page, to stay small). */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = resolve(SCREENSHOT_DIR, `${name}.png`);
    // a caret blinking or a focus ring moving would make each run's picture differ for no reason
    await this.page.screenshot({ path, caret: 'hide', animations: 'disabled', fullPage: true, clip: { x: 0, y: 0, width: WIDE.width, height: 1000 } });
    return path;
  }

  /** The text of the first role="alert" or role="status" message that appears. */
  async message(role: 'alert' | 'status'): Promise<string> {
    const el = this.page.getByRole(role).first();
    await el.waitFor();
    return (await el.textContent()) ?? '';
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
