import { createHash } from 'node:crypto';
import { pathSegments } from './console-files';
import type { Principal } from './route';
import { SessionStore, changesState, clearedSessionCookie, csrfMatches, sessionCookie, sessionSetCookie } from './sessions';

const ALICE: Principal = { keyId: 'key-a', tenant: 'acme', role: 'compliance' };
const BOB: Principal = { keyId: 'key-b', tenant: 'globex', role: 'admin' };
const KEY_A = { kind: 'apiKey', keySha256: 'a'.repeat(64) } as const;
const KEY_B = { kind: 'apiKey', keySha256: 'b'.repeat(64) } as const;
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const MINUTE = 60_000;

function store(opts: { idleMinutes?: number; maxHours?: number; maxSessions?: number } = {}) {
  const clock = { now: T0 };
  const sessions = new SessionStore({ idleMinutes: 30, maxHours: 12, sweepSeconds: 0, now: () => clock.now, ...opts });
  return { sessions, clock };
}

describe('SessionStore', () => {
  test('a session: a 32-byte random id, a 32-byte CSRF token, the principal and the key hash; found by its id only', () => {
    const { sessions } = store();
    const { id, session } = sessions.start(ALICE, KEY_A);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(Buffer.from(session.csrfToken, 'base64url')).toHaveLength(32);
    expect(session.csrfToken).not.toBe(id);
    expect(session).toEqual({ principal: ALICE, credential: KEY_A, csrfToken: session.csrfToken, createdAt: T0, lastSeenAt: T0 });
    expect(sessions.find(id)).toBe(session);
    expect(sessions.find(id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    const other = sessions.start(ALICE, KEY_A);
    expect(other.id).not.toBe(id);
    expect(other.session.csrfToken).not.toBe(session.csrfToken);
    expect(sessions.view(session)).toEqual({
      csrfToken: session.csrfToken,
      expiresAt: new Date(T0 + 12 * 60 * MINUTE).toISOString(),
      idleExpiresAt: new Date(T0 + 30 * MINUTE).toISOString(),
    });
  });

  test('the map is keyed by the SHA-256 of the id, never the id itself', () => {
    const { sessions } = store();
    const { id } = sessions.start(ALICE, KEY_A);
    const keys = [...(sessions as unknown as { sessions: Map<string, unknown> }).sessions.keys()];
    expect(keys).toEqual([createHash('sha256').update(id).digest('hex')]);
  });

  test('idle expiry: unused for CUSTODY_SESSION_IDLE_MINUTES it ends (and is removed); each use starts the idle time again', () => {
    const { sessions, clock } = store();
    const { id, session } = sessions.start(ALICE, KEY_A);
    clock.now = T0 + 29 * MINUTE;
    expect(sessions.find(id)).toBe(session);
    sessions.touch(session);
    expect(sessions.view(session).idleExpiresAt).toBe(new Date(T0 + 59 * MINUTE).toISOString());
    clock.now = T0 + 58 * MINUTE;
    expect(sessions.find(id)).toBe(session);
    clock.now = T0 + 59 * MINUTE;
    expect(sessions.find(id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  test('absolute expiry: CUSTODY_SESSION_MAX_HOURS after sign-in it ends however much it is used', () => {
    const { sessions, clock } = store({ maxHours: 2 });
    const { id, session } = sessions.start(ALICE, KEY_A);
    for (let m = 20; m < 120; m += 20) {
      clock.now = T0 + m * MINUTE;
      expect(sessions.find(id)).toBe(session);
      sessions.touch(session);
    }
    // the idle expiry never reaches past the absolute one
    expect(sessions.view(session)).toMatchObject({
      expiresAt: new Date(T0 + 120 * MINUTE).toISOString(),
      idleExpiresAt: new Date(T0 + 120 * MINUTE).toISOString(),
    });
    clock.now = T0 + 120 * MINUTE;
    expect(sessions.find(id)).toBeUndefined();
  });

  test('revocation ends one session, not the others', () => {
    const { sessions } = store();
    const a = sessions.start(ALICE, KEY_A);
    const b = sessions.start(BOB, KEY_B);
    expect(sessions.revoke(a.id)).toBe(true);
    expect(sessions.revoke(a.id)).toBe(false);
    expect(sessions.find(a.id)).toBeUndefined();
    expect(sessions.find(b.id)).toBe(b.session);
  });

  test('the sweep removes expired sessions without being asked for them', () => {
    const { sessions, clock } = store();
    const old = sessions.start(ALICE, KEY_A);
    clock.now = T0 + 20 * MINUTE;
    const young = sessions.start(BOB, KEY_B);
    clock.now = T0 + 31 * MINUTE;
    expect(sessions.sweep()).toBe(1);
    expect(sessions.size).toBe(1);
    expect(sessions.find(old.id)).toBeUndefined();
    expect(sessions.find(young.id)).toBe(young.session);
  });

  test('the cap: at most maxSessions live; expired ones go first, then the oldest are evicted', () => {
    const { sessions, clock } = store({ maxSessions: 3 });
    const ids = [0, 1, 2].map(() => sessions.start(ALICE, KEY_A).id);
    const fourth = sessions.start(BOB, KEY_B);
    expect(sessions.size).toBe(3);
    expect(sessions.find(ids[0])).toBeUndefined();
    expect([ids[1], ids[2], fourth.id].map((id) => sessions.find(id) !== undefined)).toEqual([true, true, true]);
    // 40 minutes on, one is used: at the cap the two idle ones are swept, nothing live is evicted
    clock.now = T0 + 25 * MINUTE;
    sessions.touch(sessions.find(fourth.id)!);
    clock.now = T0 + 40 * MINUTE;
    const fifth = sessions.start(BOB, KEY_B);
    expect(sessions.size).toBe(2);
    expect(sessions.find(fourth.id)).toBe(fourth.session);
    expect(sessions.find(fifth.id)).toBe(fifth.session);
  });

  test('a sweep timer is unref’d and stopped by close(), which forgets every session', () => {
    const sessions = new SessionStore({ idleMinutes: 1, maxHours: 1 });
    const timer = (sessions as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    const { id } = sessions.start(ALICE, KEY_A);
    sessions.close();
    expect(sessions.find(id)).toBeUndefined();
  });

  test('expiry must be positive', () => {
    expect(() => new SessionStore({ idleMinutes: 0, maxHours: 1, sweepSeconds: 0 })).toThrow('session expiry must be positive');
  });
});

describe('the session cookie', () => {
  const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

  test('parsed strictly: the custody_session cookie only, an id as minted, once', () => {
    expect(id).toHaveLength(43);
    expect(sessionCookie(undefined)).toBe('none');
    expect(sessionCookie('')).toBe('none');
    expect(sessionCookie('theme=dark; other=1')).toBe('none');
    expect(sessionCookie(`custody_session=${id}`)).toEqual({ id });
    expect(sessionCookie(`theme=dark;custody_session=${id} ; x=y`)).toEqual({ id });
    expect(sessionCookie(`xcustody_session=${id}`)).toBe('none');
    expect(sessionCookie(`custody_session=${id}; custody_session=${id}`)).toBe('malformed');
    expect(sessionCookie(`custody_session=${id.slice(1)}`)).toBe('malformed');
    expect(sessionCookie(`custody_session=${id}x`)).toBe('malformed');
    expect(sessionCookie(`custody_session="${id}"`)).toBe('malformed');
    expect(sessionCookie(`custody_session=${id.slice(0, 42)}=`)).toBe('malformed');
    expect(sessionCookie('custody_session=')).toBe('malformed');
  });

  test('set: HttpOnly, SameSite=Strict, Path=/, Secure on https; cleared with Max-Age=0', () => {
    expect(sessionSetCookie(id, false)).toBe(`custody_session=${id}; HttpOnly; SameSite=Strict; Path=/`);
    expect(sessionSetCookie(id, true)).toBe(`custody_session=${id}; HttpOnly; SameSite=Strict; Path=/; Secure`);
    expect(clearedSessionCookie(false)).toBe('custody_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    expect(clearedSessionCookie(true)).toBe('custody_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure');
  });
});

describe('CSRF', () => {
  const token = 'x7Yq1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ_-ab';

  test('the token must be presented exactly, once', () => {
    expect(csrfMatches(token, token)).toBe(true);
    expect(csrfMatches(token, `${token.slice(0, -1)}c`)).toBe(false);
    expect(csrfMatches(token, token.slice(0, -1))).toBe(false);
    expect(csrfMatches(token, `${token} `)).toBe(false);
    expect(csrfMatches(token, '')).toBe(false);
    expect(csrfMatches(token, undefined)).toBe(false);
    expect(csrfMatches(token, [token, token])).toBe(false);
  });

  test('state-changing methods need it; reads do not', () => {
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD', 'OPTIONS'].filter(changesState)).toEqual(['POST', 'PUT', 'PATCH', 'DELETE']);
  });
});

describe('console paths', () => {
  test('decoded into segments; anything that could leave the directory or hide something refused', () => {
    expect(pathSegments('/')).toEqual([]);
    expect(pathSegments('/assets/app-1a2b.js')).toEqual(['assets', 'app-1a2b.js']);
    expect(pathSegments('/records/a%20b')).toEqual(['records', 'a b']);
    expect(pathSegments('//assets//x.js')).toEqual(['assets', 'x.js']);
    for (const bad of [
      '/../secret',
      '/assets/../../secret',
      '/%2e%2e/secret',
      '/%2E%2E%2Fsecret',
      '/assets%2fx.js',
      '/assets%5cx.js',
      '/a\\..\\b',
      '/index.html%00.js',
      '/a\0',
      '/.env',
      '/assets/.hidden',
      '/./index.html',
      '/%E0%A4%A',
      'index.html',
    ])
      expect({ bad, segments: pathSegments(bad) }).toEqual({ bad, segments: undefined });
  });
});
