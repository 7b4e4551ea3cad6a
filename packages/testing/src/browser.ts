import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core: Playwright's own browser download is not reachable
 * from CI, so the browser is the system's (`apt-get install chromium`; .ci/run installs it) or the
 * one `CUSTODY_CHROMIUM` names. Without one the browser tests fail and say so — they never skip.
 */
export function chromiumPath(): string {
  const path = process.env.CUSTODY_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path || !existsSync(path))
    throw new Error("the browser tests need Chromium: install Debian's package (apt-get install chromium) or set CUSTODY_CHROMIUM to a Chromium binary");
  return path;
}

export async function launchChromium(): Promise<Browser> {
  // as root in a container Chromium's sandbox cannot start; the tests load only Custody's own pages
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

let axeSource: string | undefined;

/**
 * WCAG 2.1 A and AA violations of the page as it stands, by axe-core in the browser. The script is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern:
 * the console keeps its strict CSP under test.
 */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string | null; help: string; targets: string[] }>> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: unknown,
            opts: unknown,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
}
