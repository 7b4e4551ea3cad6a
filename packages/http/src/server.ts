import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { SYSTEM_TENANT, formatIssues } from '@custody/envelope';
import { RejectedInputError, errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { z } from 'zod';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { bearerToken, bodyApiKey, hashToken, outcomeOf, type Access } from './access';
import { parseCsvBody, parseJsonBody, readLimited } from './body';
import { ConsoleFiles, SECURITY_HEADERS, isApiPath } from './console-files';
import { createLimiter, type Limiter } from './limiter';
import type { OidcSignIn } from './oidc';
import { BodyTooLargeError, errorAnswer, problemBody } from './problem';
import { PROBLEM_RESPONSES, isAudited, type AnyAuditedRoute, type Principal, type Reply, type Route, type RouteRequest } from './route';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
  changesState,
  clearedSessionCookie,
  csrfMatches,
  sessionCookie,
  sessionSetCookie,
  type RequestSession,
  type Session,
  type SessionStore,
} from './sessions';

export interface HttpServerOptions {
  logger: Logger;
  /** Largest body read (CUSTODY_MAX_BODY_BYTES): API bodies past it are 413, webhooks get the first this many bytes to quarantine. */
  maxBodyBytes: number;
  publicUrl?: string;
  /** Authentication and audit of the routes that declare roles; none: such routes cannot be added. */
  access?: Access;
  /** Called once per request when its response is done (finished or cut): the one place HTTP metrics are observed. */
  onRequestDone?(e: { route: string; method: string; status: number; seconds: number }): void;
  /**
   * Browser sessions (the console): a request without an Authorization header is authenticated by
   * its custody_session cookie as the key the session was signed in with (checked again on every
   * request), and a state-changing one must carry the session's x-csrf-token. None: cookies are
   * ignored. The server closes the store when it closes.
   */
  sessions?: SessionStore;
  /** OIDC sign-in (with `sessions`): the session routes start sessions of the identities it vouches for. The server closes it when it closes. */
  oidc?: OidcSignIn;
  /**
   * A built single-page app (the console) served under `/`, GET and HEAD, without authentication:
   * the bundle is code only, the same for everyone, and holds no data (that comes from /v1, which
   * authenticates). None: nothing is served at `/`.
   */
  console?: { dir: string };
}

export interface HttpServer {
  /** A limiter of events per minute per key, on @fastify/rate-limit (for what a rejected request costs, e.g. a quarantine write). */
  limiter(perMinute: number): Limiter;
  add(routes: Route[]): void;
  listen(host: string, port: number): Promise<string>;
  /** The OpenAPI 3.1 document of the routes added. */
  openapi(): Promise<object>;
  close(): Promise<void>;
}

/** Per-request state of the kit. */
interface Exchange {
  principal?: Principal;
  audited?: boolean;
  reply?: Reply;
  error?: unknown;
  streamError?: unknown;
  /** The SHA-256 of the API key the request was authenticated with (a sign-in starts its session with it). */
  keySha256?: string;
  /** The browser session the request was authenticated with: the id its cookie carried, the session. */
  session?: { id: string; session: Session };
  /** What the access log and metrics name a request that no declared route answered (the console's files). */
  route?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    custody: Exchange;
  }
  interface FastifyContextConfig {
    custody?: Route;
  }
}

const DOC_INFO = { title: 'Custody API', version: '1' };

/**
 * The HTTP kit: every route is declared (roles, audit action, zod schemas) and the kit does the
 * rest once for all of them: authentication, role checks, body limits and parsing, validation,
 * the error → status map, auditing the outcome, the access log and the OpenAPI document.
 */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    // Custody's own pino: one log, its redaction paths included
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    // one access line per request, written by the kit (below) without query string, headers or body
    logController: new LogController({ disableRequestLogging: true }),
    // our own id for every request: an incoming x-request-id is the caller's to choose, and could be anything
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    keepAliveTimeout: 5_000,
    requestTimeout: 60_000,
    exposeHeadRoutes: false,
    // a malformed percent-encoding in the path is the caller's error
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply)
        .code(400)
        .send(problemBody('bad_path', err.code === 'FST_ERR_BAD_URL' ? 'malformed percent-encoding in the path' : 'bad request'));
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: DOC_INFO,
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: it fixes the tenant and the role' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: `A browser session (POST /v1/session): the tenant and role of the key it was signed in with; POST, PUT, PATCH and DELETE also need its CSRF token in ${CSRF_HEADER}`,
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  const patterns: Array<{ method: string; regex: RegExp }> = [];

  app.decorateRequest('custody', null as unknown as Exchange);
  app.addHook('onRequest', async (request, reply) => {
    request.custody = {};
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
    reply.headers(SECURITY_HEADERS);
    reply.raw.once('close', () => done(opts, request, reply));
  });
  app.addHook('onSend', async (request, reply, payload) => {
    await auditOnSend(opts, request, reply, payload);
    return payload;
  });
  app.setErrorHandler(async (err, request, reply) => {
    request.custody.error = err;
    const answer = errorAnswer(validationProblem(err, request) ?? err, request.log, request.url.split('?')[0]);
    return reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body);
  });
  const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const known = patterns.filter((p) => p.regex.test(path));
    if (known.length > 0) return reply.code(405).send(problemBody('method_not_allowed', `${request.method} is not allowed on ${path}`));
    return reply.code(404).send(problemBody('not_found', `no route ${path}`));
  };
  app.setNotFoundHandler(notFound);
  if (opts.console) await serveConsole(app, await ConsoleFiles.open(opts.console.dir), notFound);

  const routes: Route[] = [];
  let registered: Promise<void> | undefined;
  // routes are registered once, when the server starts or the document is asked for
  const register = () => (registered ??= registerAll(app, opts, [...routes, openapiRoute(app)], patterns));
  return {
    limiter: (perMinute) => createLimiter(app, perMinute),
    add: (more) => routes.push(...more),
    async listen(host, port) {
      await register();
      await app.listen({ host, port });
      const addr = app.server.address() as AddressInfo;
      return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
    },
    async openapi() {
      await register();
      await app.ready();
      return app.swagger();
    },
    async close() {
      opts.sessions?.close();
      opts.oidc?.close();
      const closing = app.close();
      app.server.closeIdleConnections?.();
      await closing;
    },
  };
}

/** The schema document is public: it is generated from code alone and names no tenant, key or deployment. */
function openapiRoute(app: FastifyInstance): Route {
  return {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    access: { public: 'generated from the code alone: the same for every deployment, nothing tenant-specific' },
    schema: { response: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: z.looseObject({}) } } } } },
    handler: async () => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(app.swagger()) }),
  };
}

/** JSON, raw (webhook) and CSV routes differ only in how the body is read: each kind in its own context. */
async function registerAll(app: FastifyInstance, opts: HttpServerOptions, routes: Route[], patterns: Array<{ method: string; regex: RegExp }>): Promise<void> {
  for (const kind of ['json', 'raw', 'csv'] as const) {
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (request, payload, done) => {
        readLimited(payload, opts.maxBodyBytes, request.headers['content-length'])
          .then((raw) => {
            if (kind === 'raw') return raw;
            if (raw.overLimit) throw new BodyTooLargeError(opts.maxBodyBytes, raw.bytes, raw.received);
            return kind === 'csv' ? parseCsvBody(raw.bytes, request.headers['content-type']) : parseJsonBody(raw.bytes);
          })
          .then((body) => done(null, body), done);
      });
      for (const r of routes.filter((x) => (x.bodyKind ?? 'json') === kind)) {
        patterns.push({ method: r.method, regex: patternOf(r.url) });
        scope.route({
          method: r.method,
          url: r.url,
          config: { custody: r },
          schema: {
            summary: r.summary,
            ...(r.description && { description: r.description }),
            ...(r.schema.params && { params: r.schema.params }),
            ...(r.schema.query && { querystring: r.schema.query }),
            ...(r.schema.body && { body: r.schema.body }),
            ...(kind === 'csv' && { consumes: ['text/csv'] }),
            response: { ...PROBLEM_RESPONSES, ...r.schema.response },
            ...(isAudited(r)
              ? {
                  'x-custody-roles': [...r.access.roles],
                  'x-custody-audit': r.access.audit,
                  // a sign-in presents its key in the body
                  security: r.access.signIn ? [] : [{ apiKey: [] }, { session: [] }],
                }
              : { 'x-custody-public': r.access.public }),
          },
          // before anything of the request is read; a sign-in's key is in its body: once that is read
          onRequest: isAudited(r) && !r.access.signIn ? (request) => authenticate(opts, r, request) : undefined,
          preValidation: async (request) => {
            // an empty body is `{}` (an empty file ''); a query parameter given twice would silently become one of its values
            if (r.schema.body && request.body === undefined) request.body = kind === 'csv' ? '' : {};
            if (isAudited(r) && r.access.signIn) await authenticate(opts, r, request);
            if (r.schema.query) rejectRepeated(r, request);
          },
          handler: async (request, reply) => {
            const req = toRouteRequest(opts, request);
            const answer = isAudited(r) ? await r.handler(req, request.custody.principal!) : await r.handler(req);
            request.custody.reply = answer;
            void reply.code(answer.status).headers(answer.headers ?? {});
            return reply.send(answer.body);
          },
        });
      }
    });
  }
}

function patternOf(url: string): RegExp {
  return new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '[^/]+')}$`);
}

/**
 * Authentication (before anything of the request is read, but for a sign-in), its failures audited
 * in the _system trail (rate-limited); then the per-key limit, the CSRF token of a cookie-authenticated
 * change, the roles.
 */
async function authenticate(opts: HttpServerOptions, r: AnyAuditedRoute, request: FastifyRequest): Promise<void> {
  const access = opts.access;
  if (!access) throw new Error(`${r.method} ${r.url} declares roles but the server has no access control`);
  const address = request.socket.remoteAddress ?? 'unknown';
  const limits = requestLimiters(request.server, access);
  // the address first: a flood of bad keys costs a lookup each, never an audit write past its own limit
  if (limits && !(await limits.perAddress.take(address))) throw tooManyRequests('this address');
  // a page elsewhere can post a form, never JSON (that needs a CORS preflight, which is never granted): no signing a browser in from elsewhere
  if (r.access.signIn && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? ''))
    throw new RejectedInputError('unsupported_media_type', 'sign in with a JSON body (content-type: application/json)', 415);
  let principal: Principal;
  try {
    principal = await identify(opts, access, r, request);
  } catch (err) {
    if (err instanceof RejectedInputError) await failedAuthentication(access, r.access.audit, request, err.message);
    throw err;
  }
  request.custody.principal = principal;
  if (limits && !(await limits.perKey.take(principal.keyId))) throw tooManyRequests('this API key');
  const session = request.custody.session;
  if (session) {
    // a cookie goes along with any request the browser makes; the token only with the console's own
    if (changesState(request.method) && !csrfMatches(session.session.csrfToken, request.headers[CSRF_HEADER]))
      throw new RejectedInputError('csrf_failed', `a request made with a session cookie must carry the session's CSRF token in ${CSRF_HEADER}`, 403);
    opts.sessions!.touch(session.session);
  }
  if (!r.access.roles.includes(principal.role))
    throw new RejectedInputError('forbidden', `role ${principal.role} may not ${r.summary.toLowerCase()} (needs ${r.access.roles.join(' or ')})`, 403);
}

/**
 * Who calls: the key of the Authorization header (or of a sign-in's body), else the session of the
 * cookie, whose key is looked up again (a revoked key ends its sessions), or whose OIDC principal is
 * the one mapped at sign-in. Only 401s are thrown
 * (what it cannot look up: the lookup's own error). No key or cookie value is ever in a message.
 */
async function identify(opts: HttpServerOptions, access: Access, r: AnyAuditedRoute, request: FastifyRequest): Promise<Principal> {
  const sessions = opts.sessions;
  if (sessions && !r.access.signIn && request.headers.authorization === undefined) {
    const cookie = sessionCookie(request.headers.cookie);
    if (cookie === 'malformed') throw new RejectedInputError('unauthenticated', `malformed ${SESSION_COOKIE} cookie`, 401);
    if (cookie !== 'none') {
      const session = sessions.find(cookie.id);
      if (!session) throw new RejectedInputError('session_expired', 'the session has expired or was ended; sign in again', 401);
      // an OIDC session's principal is the one mapped at sign-in; an API key's is looked up again
      const principal = session.credential.kind === 'oidc' ? { ...session.principal } : await access.lookup(session.credential.keySha256);
      if (!principal) {
        sessions.revoke(cookie.id);
        throw new RejectedInputError('session_expired', 'the session has ended: its API key was revoked', 401);
      }
      request.custody.session = { id: cookie.id, session };
      return principal;
    }
  }
  const keySha256 = hashToken(r.access.signIn ? bodyApiKey(request.body) : bearerToken(request.headers.authorization));
  const principal = await access.lookup(keySha256);
  if (!principal) throw new RejectedInputError('unauthenticated', 'unknown API key', 401);
  request.custody.keySha256 = keySha256;
  return principal;
}

const requestLimits = new WeakMap<Access, { perKey: Limiter; perAddress: Limiter }>();

/** The API's request limits (@fastify/rate-limit's store), made once per server. */
function requestLimiters(app: FastifyInstance, access: Access): { perKey: Limiter; perAddress: Limiter } | undefined {
  if (!access.requestsPerMinute) return undefined;
  let limits = requestLimits.get(access);
  if (!limits) {
    limits = { perKey: createLimiter(app, access.requestsPerMinute.perKey), perAddress: createLimiter(app, access.requestsPerMinute.perAddress) };
    requestLimits.set(access, limits);
  }
  return limits;
}

function tooManyRequests(who: string): RejectedInputError {
  return new RejectedInputError('too_many_requests', `too many requests from ${who}; retry in a minute`, 429);
}

const failedAuthLimiters = new WeakMap<Access, { perAddress: Limiter; overall: Limiter }>();

/**
 * Failed authentications go to the _system trail with the source address, never anything of the
 * presented token. Anyone can cause them, so they are audited at a bounded rate per source address
 * and overall (an attacker must not fill the disk); what is not audited is counted.
 */
async function failedAuthentication(access: Access, action: string, request: FastifyRequest, reason: string, keyId = 'unknown'): Promise<void> {
  let limits = failedAuthLimiters.get(access);
  if (!limits) {
    // addresses are cheap to an attacker with IPv6: ten times the per-address rate overall
    limits = { perAddress: createLimiter(request.server, access.failedAuthPerMinute), overall: createLimiter(request.server, access.failedAuthPerMinute * 10) };
    failedAuthLimiters.set(access, limits);
  }
  const address = request.socket.remoteAddress ?? 'unknown';
  if (!(await limits.perAddress.take(address)) || !(await limits.overall.take('all'))) {
    access.onFailedAuthDropped?.('rate_limited');
    request.log.debug({ event: 'auth_failure_audit_dropped', remote_address: address, action });
    return;
  }
  const path = request.url.split('?')[0];
  await access.audit.record({
    tenant: SYSTEM_TENANT,
    actor: { keyId, role: 'none' },
    action,
    outcome: 'denied',
    status: 401,
    target: `${request.method} ${path.slice(0, 256)}`,
    source: { address },
    details: { reason },
  });
}

function isStream(payload: unknown): payload is Readable {
  return typeof (payload as Readable | null)?.pipe === 'function';
}

/**
 * The outcome of an authenticated call is audited with the status it was answered: a JSON answer
 * before its bytes go out (an action whose audit record cannot be written fails, 503); a stream
 * once it has been sent whole or cut (an integrity failure mid-stream is audited as failed).
 */
async function auditOnSend(opts: HttpServerOptions, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
  const r = request.routeOptions.config.custody;
  const ex = request.custody;
  if (!r || !isAudited(r) || !ex?.principal || ex.audited) return;
  if (isStream(payload)) {
    payload.once('error', (err) => (ex.streamError = err));
    return; // audited in done()
  }
  ex.audited = true;
  await opts.access!.audit.record(auditRecord(r, request, reply.statusCode));
}

function auditRecord(r: AnyAuditedRoute, request: FastifyRequest, status: number) {
  const ex = request.custody;
  const p = ex.principal!;
  const failed = status >= 400;
  const params = request.params as Record<string, string> | undefined;
  const failure = ex.streamError ?? ex.error;
  return {
    tenant: p.tenant,
    actor: { keyId: p.keyId, role: p.role },
    action: r.access.audit,
    outcome: outcomeOf(status),
    status,
    target: failed ? params?.id : ex.reply?.target,
    source: { address: request.socket.remoteAddress ?? 'unknown' },
    details: failed ? { error: failure === undefined ? 'response not completed' : errorMessage(failure) } : ex.reply?.details,
  };
}

/** When the response is finished or cut: audit of a streamed answer, the access log line, metrics. */
function done(opts: HttpServerOptions, request: FastifyRequest, reply: FastifyReply): void {
  const r = request.routeOptions.config?.custody;
  const ex = request.custody;
  const complete = reply.raw.writableFinished;
  let status = reply.statusCode;
  if (!complete) status = ex.streamError === undefined ? 499 : errorAnswer(ex.streamError, request.log, request.url.split('?')[0]).status;
  if (r && isAudited(r) && ex.principal && !ex.audited) {
    ex.audited = true;
    opts
      .access!.audit.record(auditRecord(r, request, status))
      .catch((err: unknown) => request.log.error({ event: 'audit_write_failed', action: r.access.audit, err: errorMessage(err) }));
  }
  const route = r?.url ?? ex.route ?? 'unmatched';
  const seconds = reply.elapsedTime / 1000;
  request.log.info({
    event: 'http_request',
    method: request.method,
    route,
    path: request.url.split('?')[0].slice(0, 256),
    status,
    complete,
    ms: Math.round(reply.elapsedTime * 10) / 10,
  });
  opts.onRequestDone?.({ route, method: request.method, status, seconds });
}

/** A body or query that fails its schema: 400 with the route's code, naming the fields. */
function validationProblem(err: unknown, request: FastifyRequest): RejectedInputError | undefined {
  if (!hasZodFastifySchemaValidationErrors(err)) return undefined;
  const r = request.routeOptions.config.custody;
  const issues = err.validation.map((v) => ({ path: v.instancePath.split('/').filter(Boolean), message: v.message ?? 'invalid' }));
  return new RejectedInputError(r?.invalid?.code ?? 'invalid_request', `${r?.invalid?.what ?? 'request'}: ${formatIssues(issues)}`);
}

function rejectRepeated(r: Route, request: FastifyRequest): void {
  const search = new URLSearchParams(request.url.split('?')[1] ?? '');
  const repeated = [...new Set(search.keys())].find((k) => search.getAll(k).length > 1);
  if (repeated)
    throw new RejectedInputError(r.invalid?.code ?? 'invalid_request', `${r.invalid?.what ?? 'request'}: ${repeated.slice(0, 64)}: given more than once`);
}

function toRouteRequest(opts: HttpServerOptions, request: FastifyRequest): RouteRequest<unknown, unknown, unknown> {
  const [path, search = ''] = request.url.split('?') as [string, string?];
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const host = request.headers.host ?? '';
  const base = opts.publicUrl ?? (/^[\w.:[\]-]{1,255}$/.test(host) ? `http://${host}` : 'http://localhost');
  return {
    params: request.params,
    query: request.query,
    body: request.body,
    method: request.method,
    path,
    search: new URLSearchParams(search),
    headers,
    url: new URL(request.url, base).toString(),
    remoteAddress: request.socket.remoteAddress,
    session: opts.sessions && requestSession(opts, opts.sessions, request),
  };
}

/** A route's view of browser sessions: the request's own, and starting or ending one (the cookie is the kit's to write). */
function requestSession(opts: HttpServerOptions, sessions: SessionStore, request: FastifyRequest): RequestSession {
  const ex = request.custody;
  const secure = /^https:/i.test(opts.publicUrl ?? '');
  return {
    current: ex.session && sessions.view(ex.session.session),
    start() {
      if (!ex.principal || !ex.keySha256) throw new Error('a session starts only from a request authenticated with an API key');
      const { id, session } = sessions.start(ex.principal, { kind: 'apiKey', keySha256: ex.keySha256 });
      return { view: sessions.view(session), setCookie: sessionSetCookie(id, secure) };
    },
    end() {
      if (ex.session) sessions.revoke(ex.session.id);
      return { setCookie: clearedSessionCookie(secure) };
    },
    oidc: opts.oidc,
    async startOidc(identity) {
      const access = opts.access;
      if (!access) throw new Error('an OIDC session needs the access control that audits it');
      const p = identity.principal;
      const { id, session } = sessions.start(p, { kind: 'oidc', issuer: identity.issuer, subject: identity.subject });
      const view = sessions.view(session);
      try {
        // audited before its cookie goes out: a sign-in that cannot be audited does not happen
        await access.audit.record({
          tenant: p.tenant,
          actor: { keyId: p.keyId, role: p.role },
          action: 'session.start',
          outcome: 'ok',
          status: 302,
          source: { address: request.socket.remoteAddress ?? 'unknown' },
          details: {
            signIn: 'oidc',
            issuer: identity.issuer,
            expiresAt: view.expiresAt,
            ...(identity.name !== undefined && { name: identity.name }),
            ...(identity.email !== undefined && { email: identity.email }),
          },
        });
      } catch (err) {
        sessions.revoke(id);
        throw err;
      }
      return { view, setCookie: sessionSetCookie(id, secure) };
    },
    async refused(action, reason, keyId) {
      if (opts.access) await failedAuthentication(opts.access, action, request, reason, keyId);
    },
    async admit() {
      const limits = opts.access && requestLimiters(request.server, opts.access);
      return limits ? limits.perAddress.take(request.socket.remoteAddress ?? 'unknown') : true;
    },
  };
}

/**
 * The console's files under `/` (GET, HEAD). Public: the bundle is code, the same for every caller,
 * and holds no data; everything it shows comes from /v1, which authenticates every call. The API's
 * own paths are never answered with it: an unknown one is the API's 404 (or 405).
 */
async function serveConsole(app: FastifyInstance, files: ConsoleFiles, notFound: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      const path = request.url.split('?')[0];
      if (isApiPath(path)) return notFound(request, reply);
      request.custody.route = 'console';
      const file = await files.resolve(path);
      if (!file) return reply.code(404).send(problemBody('not_found', `no file ${path.slice(0, 256)}`));
      void reply.code(200).headers({ 'content-type': file.contentType, 'content-length': String(file.size), 'cache-control': file.cacheControl });
      if (request.method === 'HEAD') {
        await file.handle.close();
        return reply.send();
      }
      return reply.send(file.handle.createReadStream());
    },
  });
}
