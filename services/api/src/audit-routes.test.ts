import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, auditKey } from '@custody/archive-store';
import { AuditQuery, readAuditTrail } from './audit-routes';
import { timeOrderedId, type AuditEvent } from './audit';

describe('timeOrderedId', () => {
  test('is a UUIDv7 whose order is the order of the instants', () => {
    const ids = [0, 1, 2, 1_000, 86_400_000, 2 ** 40].map((d) => timeOrderedId(Date.UTC(2026, 10, 30) + d));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('readAuditTrail', () => {
  let dir: string;
  let store: LocalArchiveStore;
  const events: AuditEvent[] = [];
  const base = Date.UTC(2026, 10, 28, 23, 0, 0);
  // 4 days: 2026-11-28 23:00 … 2026-12-01 11:00, every 40 minutes, alternating actors, actions and outcomes
  const at = (i: number) => base + i * 40 * 60_000;
  const q = (o: Record<string, unknown> = {}) => AuditQuery.parse({ from: '2026-11-01T00:00:00Z', to: '2026-12-31T00:00:00Z', ...o });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-trail-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    for (let i = 0; i < 90; i++) {
      events.push({
        id: timeOrderedId(at(i)),
        at: new Date(at(i)).toISOString(),
        tenant: i % 10 === 9 ? 'globex' : 'acme',
        actor: { keyId: i % 3 === 0 ? 'key-a' : 'key-b', role: 'compliance' },
        action: i % 2 === 0 ? 'records.search' : 'records.get',
        outcome: i % 5 === 0 ? 'denied' : 'ok',
        status: i % 5 === 0 ? 403 : 200,
      });
    }
    // archived in an order unlike the events' own, as a partitioned bus may deliver them
    const shuffled = [...events].sort((a, b) => (a.id.slice(-4) < b.id.slice(-4) ? -1 : 1));
    // where the audit archiver files them (the one layout both use)
    for (const e of shuffled) {
      await store.put({
        key: auditKey(e.tenant, e.at, e.id),
        body: Buffer.from(JSON.stringify(e)),
        contentType: 'application/json',
        retainUntil: new Date(Date.now() + 86_400_000),
        legalHold: false,
      });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const acme = () => events.filter((e) => e.tenant === 'acme');
  async function all(query: Record<string, unknown>, budget?: number) {
    const got: AuditEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    const get = jest.spyOn(store, 'get');
    do {
      get.mockClear();
      const page = await readAuditTrail(store, 'acme', q({ ...query, cursor }), { budget });
      if (budget) expect(get.mock.calls.length).toBeLessThanOrEqual(budget);
      expect(page.events.length).toBeLessThanOrEqual(q(query).limit);
      got.push(...(page.events as AuditEvent[]));
      cursor = page.cursor ?? undefined;
      pages++;
    } while (cursor);
    get.mockRestore();
    return { got, pages };
  }

  test('the tenant’s events only, oldest first, as archived, over several days and pages', async () => {
    const { got, pages } = await all({ limit: 7 });
    expect(got).toEqual(acme());
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(acme().length / 7));
  });

  test.each([
    ['actor', { actor: 'key-a' }, (e: AuditEvent) => e.actor.keyId === 'key-a'],
    ['action', { action: 'records.get' }, (e: AuditEvent) => e.action === 'records.get'],
    ['outcome', { outcome: 'denied' }, (e: AuditEvent) => e.outcome === 'denied'],
    [
      'all three',
      { actor: 'key-b', action: 'records.search', outcome: 'ok' },
      (e: AuditEvent) => e.actor.keyId === 'key-b' && e.action === 'records.search' && e.outcome === 'ok',
    ],
  ])('filter by %s', async (_n, filter, keep) => {
    const { got } = await all({ ...filter, limit: 5 });
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(acme().filter(keep));
  });

  test('time range: from inclusive, to exclusive, only the days in range are read', async () => {
    const from = new Date(at(40)).toISOString();
    const to = new Date(at(60)).toISOString();
    const listed: string[] = [];
    const list = store.list.bind(store);
    const spy = jest.spyOn(store, 'list').mockImplementation((prefix) => (listed.push(prefix), list(prefix)));
    const { got } = await all({ from, to, limit: 200 });
    spy.mockRestore();
    expect(got).toEqual(acme().filter((e) => e.at >= from && e.at < to));
    expect(new Set(listed)).toEqual(new Set([`tenants/acme/audit/${from.slice(0, 10)}/`, `tenants/acme/audit/${to.slice(0, 10)}/`]));
  });

  test('a selective filter reads a bounded number of events per request and still finds everything by paging', async () => {
    const { got, pages } = await all({ actor: 'key-a', outcome: 'denied', limit: 200 }, 10);
    expect(got).toEqual(acme().filter((e) => e.actor.keyId === 'key-a' && e.outcome === 'denied'));
    expect(pages).toBeGreaterThan(1);
  });

  test('another tenant’s trail is not reachable, a forged cursor is refused, bad queries are 400', async () => {
    const page = await readAuditTrail(store, 'globex', q({ limit: 200 }));
    expect((page.events as AuditEvent[]).every((e) => e.tenant === 'globex')).toBe(true);
    const forged = Buffer.from(JSON.stringify(['2026-11-29', '../../globex/x.json'])).toString('base64url');
    await expect(readAuditTrail(store, 'acme', q({ cursor: forged }))).rejects.toMatchObject({ code: 'invalid_query', status: 400 });
    await expect(readAuditTrail(store, 'acme', q({ from: '2027-01-02T00:00:00Z' }))).rejects.toMatchObject({ code: 'invalid_query' });
    await expect(readAuditTrail(store, 'acme', q({ from: '2024-01-01T00:00:00Z' }))).rejects.toMatchObject({ code: 'invalid_query' });
    expect(AuditQuery.safeParse({ limit: '1000' }).success).toBe(false);
    expect(AuditQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
    expect(AuditQuery.safeParse({ tenant: 'globex' }).success).toBe(false);
  });
});
