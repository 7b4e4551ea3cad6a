import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OidcFlow, OidcIdentity } from './oidc';
import type { Principal } from './route';

/** The cookie that carries a browser session's id (and nothing else). */
export const SESSION_COOKIE = 'custody_session';

/** The header a cookie-authenticated state-changing request must carry: the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** Live sessions at most by default: past it the oldest is evicted, so memory stays bounded. */
export const DEFAULT_MAX_SESSIONS = 10_000;

export interface SessionStoreOptions {
  /** A session unused this long ends (CUSTODY_SESSION_IDLE_MINUTES). */
  idleMinutes: number;
  /** A session ends this long after it started, however much it is used (CUSTODY_SESSION_MAX_HOURS). */
  maxHours: number;
  /** Live sessions at most; a new one past it evicts the oldest (default 10,000). */
  maxSessions?: number;
  /** How often expired sessions are swept (default 60 s); 0: never (tests sweep by hand). */
  sweepSeconds?: number;
  /** Milliseconds since the epoch (tests pass their own clock). */
  now?: () => number;
}

/**
 * What a session was signed in with. An API key: the SHA-256 of the key (never the key), by which
 * every request looks the principal up again, so a revoked key ends its sessions. OIDC: the issuer
 * and subject the identity provider vouched for; the principal mapped from the claims at sign-in is
 * the session's for its life (the idle and absolute expiry bound it; sign-out ends it).
 */
export type SessionCredential = { kind: 'apiKey'; keySha256: string } | { kind: 'oidc'; issuer: string; subject: string };

/** One browser session: who it is, what it was signed in with, its CSRF token and its times. */
export interface Session {
  principal: Principal;
  credential: SessionCredential;
  /** 32 random bytes, base64url: what a state-changing request must echo in x-csrf-token. */
  csrfToken: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  lastSeenAt: number;
}

/** What a caller (the console) is told of its session. */
export interface SessionView {
  csrfToken: string;
  /** When the session ends however it is used (ISO 8601). */
  expiresAt: string;
  /** When the session ends unless used before (ISO 8601). */
  idleExpiresAt: string;
}

/** What a route sees of browser sessions (RouteRequest.session), on a server that keeps them. */
export interface RequestSession {
  /** The session the request's cookie authenticated; none for a call made with an API key. */
  readonly current?: SessionView;
  /** A new session for the API key the request was authenticated with (a sign-in route's); the Set-Cookie header that carries its id. */
  start(): { view: SessionView; setCookie: string };
  /** Ends the session the request's cookie authenticated; the Set-Cookie header that clears the cookie. */
  end(): { setCookie: string };
  /** OIDC sign-in, on a server configured with it (HttpServerOptions.oidc). */
  readonly oidc?: OidcFlow;
  /**
   * A new session of an identity the provider vouched for (a public route's: nothing else proves it),
   * audited as `session.start` under it before the session can be used; the Set-Cookie header.
   */
  startOidc(identity: OidcIdentity): Promise<{ view: SessionView; setCookie: string }>;
  /** A refused sign-in: audited in the _system trail like a failed authentication, at the same bounded rate. Never a token in `reason`. */
  refused(action: string, reason: string, keyId?: string): Promise<void>;
  /** Counts the request against the per-address API limit; false when the address is over it. */
  admit(): Promise<boolean>;
}

/**
 * Browser sessions, in this process's memory: keyed by the SHA-256 of a random 32-byte id whose
 * only copy is the browser's cookie (a dump of this map signs nobody in). Expired sessions are
 * removed when met and by a periodic sweep; at most `maxSessions` live at once, the oldest evicted.
 * Nothing survives a restart, and each API process has its own.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private readonly timer?: NodeJS.Timeout;

  constructor(opts: SessionStoreOptions) {
    if (!(opts.idleMinutes > 0) || !(opts.maxHours > 0)) throw new Error('session expiry must be positive');
    this.idleMs = opts.idleMinutes * 60_000;
    this.maxMs = opts.maxHours * 3_600_000;
    this.maxSessions = Math.max(1, opts.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.now = opts.now ?? Date.now;
    const sweepSeconds = opts.sweepSeconds ?? 60;
    if (sweepSeconds > 0) {
      this.timer = setInterval(() => this.sweep(), sweepSeconds * 1000);
      // a sweep never keeps the process alive
      this.timer.unref();
    }
  }

  /** Live sessions (expired ones not yet swept included). */
  get size(): number {
    return this.sessions.size;
  }

  /** A new session of a principal signed in with `credential`: its id (for the cookie only) and the session. */
  start(principal: Principal, credential: SessionCredential): { id: string; session: Session } {
    const now = this.now();
    if (this.sessions.size >= this.maxSessions) this.sweep();
    // a Map iterates in insertion order: the first entries are the oldest sessions
    for (const key of this.sessions.keys()) {
      if (this.sessions.size < this.maxSessions) break;
      this.sessions.delete(key);
    }
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      principal: { ...principal },
      credential: { ...credential },
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(sessionKey(id), session);
    return { id, session };
  }

  /** The live session of an id; an expired one is removed and not returned. */
  find(id: string): Session | undefined {
    const key = sessionKey(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (this.expired(session, this.now())) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** The session was used: its idle expiry starts again. */
  touch(session: Session): void {
    session.lastSeenAt = this.now();
  }

  /** Ends a session (sign-out, its key revoked); false when there was none. */
  revoke(id: string): boolean {
    return this.sessions.delete(sessionKey(id));
  }

  /** Removes every expired session; how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, session] of this.sessions) {
      if (!this.expired(session, now)) continue;
      this.sessions.delete(key);
      removed++;
    }
    return removed;
  }

  view(session: Session): SessionView {
    return {
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.createdAt + this.maxMs).toISOString(),
      idleExpiresAt: new Date(Math.min(session.lastSeenAt + this.idleMs, session.createdAt + this.maxMs)).toISOString(),
    };
  }

  /** Stops the sweep and forgets every session. */
  close(): void {
    clearInterval(this.timer);
    this.sessions.clear();
  }

  private expired(s: Session, now: number): boolean {
    return now >= s.lastSeenAt + this.idleMs || now >= s.createdAt + this.maxMs;
  }
}

function sessionKey(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A session id as minted: 32 bytes base64url (43 characters). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session id of a Cookie header, parsed strictly for the one cookie read: `none` when there is
 * no custody_session cookie, `malformed` when it is not an id as minted or appears more than once
 * (a cookie set by another site of the domain must not pick the session). Other cookies are ignored.
 */
export function sessionCookie(header: string | undefined): { id: string } | 'none' | 'malformed' {
  if (!header) return 'none';
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    values.push(part.slice(eq + 1).trim());
  }
  if (values.length === 0) return 'none';
  if (values.length > 1 || !SESSION_ID.test(values[0])) return 'malformed';
  return { id: values[0] };
}

/** The Set-Cookie header of a new session: not readable by scripts, never sent cross-site, Secure on an https deployment. */
export function sessionSetCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie header that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** Whether a presented CSRF token is the session's, in time independent of where they differ. */
export function csrfMatches(expected: string, presented: string | string[] | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  // compared with itself when the lengths differ, so the time does not depend on the presented value
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}

/** Methods that change state: a cookie-authenticated one needs the CSRF header. */
export function changesState(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}
