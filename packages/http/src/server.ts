import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CircuitOpenError, CustodyError, RejectedInputError, errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { observeHttpRequest } from '@custody/metrics';
import { problem, type HttpRequest, type HttpResponse, type Route } from './types';

export class BodyTooLargeError extends RejectedInputError {
  /** `sample`: the first `limit` bytes; `received`: how many bytes arrived in all. */
  constructor(readonly limit: number, readonly sample: Buffer, readonly received = sample.length) {
    super('body_too_large', `body exceeds ${limit} bytes`, 413);
  }
}

export interface HttpServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  routes: Route[];
  logger: Logger;
  publicUrl?: string;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const compiled = opts.routes.map(compile);
  const server = createServer((req, res) => {
    dispatch(compiled, opts, req, res).catch((err: unknown) => {
      // last line of defence: a bug in dispatch itself costs one connection, not the process
      opts.logger.error({ event: 'http_dispatch_failed', err: errorMessage(err) });
      res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

async function dispatch(routes: CompiledRoute[], opts: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  let path = '?';
  let pattern = 'unmatched';
  let response: HttpResponse;
  try {
    // everything that reads the request is inside the try: a hostile request line or Host header
    // gets a 400, never an exception that escapes and takes the process down
    const url = parseTarget(req.url);
    path = url.pathname;
    const matches = routes.filter((r) => r.regex.test(url.pathname));
    const route = matches.find((r) => r.method === req.method);
    if (!route) {
      response = matches.length ? problem(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`) : problem(404, 'not_found', `no route ${url.pathname}`);
    } else {
      pattern = route.pattern;
      const m = route.regex.exec(url.pathname)!;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeParam(m[i + 1]!)]));
      response = await route.handler(toRequest(req, url, params, opts));
    }
  } catch (err) {
    response = errorResponse(err, opts.logger, path);
  }
  try {
    send(res, response);
  } catch (err) {
    // e.g. ERR_INVALID_CHAR from a header value: answer 500 and keep serving, never exit the process
    opts.logger.error({ event: 'http_response_failed', path, err: errorMessage(err) });
    response = problem(500, 'internal_error', 'internal error');
    if (res.headersSent) res.destroy();
    else send(res, response);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  observeHttpRequest(pattern, req.method ?? '?', response.status, ms / 1000);
  opts.logger.debug({ event: 'http_request', method: req.method, path, status: response.status, ms });
}

function parseTarget(target: string | undefined): URL {
  if (!target?.startsWith('/') || target.startsWith('//')) throw new RejectedInputError('bad_request_target', 'request target must be an absolute path');
  try {
    return new URL(target, 'http://local');
  } catch {
    throw new RejectedInputError('bad_request_target', 'request target is not a valid path');
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RejectedInputError('bad_path', 'malformed percent-encoding in the path');
  }
}

function toRequest(req: IncomingMessage, url: URL, params: Record<string, string>, opts: HttpServerOptions): HttpRequest {
  let body: Promise<Buffer> | undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const base = opts.publicUrl ?? (/^[\w.:[\]-]{1,255}$/.test(req.headers.host ?? '') ? `http://${req.headers.host}` : 'http://localhost');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    params,
    query: url.searchParams,
    headers,
    url: new URL(`${url.pathname}${url.search}`, base).toString(),
    remoteAddress: req.socket.remoteAddress,
    body: () => (body ??= readBody(req, opts.maxBodyBytes)),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) return; // drain without keeping: the client gets its 413 after sending
      if (size > limit) {
        over = true;
        chunks.push(chunk.subarray(0, Math.max(0, chunk.length - (size - limit))));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (over || declared > limit ? reject(new BodyTooLargeError(limit, Buffer.concat(chunks), size)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function errorResponse(err: unknown, logger: Logger, path: string): HttpResponse {
  if (err instanceof RejectedInputError) return problem(err.status, err.code, err.message);
  if (err instanceof CustodyError && err.retriable) {
    // a refusal by an open circuit was reported once when it opened; one line per request would bury that
    logger[err instanceof CircuitOpenError ? 'debug' : 'warn']({ event: 'http_dependency_unavailable', path, err: errorMessage(err) });
    return { ...problem(503, err.code, 'a dependency is unavailable; retry later'), headers: { 'retry-after': '5' } };
  }
  if (err instanceof CustodyError && err.code === 'not_found') return problem(404, err.code, err.message);
  logger.error({ event: 'http_handler_failed', path, err: errorMessage(err), stack: (err as Error)?.stack });
  return problem(500, 'internal_error', 'internal error');
}

function send(res: ServerResponse, response: HttpResponse): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...response.headers };
  if (response.body instanceof Readable) {
    res.writeHead(response.status, headers);
    // an error mid-stream (e.g. a failed integrity check) must cut the response, never end it as if complete
    pipeline(response.body, res).catch(() => res.destroy());
    return;
  }
  let payload: string | Buffer | undefined;
  if (response.body === undefined) payload = undefined;
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
  else {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
