import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, reconciliationKey } from '@custody/archive-store';
import { emptyCounts, type InstanceActivity, type ReconciliationCountsRow } from '@custody/control';
import { IntegrityError } from '@custody/errors';
import { versionFiles } from '@custody/testing/tamper';
import { archiveReconciliation, archiveSettledDays, readReconciliation, reconcile, type ReconciliationSources } from './reconciliation';

const row = (day: string, tenant = 'acme', received = 3): ReconciliationCountsRow => ({
  tenant,
  day,
  writer: 'host/gateway+archiver',
  connectors: { 'whatsapp-cloud': { ...emptyCounts(), received, archived: received, indexed: received } },
});

describe('daily reconciliation reports in the WORM store', () => {
  let dir: string;
  let store: LocalArchiveStore;
  let rows: ReconciliationCountsRow[];
  const removed: string[] = [];
  const sources = (): ReconciliationSources & { tenants(): string[]; removeCounts(key: string): Promise<void> } => ({
    store,
    counts: () => rows,
    activity: () => new Map<string, InstanceActivity>(),
    settleMinutes: 30,
    tenants: () => ['quiet'],
    removeCounts: async (key) => void removed.push(key),
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custody-reconciliation-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    rows = [row('2026-11-28'), row('2026-11-29'), row('2026-11-29', 'globex', 5), row('2026-11-30'), row('2026-10-01')];
    removed.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('a day is final only once it has settled; the day under way is counts so far', async () => {
    const during = await reconcile(sources(), 'acme', '2026-11-29', new Date('2026-11-30T00:29:59Z'));
    expect(during).toMatchObject({ final: false, totals: { received: 3 }, recordLog: null, balanced: true });
    await expect(archiveReconciliation(store, during)).rejects.toThrow(/not final/);
    expect((await reconcile(sources(), 'acme', '2026-11-29', new Date('2026-11-30T00:30:00Z'))).final).toBe(true);
  });

  test('each settled day is archived once per tenant (a known tenant with nothing received too), read back hash-checked; old counts are removed', async () => {
    const now = new Date('2026-11-30T01:00:00Z');
    const archived = await archiveSettledDays(sources(), { now, days: 3, keepDays: 40 });
    expect(archived.map((r) => `${r.tenant} ${r.day} ${r.totals.received}`)).toEqual([
      'quiet 2026-11-27 0',
      'acme 2026-11-28 3',
      'quiet 2026-11-28 0',
      'acme 2026-11-29 3',
      'globex 2026-11-29 5',
      'quiet 2026-11-29 0',
    ]);
    expect(removed).toEqual([`acme/2026-10-01/host/gateway+archiver`]);
    const back = await readReconciliation(store, 'globex', '2026-11-29');
    expect(back).toEqual(archived.find((r) => r.tenant === 'globex'));
    expect(await readReconciliation(store, 'globex', '2026-11-28')).toBeNull();

    // written once: later counts do not change an archived day, and a second pass archives nothing
    rows.push(row('2026-11-29', 'acme', 100));
    expect(await archiveSettledDays(sources(), { now, days: 3, keepDays: 40 })).toEqual([]);
    expect((await readReconciliation(store, 'acme', '2026-11-29'))?.totals.received).toBe(3);
  });

  test('a report whose bytes changed in the store is refused, not served', async () => {
    const report = await reconcile(sources(), 'acme', '2026-11-29', new Date('2026-11-30T01:00:00Z'));
    await archiveReconciliation(store, report);
    const [file] = versionFiles(dir, reconciliationKey('acme', '2026-11-29'));
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0x01;
    chmodSync(file, 0o600);
    writeFileSync(file, bytes);
    await expect(readReconciliation(store, 'acme', '2026-11-29')).rejects.toBeInstanceOf(IntegrityError);
  });
});
