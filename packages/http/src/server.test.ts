import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DependencyUnavailableError, NotFoundError, RejectedInputError } from '@custody/errors';
import { silentLogger } from '@custody/logger';
import { BodyTooLargeError, startHttpServer, type RunningServer } from './server';
import { json, type HttpRequest, type Route } from './types';

const LIMIT = 1024;
const logger = silentLogger();
let server: RunningServer;
let bodyErrors: unknown[] = [];
let seen: HttpRequest[] = [];

const routes: Route[] = [
  { method: 'GET', pattern: '/v1/records/:id', handler: async (req) => json(200, { id: req.params.id }) },
  {
    method: 'GET',
    pattern: '/v1/tenants/:tenant/records/:id.json',
    handler: async (req) => {
      seen.push(req);
      return json(200, { params: req.params, q: req.query.get('q') });
    },
  },
  { method: 'DELETE', pattern: '/v1/records/:id', handler: async () => ({ status: 204 }) },
  {
    method: 'POST',
    pattern: '/v1/upload',
    handler: async (req) => {
      let body: Buffer;
      try {
        body = await req.body();
      } catch (err) {
        bodyErrors.push(err);
        throw err;
      }
      const again = await req.body();
      return json(200, { size: body.length, sameBuffer: again === body, text: body.toString('utf8').slice(0, 20) });
    },
  },
  {
    method: 'GET',
    pattern: '/v1/rejected',
    handler: async () => {
      throw new RejectedInputError('query_invalid', 'q: must be at most 200 characters', 422);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/outage',
    handler: async () => {
      throw new DependencyUnavailableError('opensearch', 'connect ECONNREFUSED 10.1.2.3:9200');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/missing',
    handler: async () => {
      throw new NotFoundError('record abc not found');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/boom',
    handler: async () => {
      throw new Error('db password=hunter2 at /srv/secret/path');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/bad-header/:which',
    // what a vendor-supplied content type did before it was validated: Node refuses it in writeHead
    handler: async (req) => ({ status: 200, headers: { 'content-type': req.params.which === 'crlf' ? 'text/plain\r\nX-Injected: yes' : 'text/plain; name=résumé☃' }, body: 'x' }),
  },
  {
    method: 'GET',
    pattern: '/v1/throws-string',
    handler: async () => {
      throw 'a string, not an Error'; // eslint-disable-line no-throw-literal
    },
  },
];

beforeAll(async () => {
  server = await startHttpServer({ host: '127.0.0.1', port: 0, maxBodyBytes: LIMIT, routes, logger });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  bodyErrors = [];
  seen = [];
});
afterEach(() => jest.restoreAllMocks());

async function call(path: string, init?: RequestInit) {
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** Sends raw HTTP/1.1 bytes and returns the status line, or a marker when no response arrives. */
function raw(request: string, waitMs = 3_000, port = Number(new URL(server.url).port)): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(out.split('\r\n')[0] || 'NO RESPONSE');
    }, waitMs);
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out.split('\r\n')[0] || 'NO RESPONSE');
    });
    socket.on('error', () => undefined);
  });
}

/** Starts this file's server (src, transpiled on require) in a child process with one GET /ping route. */
async function spawnServerProcess(): Promise<{ url: string; exited: () => boolean; kill: () => void }> {
  const script = `
    const fs = require('node:fs');
    const ts = require('typescript');
    require.extensions['.ts'] = (m, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      m._compile(out.outputText, filename);
    };
    const { startHttpServer } = require(${JSON.stringify(join(__dirname, 'server.ts'))});
    const { silentLogger } = require('@custody/logger');
    startHttpServer({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, logger: silentLogger(),
      routes: [{ method: 'GET', pattern: '/ping', handler: async () => ({ status: 200, body: { ok: true } }) }] })
      .then((s) => process.stdout.write(s.url + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`server process exited ${code}: ${err}`)));
  });
  return { url, exited: () => exited, kill: () => void (exited || child.kill()) };
}

describe('startHttpServer', () => {
  test('listens on a free port and reports its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  test('routes a matching request and sends JSON with no-store', async () => {
    const res = await call('/v1/records/abc');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'abc' });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('unknown route → 404 not_found', async () => {
    const res = await call('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no route /v1/nothing-here' } });
    expect((await call('/v1/records')).status).toBe(404);
    expect((await call('/v1/records/a/b')).status).toBe(404);
  });

  test('known path, wrong method → 405 method_not_allowed', async () => {
    const res = await call('/v1/records/abc', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ error: { code: 'method_not_allowed', message: 'PUT is not allowed on /v1/records/abc' } });
    expect((await call('/v1/upload')).status).toBe(405);
    expect((await call('/v1/records/abc', { method: 'DELETE' })).status).toBe(204);
  });

  test('path parameters are percent-decoded; query and url are exposed', async () => {
    expect((await call('/v1/records/a%20b%2Fc%C3%A9')).body).toEqual({ id: 'a b/cé' });
    const res = await call('/v1/tenants/acme/records/wamid.1.json?q=hello%20world');
    expect(res.body).toEqual({ params: { tenant: 'acme', id: 'wamid.1' }, q: 'hello world' });
    expect(seen[0]!.url).toBe(`${server.url}/v1/tenants/acme/records/wamid.1.json?q=hello%20world`);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.path).toBe('/v1/tenants/acme/records/wamid.1.json');
  });

  test('literal dots in a pattern are not wildcards', async () => {
    expect((await call('/v1/tenants/acme/records/wamid.1xjson')).status).toBe(404);
  });

  test('a malformed percent-encoding in a path parameter is a 400, not a 500', async () => {
    const res = await call('/v1/records/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.code).not.toBe('internal_error');
  });

  test('a request target that is not a parsable URL gets a 400 and does not take the process down', async () => {
    // Run in a child process (this file's src, transpiled on load) so a crash cannot take the test runner with it.
    const child = await spawnServerProcess();
    try {
      const port = Number(new URL(child.url).port);
      const status = await raw('GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 3_000, port);
      // a rejection left unhandled by the bad request would end the process before it serves the next one
      const ping = (await fetch(`${child.url}/ping`)).status;
      expect({ status, ping, exited: child.exited() }).toEqual({ status: expect.stringMatching(/^HTTP\/1\.1 400 /), ping: 200, exited: false });
    } finally {
      child.kill();
    }
  });

  test('a body up to maxBodyBytes is read once and cached', async () => {
    const res = await call('/v1/upload', { method: 'POST', body: 'x'.repeat(LIMIT) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ size: LIMIT, sameBuffer: true, text: 'x'.repeat(20) });
    expect(bodyErrors).toEqual([]);
  });

  test('a body over maxBodyBytes rejects req.body() with BodyTooLargeError; rethrown it is a 413', async () => {
    const res = await call('/v1/upload', { method: 'POST', body: 'y'.repeat(LIMIT * 5 + 3) });
    expect(bodyErrors).toHaveLength(1);
    const err = bodyErrors[0] as BodyTooLargeError;
    expect(err).toBeInstanceOf(BodyTooLargeError);
    expect(err).toBeInstanceOf(RejectedInputError);
    expect(err.status).toBe(413);
    expect(err.code).toBe('body_too_large');
    expect(err.limit).toBe(LIMIT);
    expect(err.sample.length).toBe(LIMIT); // keeps the first `limit` bytes for quarantine, not the whole body
    expect(err.sample.equals(Buffer.from('y'.repeat(LIMIT)))).toBe(true);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: `body exceeds ${LIMIT} bytes` } });
  });

  test('one byte over the limit is too large', async () => {
    expect((await call('/v1/upload', { method: 'POST', body: 'z'.repeat(LIMIT + 1) })).status).toBe(413);
  });

  test('RejectedInputError maps to its status and {error:{code,message}}', async () => {
    const res = await call('/v1/rejected');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: { code: 'query_invalid', message: 'q: must be at most 200 characters' } });
  });

  test('DependencyUnavailableError maps to 503 with retry-after, without the dependency detail', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const res = await call('/v1/outage');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toEqual({ error: { code: 'dependency_unavailable', message: 'a dependency is unavailable; retry later' } });
    expect(JSON.stringify(res.body)).not.toContain('10.1.2.3');
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: 'http_dependency_unavailable', path: '/v1/outage' }));
  });

  test('NotFoundError maps to 404', async () => {
    const res = await call('/v1/missing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'record abc not found' } });
  });

  test('an unknown error → 500 internal_error without leaking its message; it is logged', async () => {
    const error = jest.spyOn(logger, 'error');
    const res = await call('/v1/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|secret|password/);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ event: 'http_handler_failed', path: '/v1/boom', err: 'db password=hunter2 at /srv/secret/path' }));
    const thrownString = await call('/v1/throws-string');
    expect(thrownString.status).toBe(500);
    expect(thrownString.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
  });

  test.each(['crlf', 'non-latin1'])('a handler response with an invalid header value (%s) → 500, logged, and the server keeps serving', async (which) => {
    const error = jest.spyOn(logger, 'error');
    const res = await call(`/v1/bad-header/${which}`);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-injected')).toBeNull();
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ event: 'http_response_failed', path: `/v1/bad-header/${which}` }));
    expect((await call('/v1/records/still-up')).status).toBe(200);
  });

  test('close() stops accepting connections', async () => {
    const other = await startHttpServer({ host: '127.0.0.1', port: 0, maxBodyBytes: LIMIT, routes, logger });
    expect((await fetch(`${other.url}/v1/records/x`)).status).toBe(200);
    await other.close();
    await expect(fetch(`${other.url}/v1/records/x`)).rejects.toThrow();
  });
});
