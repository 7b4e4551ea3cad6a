import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '@custody/bus';
import { silentLogger } from '@custody/logger';
import type { InstanceActivity } from './connector-activity';
import { ControlTable } from './control-table';
import { ReconciliationCounter, ReconciliationCountsRow, countsOfDay, emptyCounts, utcDay, type StageCounts } from './reconciliation-counts';
import { ReconciliationReport, buildReconciliationReport } from './reconciliation-report';

const DAY = '2026-11-29';
const counts = (c: Partial<StageCounts>): StageCounts => ({ ...emptyCounts(), ...c });
const row = (writer: string, connectors: Record<string, Partial<StageCounts>>, day = DAY, tenant = 'acme'): ReconciliationCountsRow => ({
  tenant,
  day,
  writer,
  connectors: Object.fromEntries(Object.entries(connectors).map(([k, v]) => [k, counts(v)])),
});

test('a day of receipt is the UTC calendar day; anything unparsable is no day', () => {
  expect(utcDay('2026-11-29T23:59:59.999Z')).toBe('2026-11-29');
  expect(utcDay('2026-11-30T00:59:59+01:00')).toBe('2026-11-29');
  expect(utcDay(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
  expect(utcDay('yesterday')).toBeUndefined();
  expect(utcDay(undefined)).toBeUndefined();
});

test("every writer's rows of a tenant's day add up per connector; other days and tenants stay out", () => {
  const rows = [
    row('gw-1/gateway', { 'whatsapp-cloud': { received: 10, quarantined: 1 }, line: { received: 2 } }),
    row('gw-2/gateway', { 'whatsapp-cloud': { received: 5 } }),
    row('ar-1/archiver', { 'whatsapp-cloud': { archived: 13, duplicates: 1, indexed: 14 }, line: { archived: 2, indexed: 2 } }),
    row('gw-1/gateway', { 'whatsapp-cloud': { received: 99 } }, '2026-11-28'),
    row('gw-1/gateway', { 'whatsapp-cloud': { received: 99 } }, DAY, 'globex'),
  ];
  const sum = countsOfDay(rows, 'acme', DAY);
  expect(Object.fromEntries(sum)).toEqual({
    'whatsapp-cloud': counts({ received: 15, quarantined: 1, archived: 13, duplicates: 1, indexed: 14 }),
    line: counts({ received: 2, archived: 2, indexed: 2 }),
  });
});

describe('the report', () => {
  const activity = (gaps: InstanceActivity['gaps'], tenant = 'acme'): InstanceActivity => ({ instance: 'tg-1', tenant, hours: new Map(), gaps });
  const build = (c: Record<string, Partial<StageCounts>>, acts: InstanceActivity[] = []) =>
    buildReconciliationReport({
      tenant: 'acme',
      day: DAY,
      counts: new Map(Object.entries(c).map(([k, v]) => [k, counts(v)])),
      activity: acts,
      recordLog: null,
      generatedAt: new Date('2026-11-30T00:30:00Z'),
      final: true,
    });

  test('received = quarantined + archived + duplicates + dead-lettered, and all of it indexed: balanced', () => {
    const r = build({ 'whatsapp-cloud': { received: 15, quarantined: 1, archived: 12, duplicates: 1, deadLettered: 1, indexed: 13 } });
    expect(ReconciliationReport.parse(r)).toEqual(r);
    expect(r.connectors).toEqual([expect.objectContaining({ connector: 'whatsapp-cloud', received: 15, differences: { unaccounted: 0, notIndexed: 0 } })]);
    expect(r.totals).toMatchObject({ received: 15, archived: 12, differences: { unaccounted: 0, notIndexed: 0 } });
    expect(r.balanced).toBe(true);
  });

  test('records received and not archived, and archived and not indexed, are the differences, per connector and in total', () => {
    const r = build({ 'whatsapp-cloud': { received: 10, archived: 7, indexed: 6 }, line: { received: 3, archived: 3, indexed: 3 } });
    expect(r.connectors.map((c) => [c.connector, c.differences])).toEqual([
      ['line', { unaccounted: 0, notIndexed: 0 }],
      ['whatsapp-cloud', { unaccounted: 3, notIndexed: 1 }],
    ]);
    expect(r.totals.differences).toEqual({ unaccounted: 3, notIndexed: 1 });
    expect(r.balanced).toBe(false);
  });

  test("open sequence gaps of the tenant's instances seen that day are listed and unbalance it; filled or other days' are not open", () => {
    const gap = (at: string, missing: number) => ({ at, from: 1, to: 4, missing });
    const r = build({ 'telegram-bot': { received: 2, archived: 2, indexed: 2 } }, [
      activity([gap(`${DAY}T10:00:00.000Z`, 2), gap('2026-11-28T10:00:00.000Z', 2)]),
      activity([gap(`${DAY}T11:00:00.000Z`, 1)], 'globex'),
    ]);
    expect(r.sequenceGaps).toEqual([{ instance: 'tg-1', at: `${DAY}T10:00:00.000Z`, from: 1, to: 4, missing: 2 }]);
    expect(r.balanced).toBe(false);
    expect(build({}, [activity([gap(`${DAY}T10:00:00.000Z`, 0)])]).balanced).toBe(true);
  });
});

test('the counter writes its own row once per flush, readers see counts before they are written, and a restart continues from its row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-reconciliation-'));
  const bus = new EmbeddedBus({ dir, logger: silentLogger() });
  try {
    const table = new ControlTable(bus, 'reconciliation', ReconciliationCountsRow, silentLogger());
    await table.start();
    const puts: string[] = [];
    const put = table.put.bind(table);
    table.put = async (key, value) => {
      puts.push(key);
      return put(key, value);
    };
    const counter = new ReconciliationCounter({ table, logger: silentLogger(), role: 'gateway' });
    for (let i = 0; i < 20; i++) counter.add('acme', DAY, 'whatsapp-cloud', 'received');
    counter.add('acme', DAY, 'whatsapp-cloud', 'quarantined', 2);
    counter.add('acme', DAY, 'whatsapp-cloud', 'received', 0);
    expect(countsOfDay(counter.rows(), 'acme', DAY).get('whatsapp-cloud')).toEqual(counts({ received: 20, quarantined: 2 }));
    await counter.stop();
    const key = `acme/${DAY}/${hostname()}/gateway`;
    expect(puts).toEqual([key]);

    const again = new ReconciliationCounter({ table, logger: silentLogger(), role: 'gateway' });
    again.add('acme', DAY, 'whatsapp-cloud', 'received', 3);
    await again.stop();
    expect(table.get(key)?.connectors['whatsapp-cloud']).toEqual(counts({ received: 23, quarantined: 2 }));
    await table.stop();
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
