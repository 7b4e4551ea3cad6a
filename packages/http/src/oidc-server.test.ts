import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '@custody/config';
import { ConfigError } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { freePort } from '@custody/testing/net';
import { CookieJar, authorizeAtProvider, startOidcProvider, type TestOidcProvider } from '@custody/testing/oidc-provider';
import { z } from 'zod';
import type { AuditRecord } from './access';
import { OIDC_CALLBACK_PATH, OidcSignIn, oidcSettings } from './oidc';
import { json, route } from './route';
import { createHttpServer, type HttpServer } from './server';
import { sessionRoutes } from './session-routes';
import { SessionStore } from './sessions';

/**
 * OIDC sign-in end to end against a real provider (oidc-provider, in a child process on 127.0.0.1):
 * the authorization request, the provider's login and consent forms, the callback, the session it
 * makes, and what is audited and logged.
 */

const SECRET = 'oidc-client-secret-0123456789-never-logged';
const CLIENT_ID = 'custody-console';
const ACCOUNTS = {
  alice: { custody_tenant: 'acme', custody_role: 'compliance', name: 'Alice Example', email: 'alice@example.com' },
  norole: { custody_tenant: 'acme', name: 'No Role' },
  tworoles: { custody_tenant: 'acme', custody_role: ['legal', 'admin', 'staff'] },
  grouped: { custody_tenant: 'globex', custody_role: ['staff', 'auditor'] },
  notenant: { custody_role: 'auditor' },
  badtenant: { custody_tenant: 'ACME Corp', custody_role: 'auditor' },
};

const lines: string[] = [];
const logger = createLogger('test', { level: 'trace' }, new Writable({ write: (chunk, _e, next) => next(void lines.push(chunk.toString())) }));
let audits: AuditRecord[] = [];
const clock = { now: Date.now() };
const MINUTE = 60_000;

let provider: TestOidcProvider;
let http: HttpServer;
let base: string;
let oidc: OidcSignIn;
let sessions: SessionStore;
let host: string;

function env(issuer: string, publicUrl: string, more: Record<string, string> = {}) {
  return { CUSTODY_OIDC_ISSUER: issuer, CUSTODY_OIDC_CLIENT_ID: CLIENT_ID, CUSTODY_OIDC_CLIENT_SECRET: SECRET, CUSTODY_PUBLIC_URL: publicUrl, ...more };
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ clientId: CLIENT_ID, clientSecret: SECRET, redirectUri: `${base}${OIDC_CALLBACK_PATH}`, accounts: ACCOUNTS });
  host = new URL(provider.issuer).host;
  const config = loadConfig(env(provider.issuer, base));
  // a configuration logged whole: its secret is redacted
  logger.info({ event: 'configuration', config });
  oidc = await OidcSignIn.open(oidcSettings(config)!, { logger, now: () => clock.now });
  sessions = new SessionStore({ idleMinutes: 30, maxHours: 12, sweepSeconds: 0, now: () => clock.now });
  http = await createHttpServer({
    logger,
    maxBodyBytes: 4096,
    publicUrl: base,
    access: { lookup: async () => null, audit: { record: async (e) => void audits.push(e) }, failedAuthPerMinute: 1000 },
    sessions,
    oidc,
  });
  http.add([
    ...sessionRoutes(),
    route({
      method: 'POST',
      url: '/v1/things',
      summary: 'Create things',
      access: { roles: ['compliance', 'admin'], audit: 'things.create' },
      schema: { body: z.object({ name: z.string() }).strict(), response: { 201: z.object({ name: z.string() }) } },
      handler: async (req) => ({ ...json(201, { name: req.body.name }), target: req.body.name }),
    }),
  ]);
  expect(await http.listen('127.0.0.1', port)).toBe(base);
});
afterAll(async () => {
  await http?.close();
  await provider?.stop();
});
beforeEach(() => {
  audits = [];
  clock.now = Date.now();
});

/** What a browser does: Custody's start, the provider's forms, Custody's callback (redirects followed by hand). */
async function browserSignIn(login: string, opts: { returnTo?: string; jar?: CookieJar; abort?: boolean; beforeCallback?: () => void } = {}) {
  const jar = opts.jar ?? new CookieJar();
  const query = opts.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(opts.returnTo)}`;
  const start = await fetch(`${base}/v1/session/oidc/start${query}`, { redirect: 'manual', headers: { cookie: jar.header() } });
  expect(start.status).toBe(302);
  jar.store(start.headers.getSetCookie());
  const authorization = start.headers.get('location')!;
  const callback = await authorizeAtProvider(authorization, login, { abort: opts.abort });
  expect(callback.startsWith(`${base}${OIDC_CALLBACK_PATH}?`)).toBe(true);
  opts.beforeCallback?.();
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header() } });
  expect(back.status).toBe(302);
  const setCookie = back.headers.getSetCookie();
  jar.store(setCookie);
  return { start, authorization, callback, back, location: back.headers.get('location'), setCookie, jar };
}

function sessionCookieOf(jar: CookieJar): string {
  return `custody_session=${jar.cookies.get('custody_session')}`;
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('OIDC sign-in', () => {
  test('the providers say OIDC is on, and what to call it', async () => {
    const res = await fetch(`${base}/v1/session/providers`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiKey: true, oidc: { name: '127.0.0.1' } });
  });

  test("start: 302 to the provider's authorization endpoint with PKCE S256, state and nonce; a Lax binding cookie for the OIDC routes only", async () => {
    const res = await fetch(`${base}/v1/session/oidc/start?returnTo=%2Fsearch`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${base}${OIDC_CALLBACK_PATH}`,
      scope: 'openid profile email',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.headers.get('set-cookie')).toMatch(/^custody_oidc=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/v1\/session\/oidc; Max-Age=600$/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // nothing is audited before anyone is identified
    expect(audits).toEqual([]);
  });

  test('a successful sign-in makes a session of the claimed tenant and role, audited under the OIDC subject; changes need the CSRF token; sign-out revokes', async () => {
    const { location, setCookie, jar, callback } = await browserSignIn('alice', { returnTo: '/search?text=fraud' });
    expect(location).toBe('/search?text=fraud');
    expect(setCookie).toEqual([expect.stringMatching(/^custody_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/)]);
    const cookie = sessionCookieOf(jar);
    const keyId = `oidc:${host}:alice`;

    const got = await fetch(`${base}/v1/session`, { headers: { cookie } });
    expect(got.status).toBe(200);
    const body = (await got.json()) as Record<string, string>;
    expect(body).toEqual({
      tenant: 'acme',
      role: 'compliance',
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
      idleExpiresAt: expect.any(String),
    });

    const noToken = await fetch(`${base}/v1/things`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"name":"a"}' });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const made = await fetch(`${base}/v1/things`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': body.csrfToken },
      body: '{"name":"b"}',
    });
    expect(made.status).toBe(201);

    const out = await fetch(`${base}/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(204);
    const after = await fetch(`${base}/v1/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('session_expired');

    await settle();
    expect(audits.map((a) => [a.tenant, a.actor.keyId, a.actor.role, a.action, a.outcome, a.status])).toEqual([
      ['acme', keyId, 'compliance', 'session.start', 'ok', 302],
      ['acme', keyId, 'compliance', 'session.get', 'ok', 200],
      ['acme', keyId, 'compliance', 'things.create', 'denied', 403],
      ['acme', keyId, 'compliance', 'things.create', 'ok', 201],
      ['acme', keyId, 'compliance', 'session.end', 'ok', 204],
      // the ended session's cookie is a failed authentication like any other
      ['_system', 'unknown', 'none', 'session.get', 'denied', 401],
    ]);
    expect(audits[0].details).toEqual({
      signIn: 'oidc',
      issuer: provider.issuer,
      expiresAt: body.expiresAt,
      name: 'Alice Example',
      email: 'alice@example.com',
    });
    // the code, the session id and the CSRF token are in no audit record and no log line
    const recorded = JSON.stringify([audits, lines]);
    expect(recorded).not.toContain(new URL(callback).searchParams.get('code')!);
    expect(recorded).not.toContain(jar.cookies.get('custody_session')!);
    expect(recorded).not.toContain(body.csrfToken);
    expect(recorded).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT (ID or access token)
  });

  test('an OIDC session ends when idle, and at its absolute expiry however used', async () => {
    const { jar } = await browserSignIn('alice');
    const cookie = sessionCookieOf(jar);
    clock.now += 29 * MINUTE;
    expect((await fetch(`${base}/v1/session`, { headers: { cookie } })).status).toBe(200);
    clock.now += 31 * MINUTE;
    const idle = await fetch(`${base}/v1/session`, { headers: { cookie } });
    expect(idle.status).toBe(401);

    clock.now = Date.now();
    const second = sessionCookieOf((await browserSignIn('alice')).jar);
    // used every 20 minutes: never idle, yet over 12 hours after sign-in it ends
    for (let step = 0; step < 35; step++) {
      clock.now += 20 * MINUTE;
      expect((await fetch(`${base}/v1/session`, { headers: { cookie: second } })).status).toBe(200);
    }
    clock.now += 21 * MINUTE;
    expect((await fetch(`${base}/v1/session`, { headers: { cookie: second } })).status).toBe(401);
  });

  test('a person without a role claim is sent to /sign-in?error=oidc_no_role, audited in the _system trail under the subject; no session', async () => {
    const { location, setCookie } = await browserSignIn('norole');
    expect(location).toBe('/sign-in?error=oidc_no_role');
    expect(setCookie).toEqual([]);
    await settle();
    expect(audits).toEqual([
      {
        tenant: '_system',
        actor: { keyId: `oidc:${host}:norole`, role: 'none' },
        action: 'session.start',
        outcome: 'denied',
        status: 401,
        target: `GET ${OIDC_CALLBACK_PATH}`,
        source: { address: expect.any(String) },
        details: { reason: 'oidc sign-in refused: oidc_no_role: no custody_role claim' },
      },
    ]);
  });

  test('several Custody roles are refused rather than one picked; other values of the claim are ignored', async () => {
    expect((await browserSignIn('tworoles')).location).toBe('/sign-in?error=oidc_ambiguous_role');
    expect(audits.at(-1)?.details).toEqual({
      reason: 'oidc sign-in refused: oidc_ambiguous_role: the custody_role claim names several Custody roles (legal, admin): it must name one',
    });
    const grouped = await browserSignIn('grouped');
    expect(grouped.location).toBe('/');
    const got = await fetch(`${base}/v1/session`, { headers: { cookie: sessionCookieOf(grouped.jar) } });
    expect(await got.json()).toMatchObject({ tenant: 'globex', role: 'auditor' });
  });

  test('a missing tenant claim, or one that is not a tenant id, is oidc_no_tenant', async () => {
    expect((await browserSignIn('notenant')).location).toBe('/sign-in?error=oidc_no_tenant');
    expect((await browserSignIn('badtenant')).location).toBe('/sign-in?error=oidc_no_tenant');
    expect(audits.map((a) => [a.tenant, a.outcome])).toEqual([
      ['_system', 'denied'],
      ['_system', 'denied'],
    ]);
  });

  test('a replayed callback, an unknown state and a missing one are refused (oidc_state) and audited', async () => {
    const { callback, jar, location } = await browserSignIn('alice');
    expect(location).toBe('/');
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/sign-in?error=oidc_state');
    expect(replay.headers.get('set-cookie')).toBeNull();
    const unknown = await fetch(`${base}${OIDC_CALLBACK_PATH}?code=abc&state=${'x'.repeat(43)}`, { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(unknown.headers.get('location')).toBe('/sign-in?error=oidc_state');
    const none = await fetch(`${base}${OIDC_CALLBACK_PATH}?code=abc`, { redirect: 'manual' });
    expect(none.headers.get('location')).toBe('/sign-in?error=oidc_state');
    await settle();
    expect(audits.slice(1).map((a) => [a.tenant, a.actor.keyId, a.action, a.details?.reason])).toEqual([
      ['_system', 'unknown', 'session.start', 'oidc sign-in refused: oidc_state: unknown, expired or already used state'],
      ['_system', 'unknown', 'session.start', 'oidc sign-in refused: oidc_state: unknown, expired or already used state'],
      ['_system', 'unknown', 'session.start', 'oidc sign-in refused: oidc_state: unknown, expired or already used state'],
    ]);
  });

  test('a callback in a browser that did not start the sign-in is refused (login CSRF), and the state is spent', async () => {
    let callback = '';
    const start = await fetch(`${base}/v1/session/oidc/start`, { redirect: 'manual' });
    callback = await authorizeAtProvider(start.headers.get('location')!, 'alice');
    // the attacker's callback URL, opened in the victim's browser (no binding cookie, or another one)
    const victim = new CookieJar();
    victim.cookies.set('custody_oidc', 'A'.repeat(43));
    const res = await fetch(callback, { redirect: 'manual', headers: { cookie: victim.header() } });
    expect(res.headers.get('location')).toBe('/sign-in?error=oidc_state');
    expect(res.headers.get('set-cookie')).toBeNull();
    const attacker = new CookieJar();
    attacker.store(start.headers.getSetCookie());
    const again = await fetch(callback, { redirect: 'manual', headers: { cookie: attacker.header() } });
    expect(again.headers.get('location')).toBe('/sign-in?error=oidc_state');
  });

  test('a sign-in not finished within 10 minutes is forgotten', async () => {
    const { location } = await browserSignIn('alice', { beforeCallback: () => (clock.now += 10 * MINUTE + 1) });
    expect(location).toBe('/sign-in?error=oidc_state');
  });

  test('declining at the provider is oidc_denied', async () => {
    const { location } = await browserSignIn('alice', { abort: true });
    expect(location).toBe('/sign-in?error=oidc_denied');
    expect(audits.at(-1)?.details).toEqual({ reason: 'oidc sign-in refused: oidc_denied: the identity provider answered access_denied' });
  });

  test.each([
    ['//evil.example', '/'],
    ['https://evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['/%2f%2fevil.example', '/%2f%2fevil.example'],
    ['search', '/'],
    ['/records/r-1?x=1', '/records/r-1?x=1'],
  ])('returnTo=%s goes to %s: never off this origin', async (returnTo, expected) => {
    const { location } = await browserSignIn('alice', { returnTo });
    expect(location).toBe(expected);
  });

  test('a browser can run two sign-ins at once (two tabs): one binding cookie serves both', async () => {
    const jar = new CookieJar();
    const first = await fetch(`${base}/v1/session/oidc/start?returnTo=/a`, { redirect: 'manual' });
    jar.store(first.headers.getSetCookie());
    const second = await fetch(`${base}/v1/session/oidc/start?returnTo=/b`, { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(second.headers.get('set-cookie')!.split(';')[0]).toBe(first.headers.get('set-cookie')!.split(';')[0]);
    for (const [res, to] of [
      [second, '/b'],
      [first, '/a'],
    ] as const) {
      const callback = await authorizeAtProvider(res.headers.get('location')!, 'alice');
      const back = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header() } });
      expect(back.headers.get('location')).toBe(to);
    }
  });

  test('the client secret is in no log line (the logged configuration shows it redacted), no audit record and no answer', async () => {
    await browserSignIn('alice');
    await settle();
    const logged = lines.join('');
    expect(logged).toContain('"event":"configuration"');
    expect(logged).toContain('"CUSTODY_OIDC_CLIENT_SECRET":"[redacted]"');
    expect(logged).not.toContain(SECRET);
    expect(JSON.stringify(audits)).not.toContain(SECRET);
    const doc = await fetch(`${base}/openapi.json`);
    expect(await doc.text()).not.toContain(SECRET);
  });
});

describe('OIDC discovery', () => {
  let fake: Server;
  let issuer: string;
  let document: Record<string, unknown>;
  beforeAll(async () => {
    fake = createServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));
  const settings = () => oidcSettings(loadConfig(env(issuer, 'http://127.0.0.1:8080')))!;

  test("an endpoint off the issuer's origin stops start-up with a ConfigError naming it", async () => {
    document = {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: 'http://127.0.0.2:9/token',
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
    };
    const err = await OidcSignIn.open(settings(), { logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      "CUSTODY_OIDC_ISSUER: the provider's token_endpoint is on http://127.0.0.2:9, not on the issuer's origin " +
        `${issuer}: Custody sends requests only to the issuer's host`,
    );
    document = { ...document, token_endpoint: `${issuer}/token`, jwks_uri: 'https://keys.example.com/jwks' };
    await expect(OidcSignIn.open(settings(), { logger })).rejects.toThrow(/jwks_uri is on https:\/\/keys\.example\.com/);
  });

  test('a provider that cannot be reached does not stop start-up: sign-in with it is oidc_unavailable until it answers', async () => {
    const port = await freePort();
    const down = await OidcSignIn.open(oidcSettings(loadConfig(env(`http://127.0.0.1:${port}`, 'http://127.0.0.1:8080')))!, { logger });
    await expect(down.begin('/', undefined)).rejects.toMatchObject({ code: 'oidc_unavailable' });
    expect(lines.some((l) => l.includes('"event":"oidc_discovery_failed"'))).toBe(true);
  });
});

describe('OIDC sign-in with the claims in the ID token', () => {
  let idTokenProvider: TestOidcProvider;
  let server: HttpServer;
  let at: string;
  beforeAll(async () => {
    const port = await freePort();
    at = `http://127.0.0.1:${port}`;
    idTokenProvider = await startOidcProvider({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      redirectUri: `${at}${OIDC_CALLBACK_PATH}`,
      accounts: ACCOUNTS,
      conformIdTokenClaims: false,
    });
    const config = loadConfig(env(idTokenProvider.issuer, at, { CUSTODY_OIDC_FIXED_TENANT: 'solo', CUSTODY_OIDC_NAME: 'Example SSO' }));
    server = await createHttpServer({
      logger,
      maxBodyBytes: 4096,
      publicUrl: at,
      access: { lookup: async () => null, audit: { record: async (e) => void audits.push(e) }, failedAuthPerMinute: 1000 },
      sessions: new SessionStore({ idleMinutes: 30, maxHours: 12, sweepSeconds: 0 }),
      oidc: await OidcSignIn.open(oidcSettings(config)!, { logger }),
    });
    server.add(sessionRoutes());
    await server.listen('127.0.0.1', port);
  });
  afterAll(async () => {
    await server?.close();
    await idTokenProvider?.stop();
  });

  test('a fixed tenant: everyone is in it, whatever the tenant claim says (or lacks)', async () => {
    expect(await (await fetch(`${at}/v1/session/providers`)).json()).toEqual({ apiKey: true, oidc: { name: 'Example SSO' } });
    for (const login of ['alice', 'notenant', 'badtenant']) {
      const jar = new CookieJar();
      const start = await fetch(`${at}/v1/session/oidc/start`, { redirect: 'manual' });
      jar.store(start.headers.getSetCookie());
      const back = await fetch(await authorizeAtProvider(start.headers.get('location')!, login), { redirect: 'manual', headers: { cookie: jar.header() } });
      expect(back.headers.get('location')).toBe('/');
      jar.store(back.headers.getSetCookie());
      const got = await fetch(`${at}/v1/session`, { headers: { cookie: `custody_session=${jar.cookies.get('custody_session')}` } });
      expect(await got.json()).toMatchObject({ tenant: 'solo', role: login === 'alice' ? 'compliance' : 'auditor' });
    }
  });
});
