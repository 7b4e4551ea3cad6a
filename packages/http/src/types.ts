import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: string;
  path: string;
  /** Path parameters captured by the route pattern (`:name`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  /** Read lazily so a route can refuse before reading; rejects with BodyTooLargeError past the limit. */
  body(): Promise<Buffer>;
  url: string;
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Readable is piped (large attachments); objects are sent as JSON. */
  body?: string | Buffer | Readable | object;
}

export type Handler = (req: HttpRequest) => Promise<HttpResponse>;

export interface Route {
  method: string;
  /** e.g. /v1/records/:id */
  pattern: string;
  handler: Handler;
}

export function json(status: number, body: object, headers: Record<string, string> = {}): HttpResponse {
  return { status, body, headers };
}

export function problem(status: number, code: string, message: string): HttpResponse {
  return { status, body: { error: { code, message } } };
}
