import { createHash, randomBytes } from 'node:crypto';
import { ROLES, type Config, type Role } from '@custody/config';
import { TENANT_ID } from '@custody/envelope';
import { ConfigError, errorMessage } from '@custody/errors';
import { declareSecretFields, type Logger } from '@custody/logger';
import type * as OpenIdClient from 'openid-client';
import type { Principal } from './route';

// the client secret is a secret wherever it is logged: as the setting, and as this module names it
declareSecretFields(['CUSTODY_OIDC_CLIENT_SECRET', 'clientSecret']);

/** Where the identity provider sends the browser back: CUSTODY_PUBLIC_URL + this. */
export const OIDC_CALLBACK_PATH = '/v1/session/oidc/callback';

/** The cookie that ties a pending sign-in to the browser that started it (and nothing else). */
export const OIDC_BINDING_COOKIE = 'custody_oidc';

/** A sign-in started and not finished is forgotten after this long. */
export const OIDC_PENDING_MS = 10 * 60_000;

/** Pending sign-ins at most: past it the oldest is forgotten, so memory stays bounded. */
export const DEFAULT_MAX_PENDING = 10_000;

/** Why a sign-in with the identity provider was refused: the code the console shows as a message, and the reason audited. */
export type OidcErrorCode =
  'oidc_state' | 'oidc_denied' | 'oidc_failed' | 'oidc_unavailable' | 'oidc_no_role' | 'oidc_ambiguous_role' | 'oidc_no_tenant' | 'oidc_not_configured';

/** A refused sign-in: `code` goes to the console (/sign-in?error=code), `reason` to the audit record; neither ever holds a token. */
export class OidcRefusal extends Error {
  override readonly name = 'OidcRefusal';
  constructor(
    readonly code: OidcErrorCode,
    readonly reason: string,
    /** The identity the provider vouched for, when the refusal came after it (no role, no tenant). */
    readonly keyId?: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

/** What OIDC sign-in is configured with (CUSTODY_OIDC_*). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** None: a public client, proven by PKCE alone. */
  clientSecret?: string;
  scopes: string;
  tenantClaim: string;
  roleClaim: string;
  employeeClaim: string;
  /** Every user is in this tenant; the tenant claim is not read. */
  fixedTenant?: string;
  /** CUSTODY_PUBLIC_URL + OIDC_CALLBACK_PATH. */
  redirectUri: string;
  /** What the console calls the provider. */
  name: string;
}

/** The OIDC settings of a configuration, or none when OIDC sign-in is off (no CUSTODY_OIDC_ISSUER). */
export function oidcSettings(config: Config): OidcSettings | undefined {
  if (!config.CUSTODY_OIDC_ISSUER) return undefined;
  // the schema requires these with the issuer; checked again so a hand-built config cannot slip by
  if (!config.CUSTODY_OIDC_CLIENT_ID) throw new ConfigError('CUSTODY_OIDC_CLIENT_ID: required with CUSTODY_OIDC_ISSUER');
  if (!config.CUSTODY_PUBLIC_URL) throw new ConfigError('CUSTODY_PUBLIC_URL: required with CUSTODY_OIDC_ISSUER (the redirect URI is built on it)');
  return {
    issuer: config.CUSTODY_OIDC_ISSUER,
    clientId: config.CUSTODY_OIDC_CLIENT_ID,
    clientSecret: config.CUSTODY_OIDC_CLIENT_SECRET,
    scopes: config.CUSTODY_OIDC_SCOPES,
    tenantClaim: config.CUSTODY_OIDC_TENANT_CLAIM,
    roleClaim: config.CUSTODY_OIDC_ROLE_CLAIM,
    employeeClaim: config.CUSTODY_OIDC_EMPLOYEE_CLAIM,
    fixedTenant: config.CUSTODY_OIDC_FIXED_TENANT,
    redirectUri: `${config.CUSTODY_PUBLIC_URL.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`,
    name: config.CUSTODY_OIDC_NAME ?? new URL(config.CUSTODY_OIDC_ISSUER).hostname,
  };
}

/**
 * Where the browser goes after sign-in: a path of this origin (`/…`, never `//…` or `/\…`, which a
 * browser reads as another host), else `/`. Never an open redirect.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  // what the browser would make of it, resolved against a placeholder origin: it must stay there
  const resolved = new URL(value, 'http://custody.invalid');
  if (resolved.origin !== 'http://custody.invalid') return '/';
  return `${resolved.pathname}${resolved.search}`;
}

/** The actor id an OIDC identity is audited as: `oidc:<issuer host>:<sub>`, or the sub's SHA-256 when it would not fit (128 characters) or print. */
export function oidcKeyId(issuer: string, subject: string): string {
  const host = new URL(issuer).host;
  const plain = `oidc:${host}:${subject}`;
  if (plain.length <= 128 && /^[\x21-\x7e]+$/.test(subject)) return plain;
  return `oidc:${host}:sha256-${createHash('sha256').update(subject).digest('hex').slice(0, 40)}`;
}

/** The principal of an identity's claims: the tenant and role they name. Refuses (never guesses) when they do not name exactly one. */
export function principalOfClaims(
  settings: Pick<OidcSettings, 'issuer' | 'tenantClaim' | 'roleClaim' | 'fixedTenant'> & Partial<Pick<OidcSettings, 'employeeClaim'>>,
  claims: Record<string, unknown>,
): Principal {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new OidcRefusal('oidc_failed', 'the identity has no subject');
  const keyId = oidcKeyId(settings.issuer, sub);
  let tenant = settings.fixedTenant;
  if (tenant === undefined) {
    const claimed = claims[settings.tenantClaim];
    if (claimed === undefined) throw new OidcRefusal('oidc_no_tenant', `no ${settings.tenantClaim} claim`, keyId);
    if (typeof claimed !== 'string' || !TENANT_ID.test(claimed))
      throw new OidcRefusal('oidc_no_tenant', `the ${settings.tenantClaim} claim is not a tenant id (1–63 lowercase letters, digits and dashes)`, keyId);
    tenant = claimed;
  }
  const claimed = claims[settings.roleClaim];
  const values = typeof claimed === 'string' ? [claimed] : Array.isArray(claimed) ? claimed.filter((v): v is string => typeof v === 'string') : [];
  // a claim listing groups names roles of other systems too: only Custody's count
  const roles = [...new Set(values.filter((v): v is Role => (ROLES as readonly string[]).includes(v)))];
  if (roles.length === 0)
    throw new OidcRefusal(
      'oidc_no_role',
      claimed === undefined ? `no ${settings.roleClaim} claim` : `the ${settings.roleClaim} claim names no Custody role`,
      keyId,
    );
  if (roles.length > 1)
    throw new OidcRefusal('oidc_ambiguous_role', `the ${settings.roleClaim} claim names several Custody roles (${roles.join(', ')}): it must name one`, keyId);
  // an employee claim that is not an employee id is left out: the session then cannot review, which is safe
  const employee = settings.employeeClaim === undefined ? undefined : claims[settings.employeeClaim];
  const employeeId = typeof employee === 'string' && EMPLOYEE_ID.test(employee) ? employee : undefined;
  return { keyId, tenant, role: roles[0], ...(employeeId && { employeeId }) };
}

const EMPLOYEE_ID = /^[\w.@-]{1,256}$/;

/** A sign-in sent to the identity provider and not back yet: what finishing it checks. */
interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** SHA-256 of the browser's binding cookie. */
  bindingSha256: string;
  createdAt: number;
}

/**
 * Pending sign-ins, in this process's memory, keyed by their `state`: at most `max`, the oldest
 * forgotten past it, each for 10 minutes, and each taken once (a replayed callback finds nothing).
 */
export class PendingLogins {
  private readonly pending = new Map<string, PendingLogin>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly max = DEFAULT_MAX_PENDING,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  add(state: string, login: PendingLogin): void {
    // a Map iterates in insertion order: the first entries are the oldest
    for (const [key, old] of this.pending) {
      if (this.pending.size < this.max && this.now() < old.createdAt + OIDC_PENDING_MS) break;
      this.pending.delete(key);
    }
    this.pending.set(state, login);
  }

  /** The pending sign-in of a state, removed; none when unknown, expired or already taken. */
  take(state: string): PendingLogin | undefined {
    const login = this.pending.get(state);
    if (!login) return undefined;
    this.pending.delete(state);
    return this.now() < login.createdAt + OIDC_PENDING_MS ? login : undefined;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** An identity the provider vouched for and Custody mapped: the session's principal and what the audit record names. */
export interface OidcIdentity {
  principal: Principal;
  issuer: string;
  subject: string;
  name?: string;
  email?: string;
  returnTo: string;
}

type Client = typeof OpenIdClient;

/**
 * openid-client is an ES module; this package is CommonJS. Node 22 loads an ES module with
 * require() (it has no top-level await), and a require made from the built-in `module` that
 * process.getBuiltinModule hands out is Node's own: no module registry in between (Jest's, which
 * cannot load an ES module, included).
 */
function openIdClient(): Client {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(__filename)('openid-client') as Client;
}

const BINDING = /^[A-Za-z0-9_-]{43}$/;

/** The binding cookie's value of a Cookie header; none when absent, malformed or given twice. */
export function bindingCookie(header: string | undefined): string | undefined {
  const values = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${OIDC_BINDING_COOKIE}=`))
    .map((part) => part.slice(OIDC_BINDING_COOKIE.length + 1));
  return values.length === 1 && BINDING.test(values[0]) ? values[0] : undefined;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** What an error thrown by openid-client or fetch is, without `instanceof` (it may come from another realm). */
function describe(err: unknown): { unreachable: boolean; text: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown; error?: unknown; cause?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const unreachable =
    name === 'AbortError' || name === 'TimeoutError' || code === 'OAUTH_TIMEOUT' || (name === 'TypeError' && /fetch failed/i.test(errorMessage(err)));
  // the provider's error code (invalid_grant…) and the library's message; never a response body or token
  const text = [typeof e.error === 'string' ? e.error.slice(0, 64) : '', errorMessage(err).slice(0, 300)].filter(Boolean).join(': ');
  return { unreachable, text };
}

/** What the session routes use of OIDC sign-in (an interface: routes are typed without the class's internals). */
export interface OidcFlow {
  /** What the console calls the provider. */
  readonly name: string;
  /** The redirect URI is https: cookies the routes set are Secure. */
  readonly secure: boolean;
  begin(returnTo: string, binding: string | undefined): Promise<{ location: string; binding: string }>;
  complete(query: URLSearchParams, binding: string | undefined): Promise<OidcIdentity>;
}

export interface OidcSignInOptions {
  logger: Logger;
  /** Milliseconds since the epoch (tests pass their own clock). */
  now?: () => number;
  /** Seconds each request to the provider may take (default 10). */
  timeoutSeconds?: number;
}

/**
 * Sign-in with the firm's identity provider: OpenID Connect authorization code flow with PKCE
 * (S256), `state` and `nonce`, on openid-client (discovery, the code exchange, the ID token's
 * signature, iss, aud, exp and nonce). Custody talks only to the issuer's origin: the discovery
 * document's endpoints must be on it (else start-up refuses) and every request is checked again.
 *
 * Where a pending sign-in lives: here, in memory, keyed by its `state` (PendingLogins), rather than
 * in a cookie. The return from the provider is a top-level cross-site navigation, on which a
 * SameSite=Strict cookie is not sent, so the verifier and nonce could only ride a SameSite=Lax
 * cookie sealed with a server key (one more key to manage and rotate); server-side they never leave
 * the server, a state is taken once (a replay finds nothing) and the map is bounded. The browser
 * still carries one thing: a random binding in an HttpOnly, SameSite=Lax cookie scoped to
 * /v1/session/oidc, whose hash the pending sign-in holds, so a callback URL made by someone else
 * (login CSRF: signing a victim in as the attacker) is refused. Like the sessions themselves, a
 * pending sign-in is this process's: with several API processes the callback must reach the one
 * that started it (sticky routing).
 */
export class OidcSignIn implements OidcFlow {
  readonly name: string;
  /** The redirect URI is https: cookies it sets are Secure. */
  readonly secure: boolean;
  private readonly client: Client;
  private readonly origin: string;
  private readonly pending: PendingLogins;
  private readonly logger: Logger;
  private readonly timeout: number;
  private readonly now: () => number;
  private configuration?: Promise<OpenIdClient.Configuration>;

  private constructor(
    private readonly settings: OidcSettings,
    opts: OidcSignInOptions,
  ) {
    this.client = openIdClient();
    this.name = settings.name;
    this.secure = settings.redirectUri.startsWith('https:');
    this.origin = new URL(settings.issuer).origin;
    this.now = opts.now ?? Date.now;
    this.pending = new PendingLogins(this.now);
    this.logger = opts.logger.child({ component: 'oidc' });
    this.timeout = opts.timeoutSeconds ?? 10;
  }

  /**
   * Discovers the provider once at start: a discovery document whose endpoints are not on the
   * issuer's origin is a ConfigError (start-up stops). A provider that cannot be reached does not
   * stop the archive: sign-in with it is unavailable, and discovery is tried again at the next one.
   */
  static async open(settings: OidcSettings, opts: OidcSignInOptions): Promise<OidcSignIn> {
    const signIn = new OidcSignIn(settings, opts);
    try {
      await signIn.discover();
      signIn.logger.info({ event: 'oidc_discovered', issuer: settings.issuer, client_id: settings.clientId });
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      signIn.logger.warn({ event: 'oidc_discovery_failed', issuer: settings.issuer, err: describe(err).text });
    }
    return signIn;
  }

  /** Starts a sign-in: the provider's authorization URL, and the binding cookie's value (the browser's one if it has one). */
  async begin(returnTo: string, binding: string | undefined): Promise<{ location: string; binding: string }> {
    const config = await this.discover().catch((err: unknown) => {
      throw this.unavailable(err);
    });
    const c = this.client;
    const codeVerifier = c.randomPKCECodeVerifier();
    const state = c.randomState();
    const nonce = c.randomNonce();
    const bound = binding ?? randomBytes(32).toString('base64url');
    this.pending.add(state, { codeVerifier, nonce, returnTo: safeReturnTo(returnTo), bindingSha256: sha256(bound), createdAt: this.now() });
    const url = c.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await c.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { location: url.href, binding: bound };
  }

  /** Finishes a sign-in from the provider's redirect (its query): the identity, or an OidcRefusal. */
  async complete(query: URLSearchParams, binding: string | undefined): Promise<OidcIdentity> {
    const state = query.get('state');
    const pending = state ? this.pending.take(state) : undefined;
    if (!state || !pending) throw new OidcRefusal('oidc_state', 'unknown, expired or already used state');
    if (!binding || sha256(binding) !== pending.bindingSha256)
      throw new OidcRefusal('oidc_state', 'the callback came to a browser that did not start this sign-in');
    const error = query.get('error');
    if (error !== null) {
      const said = error.replace(/[^\w.-]/g, '').slice(0, 64);
      throw new OidcRefusal(said === 'access_denied' ? 'oidc_denied' : 'oidc_failed', `the identity provider answered ${said || 'an error'}`);
    }
    const config = await this.discover().catch((err: unknown) => {
      throw this.unavailable(err);
    });
    const c = this.client;
    const current = new URL(this.settings.redirectUri);
    for (const [k, v] of query) current.searchParams.append(k, v);
    let claims: Record<string, unknown>;
    try {
      const tokens = await c.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // a provider may keep claims for userinfo (same subject, checked): needed when the ID token
      // lacks the tenant or role claim; otherwise asked only for the name and email the audit shows
      const needed = [this.settings.fixedTenant ? undefined : this.settings.tenantClaim, this.settings.roleClaim].some((k) => k && claims[k] === undefined);
      const wanted = claims.name === undefined || claims.email === undefined;
      if ((needed || wanted) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
        const info = await c.fetchUserInfo(config, tokens.access_token, String(claims.sub)).catch((err: unknown) => {
          if (needed) throw err;
          this.logger.debug({ event: 'oidc_userinfo_failed', issuer: this.settings.issuer, err: describe(err).text });
          return {};
        });
        claims = { ...info, ...claims };
      }
    } catch (err) {
      const { unreachable, text } = describe(err);
      if (unreachable) throw this.unavailable(err);
      throw new OidcRefusal('oidc_failed', `code exchange or ID token refused: ${text}`);
    }
    const principal = principalOfClaims(this.settings, claims);
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 256 ? v : undefined);
    return {
      principal,
      issuer: this.settings.issuer,
      subject: String(claims.sub),
      name: text(claims.name),
      email: text(claims.email),
      returnTo: pending.returnTo,
    };
  }

  /** Forgets every pending sign-in. */
  close(): void {
    this.pending.clear();
  }

  private unavailable(err: unknown): OidcRefusal {
    const { text } = describe(err);
    this.logger.warn({ event: 'oidc_provider_unavailable', issuer: this.settings.issuer, err: text });
    return new OidcRefusal('oidc_unavailable', `the identity provider could not be reached: ${text}`);
  }

  /** The provider's configuration, discovered once (a failed discovery is tried again next time). */
  private discover(): Promise<OpenIdClient.Configuration> {
    this.configuration ??= this.discovery().catch((err: unknown) => {
      this.configuration = undefined;
      throw err;
    });
    return this.configuration;
  }

  private async discovery(): Promise<OpenIdClient.Configuration> {
    const c = this.client;
    const s = this.settings;
    const insecure = new URL(s.issuer).protocol === 'http:';
    // outbound requests go to the issuer's origin only, whatever a document or a redirect names
    const fetchOnlyIssuer: OpenIdClient.CustomFetch = (url, options) => {
      if (new URL(url).origin !== this.origin) return Promise.reject(new Error(`refused an outbound request off the issuer's origin (${new URL(url).origin})`));
      return fetch(url, options as RequestInit);
    };
    const found = await c.discovery(new URL(s.issuer), s.clientId, undefined, c.None(), {
      [c.customFetch]: fetchOnlyIssuer,
      execute: insecure ? [c.allowInsecureRequests] : [],
      timeout: this.timeout,
    });
    const meta = found.serverMetadata();
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'] as const) {
      const value = meta[field];
      if (value === undefined && field === 'userinfo_endpoint') continue;
      if (typeof value !== 'string') throw new ConfigError(`CUSTODY_OIDC_ISSUER: the provider's discovery document has no ${field}`);
      let origin: string;
      try {
        origin = new URL(value).origin;
      } catch {
        throw new ConfigError(`CUSTODY_OIDC_ISSUER: the provider's discovery document has a malformed ${field}`);
      }
      if (origin !== this.origin)
        throw new ConfigError(
          `CUSTODY_OIDC_ISSUER: the provider's ${field} is on ${origin}, not on the issuer's origin ${this.origin}: Custody sends requests only to the issuer's host`,
        );
    }
    if (!found.serverMetadata().supportsPKCE('S256'))
      this.logger.warn({ event: 'oidc_pkce_not_advertised', issuer: s.issuer, detail: 'the provider does not list S256 PKCE; it is sent anyway' });
    // the client secret goes as the provider prefers: HTTP Basic unless it lists only client_secret_post
    const methods = meta.token_endpoint_auth_methods_supported;
    const auth =
      s.clientSecret === undefined
        ? c.None()
        : methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
          ? c.ClientSecretPost(s.clientSecret)
          : c.ClientSecretBasic(s.clientSecret);
    const config = new c.Configuration(meta, s.clientId, s.clientSecret === undefined ? undefined : { client_secret: s.clientSecret }, auth);
    config[c.customFetch] = fetchOnlyIssuer;
    config.timeout = this.timeout;
    if (insecure) c.allowInsecureRequests(config);
    return config;
  }
}

/** The Set-Cookie header of the binding cookie: for the OIDC routes only, sent on the provider's top-level redirect back (Lax), gone in 10 minutes. */
export function bindingSetCookie(value: string, secure: boolean): string {
  return `${OIDC_BINDING_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/v1/session/oidc; Max-Age=${OIDC_PENDING_MS / 1000}${secure ? '; Secure' : ''}`;
}
