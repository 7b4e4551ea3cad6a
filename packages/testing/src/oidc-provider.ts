import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Claims of a test account at the provider, besides `sub` (its login). */
export type OidcAccounts = Record<string, Record<string, unknown>>;

export interface TestOidcProvider {
  issuer: string;
  /** What the provider process printed (its warnings, server errors). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, in a child process
 * (oidc-provider-server.mjs: the package is an ES module Jest cannot load), with one confidential
 * client for `redirectUri` and the given accounts. `conformIdTokenClaims: false` puts the scope's
 * claims in the ID token; by default only userinfo has them.
 */
export async function startOidcProvider(opts: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: OidcAccounts;
  conformIdTokenClaims?: boolean;
}): Promise<TestOidcProvider> {
  const child = spawn(process.execPath, [join(__dirname, 'oidc-provider-server.mjs'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) {
      return {
        issuer: m[1],
        output: () => out,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`the OIDC provider exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the OIDC provider did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A browser's cookies for one origin: name → value (paths are not modelled; a cookie set to expire is removed). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** Keeps what a response's Set-Cookie headers set. */
  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * What a person does at the provider, done with fetch: follows the authorization URL's redirects,
 * signs in as `login` on the login form, accepts the consent form (or declines with `abort`), until
 * the provider redirects back off its own origin: that URL (the client's callback with code and
 * state, or an error) is returned, not followed.
 */
export async function authorizeAtProvider(authorizationUrl: string, login: string, opts: { jar?: CookieJar; abort?: boolean } = {}): Promise<string> {
  const jar = opts.jar ?? new CookieJar();
  const origin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form && { body: form.toString() }),
    });
    jar.store(res.headers.getSetCookie());
    form = undefined;
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', url).href;
      if (new URL(next).origin !== origin) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the provider answered ${res.status} at ${url}: ${html.slice(0, 500)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no interaction form at ${url}: ${html.slice(0, 500)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    if (opts.abort) {
      url = `${url}/abort`;
      continue;
    }
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt });
  }
  throw new Error(`no redirect back from the provider after 20 steps (last ${url})`);
}
