import { ROLES, Role } from '@custody/config';
import { RejectedInputError } from '@custody/errors';
import { OIDC_BINDING_COOKIE, OidcRefusal, bindingCookie, bindingSetCookie, type OidcErrorCode } from './oidc';
import { json, publicRoute, route, type Reply, type Route, type RouteRequest } from './route';
import type { RequestSession } from './sessions';
import { z } from 'zod';

const SignIn = z
  .object({
    apiKey: z.string().describe('An API key: the session gets its tenant and role, and ends when the key is revoked. Never stored, logged or audited'),
  })
  .strict();
const SessionBody = z.object({
  tenant: z.string().describe('Tenant of the session: of the API key it was signed in with, or mapped from the OIDC claims'),
  role: Role.describe('Role of the session: of that key, or the one Custody role the OIDC role claim names'),
  csrfToken: z.string().describe('Send it as x-csrf-token with every POST, PUT, PATCH and DELETE made with the session cookie'),
  expiresAt: z.string().describe('When the session ends however it is used (CUSTODY_SESSION_MAX_HOURS after sign-in)'),
  idleExpiresAt: z.string().describe('When the session ends unless used before (CUSTODY_SESSION_IDLE_MINUTES after its last use)'),
});

const Providers = z.object({
  apiKey: z.boolean().describe('Sign-in with an API key (POST /v1/session) is offered'),
  oidc: z
    .object({ name: z.string().describe('What to call the identity provider: "Sign in with <name>"') })
    .nullable()
    .describe('Sign-in with the identity provider (GET /v1/session/oidc/start), when CUSTODY_OIDC_ISSUER is set; else null'),
});
const OidcStart = z.object({
  returnTo: z.string().max(2048).optional().describe('Where the console goes after sign-in: a path of this origin (`/…`, not `//…`); anything else is `/`'),
});
const OidcCallback = z.looseObject({
  code: z.string().max(4096).optional().describe('The authorization code (exchanged once, with the PKCE verifier)'),
  state: z.string().max(512).optional().describe('The state of the sign-in this answers'),
  error: z.string().max(256).optional().describe("The provider's refusal (access_denied: the person declined)"),
  error_description: z.string().max(2048).optional().describe('Not read'),
  iss: z.string().max(2048).optional().describe('The issuer (RFC 9207), checked when the provider sends it'),
});

/** Back to the console's sign-in page, which shows the code as a message. */
function signInError(code: OidcErrorCode | 'too_many_requests'): Reply {
  return { status: 302, headers: { location: `/sign-in?error=${code}` } };
}

function sessions(req: RouteRequest<unknown, unknown, unknown>): RequestSession {
  // the runtime keeps sessions wherever it serves these routes; a server without them has no session to speak of
  if (!req.session) throw new RejectedInputError('unauthenticated', 'this server keeps no browser sessions', 401);
  return req.session;
}

/**
 * Browser sessions for the console: signed in with an API key (the kit authenticates the body's
 * key as it does an Authorization header) or with the firm's identity provider (OpenID Connect,
 * oidc.ts), held by the HTTP kit in this process's memory, carried by an HttpOnly, SameSite=Strict
 * cookie. Every call is audited like any other; an OIDC sign-in, refused or not, is audited too.
 */
export function sessionRoutes(): Route[] {
  return [
    route({
      method: 'POST',
      url: '/v1/session',
      summary: 'Start console sessions',
      description:
        '`{apiKey}` → `{tenant, role, csrfToken, expiresAt, idleExpiresAt}` and the cookie `custody_session` (HttpOnly, SameSite=Strict, Path=/, Secure on an https CUSTODY_PUBLIC_URL); the body must be JSON. A wrong key is 401, audited in the _system trail like any failed authentication',
      access: { roles: ROLES, audit: 'session.start', signIn: true },
      schema: { body: SignIn, response: { 200: SessionBody } },
      invalid: { code: 'invalid_request', what: 'sign-in' },
      handler: async (req, p) => {
        const { view, setCookie } = sessions(req).start();
        return { ...json(200, { tenant: p.tenant, role: p.role, ...view }, { 'set-cookie': setCookie }), details: { expiresAt: view.expiresAt } };
      },
    }),
    publicRoute({
      method: 'GET',
      url: '/v1/session/providers',
      summary: 'List sign-in providers',
      description: 'How a browser can sign in: with an API key, and with the identity provider when OIDC is configured (the console shows its button)',
      access: { public: 'says only which sign-ins this deployment offers and what the console calls its identity provider' },
      schema: { response: { 200: Providers } },
      handler: async (req) => json(200, { apiKey: req.session !== undefined, oidc: req.session?.oidc ? { name: req.session.oidc.name } : null }),
    }),
    publicRoute({
      method: 'GET',
      url: '/v1/session/oidc/start',
      summary: 'Start OIDC sign-ins',
      description: `A browser navigation (not a fetch): 302 to the identity provider's authorization endpoint (authorization code flow, PKCE S256, state, nonce), setting \`${OIDC_BINDING_COOKIE}\` (HttpOnly, SameSite=Lax, Path=/v1/session/oidc, 10 minutes) that ties the sign-in to this browser. \`returnTo\` must be a path of this origin, else \`/\`. Without OIDC configured, or with the provider unreachable: 302 to /sign-in?error=oidc_not_configured or oidc_unavailable`,
      access: { public: 'nobody is signed in yet: it only sends the browser to the identity provider, which authenticates' },
      schema: { query: OidcStart, response: { 302: z.undefined().describe('To the identity provider (location)') } },
      handler: async (req) => {
        const oidc = req.session?.oidc;
        if (!req.session || !oidc) return signInError('oidc_not_configured');
        if (!(await req.session.admit())) return signInError('too_many_requests');
        try {
          const { location, binding } = await oidc.begin(req.query.returnTo ?? '/', bindingCookie(req.headers.cookie));
          return { status: 302, headers: { location, 'set-cookie': bindingSetCookie(binding, oidc.secure) } };
        } catch (err) {
          if (err instanceof OidcRefusal) return signInError(err.code);
          throw err;
        }
      },
    }),
    publicRoute({
      method: 'GET',
      url: '/v1/session/oidc/callback',
      summary: 'Finish OIDC sign-ins',
      description:
        'Where the identity provider sends the browser back (the redirect URI: CUSTODY_PUBLIC_URL + this path). The state must be one this process issued in the last 10 minutes, unused, to this browser; the code is exchanged with the PKCE verifier and the ID token checked (signature, iss, aud, exp, nonce); the tenant and role claims are mapped. Success: a session as POST /v1/session makes (the cookie `custody_session`), audited as `session.start` under `oidc:<issuer host>:<sub>`, and 302 to returnTo. Refused: 302 to /sign-in?error=<code> (oidc_state, oidc_denied, oidc_failed, oidc_unavailable, oidc_no_role, oidc_ambiguous_role, oidc_no_tenant), audited in the _system trail like a failed authentication',
      access: { public: "the identity provider's answer is the credential: the state, the browser's binding cookie, PKCE and the signed ID token prove it" },
      schema: { query: OidcCallback, response: { 302: z.undefined().describe('To returnTo, signed in; or to /sign-in?error=<code>') } },
      handler: async (req) => {
        const s = req.session;
        if (!s?.oidc) return signInError('oidc_not_configured');
        if (!(await s.admit())) return signInError('too_many_requests');
        try {
          const identity = await s.oidc.complete(req.search, bindingCookie(req.headers.cookie));
          const { setCookie } = await s.startOidc(identity);
          return { status: 302, headers: { location: identity.returnTo, 'set-cookie': setCookie } };
        } catch (err) {
          if (!(err instanceof OidcRefusal)) throw err;
          await s.refused('session.start', `oidc sign-in refused: ${err.code}: ${err.reason}`, err.keyId);
          return signInError(err.code);
        }
      },
    }),
    route({
      method: 'GET',
      url: '/v1/session',
      summary: 'Read console sessions',
      description:
        "The session of the request's cookie; 401 `session_expired` when the cookie names a session that has expired or was ended, 401 `unauthenticated` without a cookie",
      access: { roles: ROLES, audit: 'session.get' },
      schema: { response: { 200: SessionBody } },
      handler: async (req, p) => {
        const current = sessions(req).current;
        if (!current) throw new RejectedInputError('unauthenticated', 'no session cookie: sign in with POST /v1/session', 401);
        return json(200, { tenant: p.tenant, role: p.role, ...current });
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/session',
      summary: 'End console sessions',
      description: 'Signs out: ends the session of the cookie (which must come with x-csrf-token) and clears the cookie → 204',
      access: { roles: ROLES, audit: 'session.end' },
      schema: { response: { 204: z.undefined().describe('Signed out') } },
      handler: async (req) => {
        const s = sessions(req);
        if (!s.current) throw new RejectedInputError('unauthenticated', 'no session cookie: nothing to sign out of', 401);
        return { status: 204, headers: { 'set-cookie': s.end().setCookie } };
      },
    }),
  ];
}
