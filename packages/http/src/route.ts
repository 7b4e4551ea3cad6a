import type { Readable } from 'node:stream';
import type { Role } from '@custody/config';
import { z } from 'zod';
import type { RequestSession } from './sessions';

/** Who called: the API key's id, its tenant and its role. */
export interface Principal {
  keyId: string;
  tenant: string;
  role: Role;
  /** The directory employee who holds the key, when it names one (reviewer keys always do). */
  employeeId?: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Readable is streamed (attachments); a string or Buffer is sent as is; objects as JSON. */
  body?: string | Buffer | Readable | object;
}

/** What a handler answers; an audited route adds what its audit record names. `details` never carries secrets. */
export interface Reply extends HttpResponse {
  target?: string;
  details?: Record<string, unknown>;
}

/** A webhook body: the exact bytes (signatures are computed over them), at most the body limit of them. */
export interface RawBody {
  bytes: Buffer;
  /** Bytes that arrived in all; more than `bytes.length` when the body was over the limit. */
  received: number;
  overLimit: boolean;
}

export interface RouteRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  method: string;
  path: string;
  /** The query string as sent (vendors sign it). */
  search: URLSearchParams;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  /** The URL the caller used, on CUSTODY_PUBLIC_URL when set (URL-signing vendors sign it). */
  url: string;
  remoteAddress?: string;
  /** Browser sessions, on a server that keeps them (HttpServerOptions.sessions). */
  session?: RequestSession;
}

/** A response schema: JSON (zod) or, for bytes and streams, its media types. */
export type ResponseSchema = z.ZodType | { description: string; content: Record<string, { schema: z.ZodType }> };

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

interface RouteBase<PS, QS, BS> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. /v1/records/:id */
  url: string;
  /** A verb phrase (`Search records`): the OpenAPI summary, and what a caller without the role may not do. */
  summary: string;
  description?: string;
  schema: { params?: PS; query?: QS; body?: BS; response: Record<number | `${number}xx`, ResponseSchema> };
  /**
   * `raw`: the body is not parsed but handed over as bytes (webhooks: their signature covers the bytes).
   * `csv`: a `text/csv` file (UTF-8) handed over as a string (declare `body: z.string()`): any other
   * content type is 415, which also keeps a cross-site form post (text/plain) out.
   */
  bodyKind?: 'json' | 'raw' | 'csv';
  /** The code and the prefix of a 400 for a body or query that fails its schema (default invalid_request, the route's summary). */
  invalid?: { code: string; what: string };
}

/** An API route: only callers with one of `roles` reach the handler, and every call is audited as `audit`. */
export interface AuditedRoute<PS = unknown, QS = unknown, BS = unknown> extends RouteBase<PS, QS, BS> {
  access: {
    roles: readonly Role[];
    audit: string;
    /**
     * A browser signing in: the API key is the JSON body's `apiKey` rather than an Authorization
     * header (authenticated, rate-limited and audited the same way), and a session cookie does not count.
     */
    signIn?: boolean;
  };
  handler(req: RouteRequest<Out<PS>, Out<QS>, Out<BS>>, principal: Principal): Promise<Reply>;
}

/** A route without an API key: `public` says why it may be open (or what proves the caller instead). */
export interface PublicRoute<PS = unknown, QS = unknown, BS = unknown> extends RouteBase<PS, QS, BS> {
  access: { public: string };
  handler(req: RouteRequest<Out<PS>, Out<QS>, Out<BS>>): Promise<Reply>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- a list holds routes of every schema */
export type AnyAuditedRoute = AuditedRoute<any, any, any>;
export type AnyPublicRoute = PublicRoute<any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type Route = AnyAuditedRoute | AnyPublicRoute;

type Schema = z.ZodType | undefined;

/** Declares an API route; the types of params, query and body come from its schemas. */
export function route<PS extends Schema = undefined, QS extends Schema = undefined, BS extends Schema = undefined>(spec: AuditedRoute<PS, QS, BS>): Route {
  return spec as Route;
}

/** Declares a route without an API key. */
export function publicRoute<PS extends Schema = undefined, QS extends Schema = undefined, BS extends Schema = undefined>(spec: PublicRoute<PS, QS, BS>): Route {
  return spec as Route;
}

export function isAudited(r: Route): r is AnyAuditedRoute {
  return 'roles' in r.access;
}

export function problem(status: number, code: string, message: string): HttpResponse {
  return { status, body: { error: { code, message } } };
}

export function json(status: number, body: object, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers };
}

/** The body of every error answer, in every route's document. */
export const ProblemBody = z.object({
  error: z.object({ code: z.string().describe('Stable, machine-readable'), message: z.string().describe('For people; never a secret') }),
});

/** The JSON bodies the kit answers with whatever the route: the problem of a 4xx or 5xx. */
export const PROBLEM_RESPONSES = { '4xx': ProblemBody, '5xx': ProblemBody } as const;
