import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@custody/logger';
import { z } from 'zod';
import { hashToken, type AuditRecord } from './access';
import { SECURITY_HEADERS } from './console-files';
import { createHttpServer, type HttpServer } from './server';
import { json, route, type Principal } from './route';
import { sessionRoutes } from './session-routes';
import { SessionStore } from './sessions';

const TOKEN = 'cust_key-a_0123456789abcdefghijklmnopqrstuv';
const ADMIN_TOKEN = 'cust_key-z_zyxwvutsrqponmlkjihgfedcba9876';
const WRONG = 'cust_wrong_0123456789abcdefghijklmnopqrstu';
const keys = new Map<string, Principal>();
const resetKeys = () => {
  keys.clear();
  keys.set(hashToken(TOKEN), { keyId: 'key-a', tenant: 'acme', role: 'compliance' });
  keys.set(hashToken(ADMIN_TOKEN), { keyId: 'key-z', tenant: 'acme', role: 'admin' });
};
const lines: Array<Record<string, unknown>> = [];
const logger = createLogger('test', { level: 'debug' }, new Writable({ write: (chunk, _e, next) => next(void lines.push(JSON.parse(chunk.toString()))) }));
let audits: AuditRecord[] = [];
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const clock = { now: T0 };
const MINUTE = 60_000;
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';
const APP_JS = 'console.log("custody console");';

let dir: string;
let sessions: SessionStore;
let http: HttpServer;
let base: string;

const READERS = ['compliance', 'admin'] as const;
function testRoutes() {
  return [
    ...sessionRoutes(),
    route({
      method: 'GET',
      url: '/v1/records/:id',
      summary: 'Read records',
      access: { roles: READERS, audit: 'records.get' },
      schema: { params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string() }) } },
      handler: async (req) => ({ ...json(200, { id: req.params.id }), target: req.params.id }),
    }),
    route({
      method: 'POST',
      url: '/v1/things',
      summary: 'Create things',
      access: { roles: READERS, audit: 'things.create' },
      schema: { body: z.object({ name: z.string() }).strict(), response: { 201: z.object({ name: z.string() }) } },
      handler: async (req) => json(201, { name: req.body.name }),
    }),
    route({
      method: 'GET',
      url: '/v1/admin-only',
      summary: 'Do admin things',
      access: { roles: ['admin'], audit: 'admin.thing' },
      schema: { response: { 200: z.object({ ok: z.boolean() }) } },
      handler: async () => json(200, { ok: true }),
    }),
  ];
}

async function server(opts: { publicUrl?: string; console?: { dir: string }; sessions: SessionStore }) {
  const s = await createHttpServer({
    logger,
    maxBodyBytes: 4096,
    publicUrl: opts.publicUrl,
    access: { lookup: async (sha) => keys.get(sha) ?? null, audit: { record: async (e) => void audits.push(e) }, failedAuthPerMinute: 1000 },
    sessions: opts.sessions,
    console: opts.console,
  });
  s.add(testRoutes());
  return { http: s, base: await s.listen('127.0.0.1', 0) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custody-console-'));
  // outside the served directory: must never be reachable
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'other.txt'), 'OTHER SECRET');
  const root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), APP_JS);
  writeFileSync(join(root, 'assets', 'app-1a2b3c.css'), 'body{margin:0}');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(join(dir, 'outside'), join(root, 'out'));
  symlinkSync(join(root, 'favicon.svg'), join(root, 'icon.svg'));
  sessions = new SessionStore({ idleMinutes: 30, maxHours: 12, sweepSeconds: 0, now: () => clock.now });
  ({ http, base } = await server({ sessions, console: { dir: root } }));
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  resetKeys();
  audits = [];
  lines.length = 0;
  clock.now = T0;
});

interface Answer {
  status: number;
  headers: Headers;
  body: any; // JSON of any shape, or text
  text: string;
}

async function call(path: string, init: RequestInit = {}, at = base): Promise<Answer> {
  const res = await fetch(`${at}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A request whose path goes out byte for byte as written (fetch would resolve `..` and `%2e%2e` first). */
function raw(path: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const signIn = (apiKey: string, at = base, contentType = 'application/json') =>
  call('/v1/session', { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ apiKey }) }, at);

/** Signs in; the cookie to send back and the CSRF token. */
async function session(apiKey = TOKEN) {
  const res = await signIn(apiKey);
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  return { cookie, csrf: res.body.csrfToken as string, body: res.body };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('console sessions', () => {
  test('sign-in: 200 with tenant, role, CSRF token and expiries; an HttpOnly, SameSite=Strict cookie; audited session.start under the key', async () => {
    const res = await signIn(TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenant: 'acme',
      role: 'compliance',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: '2026-01-01T21:00:00.000Z',
      idleExpiresAt: '2026-01-01T09:30:00.000Z',
    });
    const setCookie = res.headers.get('set-cookie');
    expect(setCookie).toMatch(/^custody_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(audits).toEqual([
      {
        tenant: 'acme',
        actor: { keyId: 'key-a', role: 'compliance' },
        action: 'session.start',
        outcome: 'ok',
        status: 200,
        source: { address: expect.any(String) },
        details: { expiresAt: '2026-01-01T21:00:00.000Z' },
      },
    ]);
    await settle();
    const id = setCookie!.split(';')[0].split('=')[1];
    const recorded = JSON.stringify([audits, lines]);
    expect(recorded).not.toContain(TOKEN);
    expect(recorded).not.toContain(id);
    expect(recorded).not.toContain(res.body.csrfToken);
  });

  test('with an https CUSTODY_PUBLIC_URL the cookie is Secure, and so is the one that clears it', async () => {
    const secure = await server({ publicUrl: 'https://custody.example.com', sessions: new SessionStore({ idleMinutes: 30, maxHours: 12, sweepSeconds: 0 }) });
    try {
      const res = await signIn(TOKEN, secure.base);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/^custody_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
      const cookie = res.headers.get('set-cookie')!.split(';')[0];
      const out = await call('/v1/session', { method: 'DELETE', headers: { cookie, 'x-csrf-token': res.body.csrfToken } }, secure.base);
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toBe('custody_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure');
      // no console configured: nothing is served at /
      expect(await call('/', {}, secure.base)).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route /' } } });
    } finally {
      await secure.http.close();
    }
  });

  test('the cookie authenticates a GET as the key it was signed in with (audited under that key); GET /v1/session tells the session, its idle expiry moved on', async () => {
    const s = await session();
    audits = [];
    clock.now = T0 + 10 * MINUTE;
    const res = await call('/v1/records/abc', { headers: { cookie: s.cookie } });
    expect(res).toMatchObject({ status: 200, body: { id: 'abc' } });
    expect(audits).toEqual([
      expect.objectContaining({ tenant: 'acme', actor: { keyId: 'key-a', role: 'compliance' }, action: 'records.get', outcome: 'ok', target: 'abc' }),
    ]);
    clock.now = T0 + 20 * MINUTE;
    const now = await call('/v1/session', { headers: { cookie: `theme=dark; ${s.cookie}` } });
    expect(now).toMatchObject({
      status: 200,
      body: { tenant: 'acme', role: 'compliance', csrfToken: s.csrf, expiresAt: '2026-01-01T21:00:00.000Z', idleExpiresAt: '2026-01-01T09:50:00.000Z' },
    });
    expect(audits.at(-1)).toMatchObject({ action: 'session.get', outcome: 'ok', status: 200, actor: { keyId: 'key-a' } });
    // roles are checked as for a key
    expect(await call('/v1/admin-only', { headers: { cookie: s.cookie } })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  test('a POST with the cookie needs the CSRF header: without or wrong 403 csrf_failed (audited as denied under the key); with it, it succeeds', async () => {
    const s = await session();
    audits = [];
    const post = (headers: Record<string, string>) => call('/v1/things', { method: 'POST', body: '{"name":"x"}', headers: { cookie: s.cookie, ...headers } });
    const without = await post({});
    expect(without).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    const wrong = await post({ 'x-csrf-token': `${s.csrf.slice(0, -1)}${s.csrf.endsWith('A') ? 'B' : 'A'}` });
    expect(wrong).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    expect(await post({ 'x-csrf-token': 'short' })).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    // another session's token is no better
    const other = await session();
    audits = [];
    expect(await post({ 'x-csrf-token': other.csrf })).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    expect(audits).toEqual([
      expect.objectContaining({ tenant: 'acme', actor: { keyId: 'key-a', role: 'compliance' }, action: 'things.create', outcome: 'denied', status: 403 }),
    ]);
    expect(await post({ 'x-csrf-token': s.csrf })).toMatchObject({ status: 201, body: { name: 'x' } });
    expect(audits.at(-1)).toMatchObject({ action: 'things.create', outcome: 'ok', status: 201 });
    // a Bearer call is not an ambient credential: no CSRF token, as before
    expect((await call('/v1/things', { method: 'POST', body: '{"name":"y"}', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(201);
    // a Bearer header wins over a cookie: the call is the key's
    expect((await call('/v1/things', { method: 'POST', body: '{"name":"z"}', headers: { authorization: `Bearer ${TOKEN}`, cookie: s.cookie } })).status).toBe(
      201,
    );
  });

  test('sign-out needs the CSRF header, answers 204 clearing the cookie, and ends the session: the same cookie is then 401 session_expired', async () => {
    const s = await session();
    const other = await session();
    audits = [];
    expect(await call('/v1/session', { method: 'DELETE', headers: { cookie: s.cookie } })).toMatchObject({
      status: 403,
      body: { error: { code: 'csrf_failed' } },
    });
    const out = await call('/v1/session', { method: 'DELETE', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect(out.headers.get('set-cookie')).toBe('custody_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    expect(audits.at(-1)).toMatchObject({ tenant: 'acme', actor: { keyId: 'key-a' }, action: 'session.end', outcome: 'ok', status: 204 });
    audits = [];
    const after = await call('/v1/session', { headers: { cookie: s.cookie } });
    expect(after).toMatchObject({ status: 401, body: { error: { code: 'session_expired', message: 'the session has expired or was ended; sign in again' } } });
    expect(await call('/v1/records/abc', { headers: { cookie: s.cookie } })).toMatchObject({ status: 401, body: { error: { code: 'session_expired' } } });
    // a failed authentication like any other: in the _system trail, nothing of the cookie
    expect(audits[0]).toEqual({
      tenant: '_system',
      actor: { keyId: 'unknown', role: 'none' },
      action: 'session.get',
      outcome: 'denied',
      status: 401,
      target: 'GET /v1/session',
      source: { address: expect.any(String) },
      details: { reason: 'the session has expired or was ended; sign in again' },
    });
    // the other session lives on
    expect((await call('/v1/session', { headers: { cookie: other.cookie } })).status).toBe(200);
  });

  test('revoking the API key ends its sessions on their next request', async () => {
    const s = await session();
    const admin = await session(ADMIN_TOKEN);
    const before = sessions.size;
    keys.delete(hashToken(TOKEN));
    expect(await call('/v1/records/abc', { headers: { cookie: s.cookie } })).toMatchObject({
      status: 401,
      body: { error: { code: 'session_expired', message: 'the session has ended: its API key was revoked' } },
    });
    expect(sessions.size).toBe(before - 1);
    // ended for good: the key coming back does not bring the session back
    resetKeys();
    expect((await call('/v1/records/abc', { headers: { cookie: s.cookie } })).status).toBe(401);
    expect(await call('/v1/admin-only', { headers: { cookie: admin.cookie } })).toMatchObject({ status: 200, body: { ok: true } });
  });

  test('idle and absolute expiry end a session: 401 session_expired', async () => {
    const s = await session();
    clock.now = T0 + 29 * MINUTE;
    expect((await call('/v1/records/a', { headers: { cookie: s.cookie } })).status).toBe(200);
    clock.now = T0 + 58 * MINUTE;
    expect((await call('/v1/records/a', { headers: { cookie: s.cookie } })).status).toBe(200);
    clock.now = T0 + 89 * MINUTE;
    expect(await call('/v1/records/a', { headers: { cookie: s.cookie } })).toMatchObject({ status: 401, body: { error: { code: 'session_expired' } } });
    clock.now = T0;
    const busy = await session();
    for (let m = 25; m < 12 * 60; m += 25) {
      clock.now = T0 + m * MINUTE;
      expect((await call('/v1/records/a', { headers: { cookie: busy.cookie } })).status).toBe(200);
    }
    clock.now = T0 + 12 * 60 * MINUTE;
    expect(await call('/v1/records/a', { headers: { cookie: busy.cookie } })).toMatchObject({ status: 401, body: { error: { code: 'session_expired' } } });
  });

  test('a wrong key is 401, audited in the _system trail like a failed Bearer authentication, the key nowhere; no cookie is set', async () => {
    const res = await signIn(WRONG);
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated', message: 'unknown API key' } } });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(audits).toEqual([
      {
        tenant: '_system',
        actor: { keyId: 'unknown', role: 'none' },
        action: 'session.start',
        outcome: 'denied',
        status: 401,
        target: 'POST /v1/session',
        source: { address: expect.any(String) },
        details: { reason: 'unknown API key' },
      },
    ]);
    expect(await signIn('short')).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated', message: 'missing or malformed apiKey' } } });
    expect(await call('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).toMatchObject({ status: 401 });
    // the same key as a Bearer token fails the same way
    expect((await call('/v1/records/a', { headers: { authorization: `Bearer ${WRONG}` } })).status).toBe(401);
    expect(audits.map((a) => [a.tenant, a.action, a.status, a.details])).toEqual([
      ['_system', 'session.start', 401, { reason: 'unknown API key' }],
      ['_system', 'session.start', 401, { reason: 'missing or malformed apiKey' }],
      ['_system', 'session.start', 401, { reason: 'missing or malformed apiKey' }],
      ['_system', 'records.get', 401, { reason: 'unknown API key' }],
    ]);
    // a form from another site cannot sign a browser in (JSON only): refused before the key is looked at
    audits = [];
    expect(await signIn(TOKEN, base, 'text/plain')).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    expect(audits).toEqual([]);
    // a valid key with more than it should carry is a 400 audited under the key, the key still nowhere
    const extra = await call('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: TOKEN, remember: true }),
    });
    expect(extra).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(extra.headers.get('set-cookie')).toBeNull();
    expect(audits).toEqual([expect.objectContaining({ tenant: 'acme', action: 'session.start', outcome: 'failed', status: 400 })]);
    await settle();
    const recorded = JSON.stringify([audits, lines, extra.body]);
    expect(recorded).not.toContain(WRONG);
    expect(recorded).not.toContain(TOKEN);
  });

  test('no cookie: 401 unauthenticated (not session_expired); a malformed one is unauthenticated too', async () => {
    expect(await call('/v1/session')).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await call('/v1/session', { headers: { cookie: 'custody_session=forged' } })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'malformed custody_session cookie' } },
    });
    // well-formed but unknown: indistinguishable from an ended session
    const forged = `custody_session=${'A'.repeat(43)}`;
    expect(await call('/v1/session', { headers: { cookie: forged } })).toMatchObject({ status: 401, body: { error: { code: 'session_expired' } } });
    // a key caller has no session to read or end
    expect(await call('/v1/session', { headers: { authorization: `Bearer ${TOKEN}` } })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'no session cookie: sign in with POST /v1/session' } },
    });
  });
});

describe('the console’s files', () => {
  const expectSecurityHeaders = (headers: Headers | IncomingHttpHeaders) => {
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect({ name, value: get(name) }).toEqual({ name, value });
  };

  test('the CSP and the other security headers are exactly as specified', () => {
    expect(SECURITY_HEADERS).toEqual({
      'content-security-policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });

  test('index.html at / (no-cache), hashed assets cached for good, each with its type and the security headers; no authentication', async () => {
    const index = await call('/');
    expect(index).toMatchObject({ status: 200, text: INDEX });
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(index.headers);
    expect((await call('/index.html')).text).toBe(INDEX);
    const js = await call('/assets/app-1a2b3c.js');
    expect(js).toMatchObject({ status: 200, text: APP_JS });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-length')).toBe(String(APP_JS.length));
    expectSecurityHeaders(js.headers);
    const css = await call('/assets/app-1a2b3c.css?v=1');
    expect(css).toMatchObject({ status: 200, text: 'body{margin:0}' });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await call('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    // a symlink that stays inside is followed
    expect((await call('/icon.svg')).status).toBe(200);
    const head = await raw('/assets/app-1a2b3c.js', 'HEAD');
    expect(head).toMatchObject({ status: 200, text: '' });
    expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(audits).toEqual([]);
  });

  test('a client-side route (no extension) is index.html; a missing file with an extension is 404, never HTML', async () => {
    for (const path of ['/records/abc', '/audit', '/assets/', '/settings/keys?tab=2']) {
      const res = await call(path);
      expect({ path, status: res.status, text: res.text, cache: res.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        text: INDEX,
        cache: 'no-cache',
      });
    }
    const missing = await call('/assets/app-000000.js');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no file /assets/app-000000.js' } } });
    expectSecurityHeaders(missing.headers);
    expect((await call('/records/abc', { method: 'POST' })).status).toBe(404);
  });

  test('the API’s own paths are never the console: /v1/unknown is the API’s 404, a wrong method its 405', async () => {
    const unknown = await call('/v1/unknown');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route /v1/unknown' } } });
    expectSecurityHeaders(unknown.headers);
    for (const path of ['/v1', '/webhooks/abc', '/healthz', '/readyz', '/metrics', '/v1/records/a/b'])
      expect({ path, ...(await call(path)).body }).toEqual({ path, error: { code: 'not_found', message: `no route ${path}` } });
    expect(await call('/v1/things')).toMatchObject({
      status: 405,
      body: { error: { code: 'method_not_allowed', message: 'GET is not allowed on /v1/things' } },
    });
    // an API answer carries the security headers too
    expectSecurityHeaders((await call('/v1/session')).headers);
    // /v1something is not under /v1: a client-side route
    expect((await call('/v1something')).text).toBe(INDEX);
  });

  test('traversal, encoded slashes, NUL, dot-files and symlinks out of the directory: 404', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/assets%2fapp-1a2b3c.js',
      '/index.html%00',
      '/%00',
      '/.env',
      '/leak.txt',
      '/out/other.txt',
      '/../outside',
    ]) {
      const res = await raw(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toMatch(/SECRET|<html/);
    }
    // a link to a directory outside is no file here: the path is a client-side route like any other
    expect((await raw('/out')).text).toBe(INDEX);
  });
});
