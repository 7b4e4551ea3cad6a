import { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { DependencyUnavailableError, IntegrityError, NotFoundError, RejectedInputError } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { z } from 'zod';
import { hashToken, type AuditRecord } from './access';
import { createHttpServer, type HttpServer } from './server';
import { json, publicRoute, route, type Principal, type RawBody } from './route';

const LIMIT = 1024;
const TOKEN = 'cust_key-a_0123456789abcdefghijklmnopqrstuv';
const KEYS: Record<string, Principal> = { [hashToken(TOKEN)]: { keyId: 'key-a', tenant: 'acme', role: 'compliance' } };
const lines: Array<Record<string, unknown>> = [];
const logger = createLogger('test', { level: 'debug' }, new Writable({ write: (chunk, _e, next) => next(void lines.push(JSON.parse(chunk.toString()))) }));
let audits: AuditRecord[] = [];
let failAudit = false;
let dropped = 0;
let done: Array<{ route: string; status: number }> = [];
let raws: RawBody[] = [];
let http: HttpServer;
let url: string;

const READERS = ['compliance'] as const;
beforeAll(async () => {
  http = await createHttpServer({
    logger,
    maxBodyBytes: LIMIT,
    access: {
      lookup: async (sha) => KEYS[sha] ?? null,
      audit: {
        record: async (e) =>
          void (failAudit
            ? (() => {
                throw new DependencyUnavailableError('kafka', 'down');
              })()
            : audits.push(e)),
      },
      failedAuthPerMinute: 2,
      onFailedAuthDropped: () => void dropped++,
    },
    onRequestDone: (e) => void done.push(e),
  });
  const fail = (err: unknown) => async (): Promise<never> => {
    throw err;
  };
  http.add([
    route({
      method: 'GET',
      url: '/v1/records/:id',
      summary: 'Read records',
      access: { roles: READERS, audit: 'records.get' },
      schema: { params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string() }) } },
      handler: async (req) => ({ ...json(200, { id: req.params.id }), target: req.params.id, details: { n: 1 } }),
    }),
    route({
      method: 'POST',
      url: '/v1/things',
      summary: 'Create things',
      access: { roles: READERS, audit: 'things.create' },
      schema: { body: z.object({ name: z.string().max(5) }).strict(), response: { 201: z.object({ name: z.string() }) } },
      invalid: { code: 'invalid_thing', what: 'thing' },
      handler: async (req) => json(201, { name: req.body.name }),
    }),
    route({
      method: 'GET',
      url: '/v1/admin-only',
      summary: 'Do admin things',
      access: { roles: ['admin'], audit: 'admin.thing' },
      schema: { response: {} },
      handler: fail(new Error('never')),
    }),
    route({
      method: 'GET',
      url: '/v1/outage',
      summary: 'Fail',
      access: { roles: READERS, audit: 'outage' },
      schema: { response: {} },
      handler: fail(new DependencyUnavailableError('opensearch', 'connect ECONNREFUSED 10.1.2.3:9200')),
    }),
    publicRoute({
      method: 'GET',
      url: '/open/missing',
      summary: 'Miss',
      access: { public: 'test' },
      schema: { response: {} },
      handler: fail(new NotFoundError('record abc not found')),
    }),
    publicRoute({
      method: 'GET',
      url: '/open/rejected',
      summary: 'Reject',
      access: { public: 'test' },
      schema: { response: {} },
      handler: fail(new RejectedInputError('query_invalid', 'q: too long', 422)),
    }),
    publicRoute({
      method: 'GET',
      url: '/open/boom',
      summary: 'Boom',
      access: { public: 'test' },
      schema: { response: {} },
      handler: fail(new Error('db password=hunter2')),
    }),
    route({
      method: 'GET',
      url: '/v1/stream/:how',
      summary: 'Stream',
      access: { roles: READERS, audit: 'stream' },
      schema: { params: z.object({ how: z.enum(['whole', 'cut']) }), response: {} },
      handler: async (req) => {
        const body = new Readable({ read() {} });
        body.push(Buffer.alloc(64 * 1024, 1));
        // an integrity failure after the headers and some bytes went out
        setTimeout(() => (req.params.how === 'whole' ? body.push(null) : body.destroy(new IntegrityError('attachment: content hashes to 00'))), 50);
        return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body, target: 'r1' };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/files',
      summary: 'Upload files',
      access: { roles: READERS, audit: 'files.upload' },
      bodyKind: 'csv',
      schema: { body: z.string().describe('A CSV file'), response: { 200: z.object({ text: z.string() }) } },
      handler: async (req) => json(200, { text: req.body }),
    }),
    publicRoute({
      method: 'POST',
      url: '/hooks/:id',
      summary: 'Hook',
      access: { public: 'signed' },
      bodyKind: 'raw',
      schema: { params: z.object({ id: z.string() }), response: {} },
      handler: async (req) => {
        raws.push((req as unknown as { body: RawBody }).body);
        return json(200, { q: req.search.get('q'), url: req.url });
      },
    }),
  ]);
  url = await http.listen('127.0.0.1', 0);
});
afterAll(() => http.close());
beforeEach(() => {
  audits = [];
  done = [];
  raws = [];
  lines.length = 0;
  failAudit = false;
});

const auth = { authorization: `Bearer ${TOKEN}` };
async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('the HTTP kit', () => {
  test('an authorized call is answered, audited with its status, target and details, and logged once without secrets', async () => {
    const res = await call('/v1/records/abc?token=sekrit', { headers: auth });
    expect(res).toMatchObject({ status: 200, body: { id: 'abc' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(audits).toEqual([
      {
        tenant: 'acme',
        actor: { keyId: 'key-a', role: 'compliance' },
        action: 'records.get',
        outcome: 'ok',
        status: 200,
        target: 'abc',
        source: { address: expect.any(String) },
        details: { n: 1 },
      },
    ]);
    await settle();
    const access = lines.filter((l) => l.event === 'http_request');
    expect(access).toEqual([expect.objectContaining({ reqId: requestId, method: 'GET', route: '/v1/records/:id', path: '/v1/records/abc', status: 200 })]);
    expect(JSON.stringify(lines)).not.toMatch(/sekrit|cust_key-a/);
    expect(done).toEqual([expect.objectContaining({ route: '/v1/records/:id', status: 200 })]);
  });

  test('no key → 401 before anything is read, audited in the _system trail at a bounded rate; a wrong role → 403 audited as denied', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await call('/v1/things', { method: 'POST', body: '{"name":"x"}', headers: { authorization: 'Bearer cust_unknown_0123456789abcdef' } })).status,
      ).toBe(401);
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({
      tenant: '_system',
      action: 'things.create',
      outcome: 'denied',
      status: 401,
      target: 'POST /v1/things',
      details: { reason: 'unknown API key' },
    });
    expect(dropped).toBe(1);
    audits = [];
    const res = await call('/v1/admin-only', { headers: auth });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'role compliance may not do admin things (needs admin)' } } });
    expect(audits).toEqual([expect.objectContaining({ action: 'admin.thing', outcome: 'denied', status: 403 })]);
  });

  test('bodies: empty is {}, malformed JSON, duplicate keys and schema violations are 400s with the route’s code; past the limit 413', async () => {
    const post = (body: string) => call('/v1/things', { method: 'POST', body, headers: auth });
    expect((await post('{"name":"ok"}')).status).toBe(201);
    expect((await post('')).body).toEqual({ error: { code: 'invalid_thing', message: 'thing: name: Invalid input: expected string, received undefined' } });
    expect((await post('{"name":')).body.error.code).toBe('malformed_json');
    expect((await post('{"name":"a","name":"b"}')).body.error.code).toBe('duplicate_key');
    expect((await post('{"name":"toolong"}')).body.error.code).toBe('invalid_thing');
    expect((await post('{"name":"a","extra":1}')).status).toBe(400);
    const big = await post(`{"name":"${'y'.repeat(LIMIT)}"}`);
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'body_too_large', message: `body exceeds ${LIMIT} bytes` } } });
    expect(audits.map((a) => [a.outcome, a.status])).toEqual([
      ['ok', 201],
      ['failed', 400],
      ['failed', 400],
      ['failed', 400],
      ['failed', 400],
      ['failed', 400],
      ['failed', 413],
    ]);
  });

  test('a CSV body: text/csv only (415 otherwise), UTF-8 strictly, handed over as text; past the limit 413; documented as text/csv', async () => {
    const post = (body: string | Uint8Array<ArrayBuffer>, type?: string) =>
      call('/v1/files', { method: 'POST', body, headers: { ...auth, ...(type !== undefined && { 'content-type': type }) } });
    expect(await post('a,b\r\n1,2\r\n', 'text/csv')).toMatchObject({ status: 200, body: { text: 'a,b\r\n1,2\r\n' } });
    expect(await post('é,b', 'Text/CSV; charset="utf-8"')).toMatchObject({ status: 200, body: { text: 'é,b' } });
    expect(await post('', 'text/csv')).toMatchObject({ status: 200, body: { text: '' } });
    for (const type of ['text/plain', 'application/json', 'application/x-www-form-urlencoded', 'text/csvx'])
      expect(await post('a,b', type)).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    expect(await post('a,b', 'text/csv; charset=latin1')).toMatchObject({
      status: 415,
      body: { error: { message: 'charset latin1: send the file as UTF-8' } },
    });
    expect(await post(new Uint8Array([0x61, 0x2c, 0xe9, 0x0a]), 'text/csv')).toMatchObject({ status: 400, body: { error: { code: 'malformed_csv' } } });
    expect(await post('y'.repeat(LIMIT + 1), 'text/csv')).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } });
    expect(audits.map((a) => a.status)).toEqual([200, 200, 200, 415, 415, 415, 415, 415, 400, 413]);
    const doc = (await http.openapi()) as any;
    expect(doc.paths['/v1/files'].post.requestBody.content).toEqual({
      'text/csv': { schema: expect.objectContaining({ type: 'string', description: 'A CSV file' }) },
    });
  });

  test('the error map: a dependency outage is answered 503 and audited 503; not found 404; rejected input its status; anything else a bare 500', async () => {
    const outage = await call('/v1/outage', { headers: auth });
    expect(outage).toMatchObject({ status: 503, body: { error: { code: 'dependency_unavailable', message: 'a dependency is unavailable; retry later' } } });
    expect(outage.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(outage.body)).not.toContain('10.1.2.3');
    expect(audits).toEqual([expect.objectContaining({ action: 'outage', outcome: 'failed', status: 503 })]);
    expect(await call('/open/missing')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'record abc not found' } } });
    expect(await call('/open/rejected')).toMatchObject({ status: 422, body: { error: { code: 'query_invalid' } } });
    const boom = await call('/open/boom');
    expect(boom).toMatchObject({ status: 500, body: { error: { code: 'internal_error', message: 'internal error' } } });
    await settle();
    expect(lines).toContainEqual(expect.objectContaining({ event: 'http_handler_failed', err: 'db password=hunter2' }));
  });

  test('an answer whose audit record cannot be written is not given: 503', async () => {
    failAudit = true;
    expect((await call('/v1/records/abc', { headers: auth })).status).toBe(503);
  });

  test('a stream is audited once sent: whole → ok; cut by an integrity failure → failed 500, and the client never gets a complete response', async () => {
    const whole = await fetch(`${url}/v1/stream/whole`, { headers: auth });
    expect((await whole.arrayBuffer()).byteLength).toBe(64 * 1024);
    await settle();
    expect(audits).toEqual([expect.objectContaining({ action: 'stream', outcome: 'ok', status: 200, target: 'r1' })]);
    audits = [];
    const cut = await fetch(`${url}/v1/stream/cut`, { headers: auth });
    expect(cut.status).toBe(200);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    await settle();
    expect(audits).toEqual([
      expect.objectContaining({ action: 'stream', outcome: 'failed', status: 500, details: { error: 'attachment: content hashes to 00' } }),
    ]);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'http_request', route: '/v1/stream/:how', status: 500, complete: false }));
  });

  test('404, 405 and a malformed percent-encoding are problems too', async () => {
    expect(await call('/v1/nothing')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no route /v1/nothing' } } });
    expect(await call('/v1/records/abc', { method: 'PUT' })).toMatchObject({
      status: 405,
      body: { error: { code: 'method_not_allowed', message: 'PUT is not allowed on /v1/records/abc' } },
    });
    expect(await call('/v1/records/%E0%A4%A', { headers: auth })).toMatchObject({ status: 400, body: { error: { code: 'bad_path' } } });
  });

  test('a raw (webhook) body arrives as its bytes, whatever its type; past the limit the first bytes and the count, for quarantine', async () => {
    const res = await call('/hooks/w1?q=a%20b', { method: 'POST', body: '<xml/>', headers: { 'content-type': 'text/xml' } });
    expect(res.body).toEqual({ q: 'a b', url: `${url}/hooks/w1?q=a%20b` });
    await call('/hooks/w1', { method: 'POST', body: 'z'.repeat(LIMIT * 3) });
    expect(raws.map((r) => [r.bytes.toString(), r.received, r.overLimit])).toEqual([
      ['<xml/>', 6, false],
      ['z'.repeat(LIMIT), LIMIT * 3, true],
    ]);
  });

  test('limiters count per key and refuse past their rate, taking nothing then', async () => {
    const limiter = http.limiter(2);
    expect(await limiter.take('i:1', 'a:x')).toBe(true);
    expect(await limiter.take('i:1', 'a:y')).toBe(true);
    expect(await limiter.take('i:1', 'a:z')).toBe(false);
    expect(await limiter.take('i:2', 'a:z')).toBe(true);
  });
});

describe('API request limits (CUSTODY_API_REQUESTS_PER_MINUTE_PER_KEY / _PER_ADDRESS)', () => {
  async function limitedServer(requestsPerMinute: { perKey: number; perAddress: number }) {
    const recorded: AuditRecord[] = [];
    let lookups = 0;
    const server = await createHttpServer({
      logger,
      maxBodyBytes: LIMIT,
      access: {
        lookup: async (sha) => (lookups++, KEYS[sha] ?? null),
        audit: { record: async (e) => void recorded.push(e) },
        failedAuthPerMinute: 100,
        requestsPerMinute,
      },
    });
    server.add([
      route({
        method: 'GET',
        url: '/v1/records/:id',
        summary: 'Read records',
        access: { roles: READERS, audit: 'records.get' },
        schema: { params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string() }) } },
        handler: async (req) => json(200, { id: req.params.id }),
      }),
    ]);
    const base = await server.listen('127.0.0.1', 0);
    return { server, base, recorded, lookups: () => lookups };
  }

  test('past its rate a key gets 429 with retry-after, audited as denied', async () => {
    const s = await limitedServer({ perKey: 2, perAddress: 100 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${s.base}/v1/records/r${i}`, { headers: auth })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const res = await fetch(`${s.base}/v1/records/r9`, { headers: auth });
      expect(res.headers.get('retry-after')).toBe('60');
      expect(await res.json()).toEqual({ error: { code: 'too_many_requests', message: 'too many requests from this API key; retry in a minute' } });
      expect(s.recorded.at(-1)).toMatchObject({ actor: { keyId: 'key-a' }, outcome: 'denied', status: 429 });
    } finally {
      await s.server.close();
    }
  });

  test('past its rate an address gets 429 before its key is even looked up', async () => {
    const s = await limitedServer({ perKey: 100, perAddress: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await fetch(`${s.base}/v1/records/r${i}`, { headers: { authorization: 'Bearer cust_unknown_0123456789abcdef' } })).status);
      expect(statuses).toEqual([401, 401, 429]);
      expect(s.lookups()).toBe(2);
    } finally {
      await s.server.close();
    }
  });
});
