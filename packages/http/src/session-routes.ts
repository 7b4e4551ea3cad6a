import { ROLES, Role } from '@custody/config';
import { RejectedInputError } from '@custody/errors';
import { json, route, type Route, type RouteRequest } from './route';
import type { RequestSession } from './sessions';
import { z } from 'zod';

const SignIn = z
  .object({
    apiKey: z.string().describe('An API key: the session gets its tenant and role, and ends when the key is revoked. Never stored, logged or audited'),
  })
  .strict();
const SessionBody = z.object({
  tenant: z.string().describe('Tenant of the key the session was signed in with'),
  role: Role.describe('Role of that key'),
  csrfToken: z.string().describe('Send it as x-csrf-token with every POST, PUT, PATCH and DELETE made with the session cookie'),
  expiresAt: z.string().describe('When the session ends however it is used (CUSTODY_SESSION_MAX_HOURS after sign-in)'),
  idleExpiresAt: z.string().describe('When the session ends unless used before (CUSTODY_SESSION_IDLE_MINUTES after its last use)'),
});

function sessions(req: RouteRequest<unknown, unknown, unknown>): RequestSession {
  // the runtime keeps sessions wherever it serves these routes; a server without them has no session to speak of
  if (!req.session) throw new RejectedInputError('unauthenticated', 'this server keeps no browser sessions', 401);
  return req.session;
}

/**
 * Browser sessions for the console: signed in with an API key (the kit authenticates the body's
 * key as it does an Authorization header), held by the HTTP kit in this process's memory, carried
 * by an HttpOnly, SameSite=Strict cookie. Every call is audited like any other.
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
