import type { ConnectorInstance } from '@custody/config';
import type { ControlTable, DirectoryTable, InstanceActivity, ReconciliationCountsRow } from '@custody/control';
import { secret } from '@custody/connector-kit';
import { createHttpServer, hashToken, type AuditRecord, type HttpServer, type Principal } from '@custody/http';
import type { Employee } from '@custody/identity';
import { silentLogger } from '@custody/logger';
import { z } from 'zod';
import { webhookId } from './admin-routes';
import { connectorTypesRoute } from './connector-types-route';
import { directoryRoutes } from './directory-routes';
import { healthRoutes } from './health-routes';

/** The routes the console's admin pages read and write, through the HTTP kit (roles, audit, bodies). */

/** A control table in memory: what the routes read and write of one. */
class MemoryTable<T> {
  readonly rows = new Map<string, T>();
  writes = 0;
  get(key: string): T | undefined {
    return this.rows.get(key);
  }
  values(): T[] {
    return [...this.rows.values()];
  }
  async put(key: string, value: T): Promise<void> {
    this.writes++;
    this.rows.set(key, value);
  }
  async putAll(rows: ReadonlyArray<readonly [string, T]>): Promise<void> {
    for (const [key, value] of rows) await this.put(key, value);
  }
  async remove(key: string): Promise<void> {
    this.rows.delete(key);
  }
}

const NOW = new Date('2026-03-10T12:00:00Z');
const TODAY = '2026-03-10';
const tokens = {
  admin: 'cust_admin_0123456789abcdefghijkl',
  compliance: 'cust_compliance_0123456789abcdef',
  legal: 'cust_legal_0123456789abcdefghijkl',
  globex: 'cust_globex_0123456789abcdefghijk',
};
const principals: Record<string, Principal> = {
  [hashToken(tokens.admin)]: { keyId: 'k-admin', tenant: 'acme', role: 'admin' },
  [hashToken(tokens.compliance)]: { keyId: 'k-compliance', tenant: 'acme', role: 'compliance' },
  [hashToken(tokens.legal)]: { keyId: 'k-legal', tenant: 'acme', role: 'legal' },
  [hashToken(tokens.globex)]: { keyId: 'k-globex', tenant: 'globex', role: 'admin' },
};

const connectors = new MemoryTable<ConnectorInstance>();
const directory = new MemoryTable<Employee>();
const activity = new Map<string, InstanceActivity>();
let countRows: ReconciliationCountsRow[] = [];
let lag: (group: string, topics: string[]) => Promise<number> = async () => 0;
let audits: AuditRecord[] = [];
let http: HttpServer;
let url: string;

const fakeConnector = {
  id: 'zeta-chat',
  channel: 'signal' as const,
  description: 'A connector for the test',
  configSchema: z
    .object({
      apiKey: secret(z.string().min(8)).describe('Authenticates the vendor'),
      region: z.enum(['eu', 'us']).default('eu').describe('Where the vendor keeps the data'),
      retries: z.int().optional(),
    })
    .strict(),
};
const alphaConnector = { id: 'alpha-sms', channel: 'sms' as const, description: 'Another one', configSchema: z.object({ sid: z.string() }).strict() };

beforeAll(async () => {
  http = await createHttpServer({
    logger: silentLogger(),
    maxBodyBytes: 64 * 1024,
    access: { lookup: async (sha) => principals[sha] ?? null, audit: { record: async (e) => void audits.push(e) }, failedAuthPerMinute: 100 },
  });
  http.add([
    connectorTypesRoute([fakeConnector, alphaConnector]),
    ...healthRoutes({
      connectors: connectors as unknown as ControlTable<ConnectorInstance>,
      configured: [
        { id: 'ops-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: {} },
        { id: 'globex-wa', connector: 'whatsapp-cloud', tenant: 'globex', config: {} },
      ],
      activity: () => activity,
      silence: { minEventsPerHour: 1, afterMinutes: 60 },
      counts: () => countRows,
      consumers: [
        { group: 'custody-archiver', topics: ['data', 'raw'] },
        { group: 'custody-media', topics: ['data'] },
      ],
      lag: (group, topics) => lag(group, topics),
      now: () => NOW,
    }),
    ...directoryRoutes({ directory: directory as unknown as DirectoryTable }),
  ]);
  url = await http.listen('127.0.0.1', 0);
});
afterAll(() => http.close());
beforeEach(() => {
  audits = [];
});

async function call(token: string, method: string, path: string, body?: string, contentType?: string) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(contentType && { 'content-type': contentType }) },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('GET /v1/admin/connector-types', () => {
  test('every connector by id, with its channel and the settings of its config schema; secrets marked write-only', async () => {
    const r = await call(tokens.admin, 'GET', '/v1/admin/connector-types');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      types: [
        {
          connector: 'alpha-sms',
          channel: 'sms',
          description: 'Another one',
          fields: [{ name: 'sid', required: true, secret: false, type: 'string' }],
        },
        {
          connector: 'zeta-chat',
          channel: 'signal',
          description: 'A connector for the test',
          fields: [
            { name: 'apiKey', required: true, secret: true, description: 'Authenticates the vendor', type: 'string' },
            {
              name: 'region',
              required: false,
              secret: false,
              description: 'Where the vendor keeps the data',
              type: 'enum',
              options: ['eu', 'us'],
              default: 'eu',
            },
            { name: 'retries', required: false, secret: false, type: 'number' },
          ],
        },
      ],
    });
    expect(audits).toEqual([expect.objectContaining({ action: 'connectors.types', outcome: 'ok', status: 200 })]);
  });

  test('admins only', async () => {
    expect((await call(tokens.compliance, 'GET', '/v1/admin/connector-types')).status).toBe(403);
  });
});

describe('GET /v1/admin/health', () => {
  beforeAll(async () => {
    await connectors.put(webhookId('acme', 'wa'), { id: webhookId('acme', 'wa'), name: 'wa', connector: 'whatsapp-cloud', tenant: 'acme', config: {} });
    await connectors.put(webhookId('acme', 'tg'), { id: webhookId('acme', 'tg'), name: 'tg', connector: 'telegram-bot', tenant: 'acme', config: {} });
    await connectors.put(webhookId('globex', 'wa'), { id: webhookId('globex', 'wa'), name: 'wa', connector: 'whatsapp-cloud', tenant: 'globex', config: {} });
    // the WhatsApp instance was busy until two hours ago: silent now
    const hours = new Map<number, number>();
    for (let h = 0; h < 24; h++) hours.set(Math.floor(NOW.getTime() / 3_600_000) - 2 - h, 10);
    activity.set(webhookId('acme', 'wa'), { instance: webhookId('acme', 'wa'), tenant: 'acme', lastEventAt: '2026-03-10T10:00:00.000Z', hours, gaps: [] });
    const counts = (received: number, quarantined: number, deadLettered: number) => ({
      received,
      quarantined,
      archived: received - quarantined - deadLettered,
      duplicates: 0,
      indexed: received - quarantined - deadLettered,
      deadLettered,
    });
    countRows = [
      { tenant: 'acme', day: TODAY, writer: 'gateway', connectors: { 'whatsapp-cloud': counts(10, 2, 1), 'telegram-bot': counts(4, 0, 0) } },
      { tenant: 'acme', day: TODAY, writer: 'other-host', connectors: { 'whatsapp-cloud': { ...counts(0, 0, 0), received: 3 } } },
      { tenant: 'acme', day: '2026-03-09', writer: 'gateway', connectors: { 'whatsapp-cloud': counts(100, 50, 50) } },
      { tenant: 'globex', day: TODAY, writer: 'gateway', connectors: { 'whatsapp-cloud': counts(7, 7, 0) } },
    ];
  });

  test("the consumers' lag, the tenant's counts so far today, and its connectors with today's quarantined and dead-lettered counts", async () => {
    lag = async (group, topics) => (group === 'custody-archiver' ? topics.length * 21 : 0);
    const r = await call(tokens.admin, 'GET', '/v1/admin/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      consumers: [
        { group: 'custody-archiver', lagRecords: 42 },
        { group: 'custody-media', lagRecords: 0 },
      ],
      today: { day: TODAY, received: 17, quarantined: 2, archived: 11, duplicates: 0, deadLettered: 1, indexed: 11, unaccounted: 3, notIndexed: 0 },
      connectors: [
        { id: 'ops-wa', connector: 'whatsapp-cloud', lastEventAt: null, silent: false, since: null, quarantinedToday: 2, deadLetteredToday: 1 },
        { id: 'tg', connector: 'telegram-bot', lastEventAt: null, silent: false, since: null, quarantinedToday: 0, deadLetteredToday: 0 },
        {
          id: 'wa',
          connector: 'whatsapp-cloud',
          lastEventAt: '2026-03-10T10:00:00.000Z',
          silent: true,
          since: '2026-03-10T11:00:00.000Z',
          quarantinedToday: 2,
          deadLetteredToday: 1,
        },
      ],
    });
    expect(audits).toEqual([expect.objectContaining({ tenant: 'acme', action: 'health.read', outcome: 'ok' })]);
  });

  test('another tenant sees its own counts and connectors; compliance reads it too, legal does not', async () => {
    const globex = await call(tokens.globex, 'GET', '/v1/admin/health');
    expect(globex.body.today).toMatchObject({ received: 7, quarantined: 7 });
    expect(globex.body.connectors.map((c: { id: string }) => c.id)).toEqual(['globex-wa', 'wa']);
    expect((await call(tokens.compliance, 'GET', '/v1/admin/health')).status).toBe(200);
    expect((await call(tokens.legal, 'GET', '/v1/admin/health')).status).toBe(403);
  });

  test('a bus that fails or does not answer in time leaves the lag null, and the rest of the view stands', async () => {
    lag = (group) => (group === 'custody-archiver' ? Promise.reject(new Error('broker down')) : new Promise(() => undefined));
    const started = Date.now();
    const r = await call(tokens.admin, 'GET', '/v1/admin/health');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(200);
    expect(r.body.consumers).toEqual([
      { group: 'custody-archiver', lagRecords: null },
      { group: 'custody-media', lagRecords: null },
    ]);
    expect(r.body.today.received).toBe(17);
  });
});

describe('POST /v1/admin/directory/import', () => {
  const HEADER = 'employeeId,name,kind,value,from,to';
  const upload = (body: string, token = tokens.admin, type = 'text/csv') => call(token, 'POST', '/v1/admin/directory/import', body, type);

  beforeAll(async () => {
    await directory.put('acme:emp-old', { tenant: 'acme', employeeId: 'emp-old', name: 'Olive Old', identifiers: [{ kind: 'phone', value: '+16505550100' }] });
    await directory.put('acme:emp-1', { tenant: 'acme', employeeId: 'emp-1', name: 'Ann', identifiers: [{ kind: 'phone', value: '+16505550101' }] });
    await directory.put('globex:emp-1', { tenant: 'globex', employeeId: 'emp-1', identifiers: [{ kind: 'email', value: 'g@globex.example' }] });
  });

  test('each employee in the file gets exactly its identifiers; employees not in it and other tenants are untouched; counts only are audited', async () => {
    const r = await upload(
      [HEADER, 'emp-1,,phone,+1 650 555 0101,,', 'emp-1,,email,Ann@Acme.example,2024-01-01,', 'emp-2,Bo,handle,@bo,,', 'emp-3,Cy,phone,+16505550103,,'].join(
        '\r\n',
      ),
    );
    expect(r).toEqual({ status: 200, body: { employees: 3, identifiers: 4, created: 2, updated: 1, unchanged: 0 } });
    expect(directory.get('acme:emp-1')).toEqual({
      tenant: 'acme',
      employeeId: 'emp-1',
      // an empty name keeps the one the directory has
      name: 'Ann',
      identifiers: [
        { kind: 'phone', value: '+16505550101' },
        { kind: 'email', value: 'ann@acme.example', from: '2024-01-01T00:00:00.000Z' },
      ],
    });
    expect(directory.get('acme:emp-2')).toEqual({ tenant: 'acme', employeeId: 'emp-2', name: 'Bo', identifiers: [{ kind: 'handle', value: '@bo' }] });
    expect(directory.get('acme:emp-old')!.identifiers).toEqual([{ kind: 'phone', value: '+16505550100' }]);
    expect(directory.get('globex:emp-1')!.identifiers).toEqual([{ kind: 'email', value: 'g@globex.example' }]);
    expect(audits).toEqual([
      expect.objectContaining({ action: 'directory.import', outcome: 'ok', details: { employees: 3, identifiers: 4, created: 2, updated: 1, unchanged: 0 } }),
    ]);
    expect(JSON.stringify(audits)).not.toContain('650');

    // the same file again changes nothing and writes nothing
    const writes = directory.writes;
    expect((await upload([HEADER, 'emp-2,Bo,handle,@bo,,'].join('\n'))).body).toEqual({ employees: 1, identifiers: 1, created: 0, updated: 0, unchanged: 1 });
    expect(directory.writes).toBe(writes);
  });

  test('a file with a bad row is refused whole, naming the line; nothing is written', async () => {
    const writes = directory.writes;
    const r = await upload([HEADER, 'emp-9,Nine,phone,+16505550109,,', 'emp-10,,pager,123,,'].join('\n'));
    expect(r).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_csv',
          message: 'directory CSV: 1 problem(s), nothing was imported: line 3: kind: Invalid option: expected one of "phone"|"email"|"handle"',
        },
      },
    });
    expect(directory.writes).toBe(writes);
    expect(directory.get('acme:emp-9')).toBeUndefined();
    expect(audits).toEqual([expect.objectContaining({ action: 'directory.import', outcome: 'failed', status: 400 })]);
  });

  test('text/csv only; over the body limit 413; admins only', async () => {
    expect((await upload(`${HEADER}\nemp-1,,phone,1,,`, tokens.admin, 'text/plain')).status).toBe(415);
    expect((await upload(JSON.stringify({ csv: HEADER }), tokens.admin, 'application/json')).status).toBe(415);
    expect((await upload(`${HEADER}\n${'emp-1,,handle,h,,\n'.repeat(5000)}`)).status).toBe(413);
    expect((await upload(`${HEADER}\n`, tokens.compliance)).status).toBe(403);
    expect((await upload('')).body.error).toEqual({
      code: 'invalid_csv',
      message: 'directory CSV: the file is empty; expected the header row employeeId,name,kind,value,from,to',
    });
  });

  test('PUT /v1/admin/directory/:id normalizes as the import does', async () => {
    const r = await call(
      tokens.admin,
      'PUT',
      '/v1/admin/directory/emp-4',
      JSON.stringify({ identifiers: [{ kind: 'email', value: 'D@X.example' }] }),
      'application/json',
    );
    expect(r).toMatchObject({ status: 201, body: { identifiers: [{ kind: 'email', value: 'd@x.example' }] } });
    const bad = await call(
      tokens.admin,
      'PUT',
      '/v1/admin/directory/emp-4',
      JSON.stringify({ identifiers: [{ kind: 'email', value: 'd@x.example', from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }] }),
      'application/json',
    );
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: 'identifier d@x.example: from must be before to' } } });
  });
});
