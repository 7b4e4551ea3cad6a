import { createHash } from 'node:crypto';
import { reconciliationKey, type ArchiveStore } from '@custody/archive-store';
import { ReconciliationReport, buildReconciliationReport, countsOfDay, utcDay, type InstanceActivity, type ReconciliationCountsRow } from '@custody/control';
import { IntegrityError, NotFoundError } from '@custody/errors';
import { parseCheckpoint } from './checkpoint';
import { LogReader } from './reader';

/** Reconciliation reports are evidence of what was received and kept; kept as long as verification reports. */
const REPORT_YEARS = 10;
const DAY_MS = 86_400_000;

export interface ReconciliationSources {
  store: ArchiveStore;
  /** Every writer's count rows (the control table, with this process's unwritten counts). */
  counts(): ReconciliationCountsRow[];
  activity(): Map<string, InstanceActivity>;
  /** How long after a day's end its report waits for records in flight before it is final. */
  settleMinutes: number;
}

/** When the report of `day` may be made final: the day's end plus the settling time. */
export function finalAfter(day: string, settleMinutes: number): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS + settleMinutes * 60_000);
}

/** A tenant's report of one day as the counts stand now (final when `now` is past the settling time). */
export async function reconcile(src: ReconciliationSources, tenant: string, day: string, now = new Date()): Promise<ReconciliationReport> {
  const latest = await new LogReader(src.store, tenant).latestCheckpoint();
  return buildReconciliationReport({
    tenant,
    day,
    counts: countsOfDay(src.counts(), tenant, day),
    activity: src.activity().values(),
    recordLog: latest && { treeSize: latest.size, checkpointKey: latest.key, signedAt: parseCheckpoint(latest.checkpoint.body).time },
    generatedAt: now,
    final: now >= finalAfter(day, src.settleMinutes),
  });
}

/** Archives a final report write-once; a report already archived for that day stays what it was. */
export async function archiveReconciliation(store: ArchiveStore, report: ReconciliationReport): Promise<{ key: string; created: boolean }> {
  if (!report.final) throw new Error(`the report of ${report.day} is not final yet: only a settled day is archived`);
  const key = reconciliationKey(report.tenant, report.day);
  const put = await store.put({
    key,
    body: Buffer.from(JSON.stringify(report, null, 2)),
    contentType: 'application/json',
    retainUntil: new Date(Date.parse(report.generatedAt) + REPORT_YEARS * 365.25 * DAY_MS),
    legalHold: false,
  });
  return { key, created: put.created };
}

/** The archived report of a tenant's day, its bytes re-hashed against what the store holds; null when none was archived. */
export async function readReconciliation(store: ArchiveStore, tenant: string, day: string): Promise<ReconciliationReport | null> {
  const key = reconciliationKey(tenant, day);
  let stored;
  try {
    stored = await store.get(key);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  const actual = createHash('sha256').update(stored.body).digest('hex');
  if (actual !== stored.info.sha256) throw new IntegrityError(`${key} hashes to ${actual}, the store recorded ${stored.info.sha256}`);
  try {
    return ReconciliationReport.parse(JSON.parse(stored.body.toString('utf8')));
  } catch (err) {
    throw new IntegrityError(`${key} is not a reconciliation report: ${(err as Error).message.slice(0, 300)}`);
  }
}

/**
 * Makes and archives the final report of every settled day (of the `days` before today) that has
 * none yet, for each tenant that counted anything that day or has a connector; returns what it
 * archived. Count rows older than `keepDays` are removed once their day's reports are archived.
 */
export async function archiveSettledDays(
  src: ReconciliationSources & { tenants(): Iterable<string>; removeCounts(key: string): Promise<void> },
  opts: { now?: Date; days?: number; keepDays: number },
): Promise<ReconciliationReport[]> {
  const now = opts.now ?? new Date();
  const rows = src.counts();
  const archived: ReconciliationReport[] = [];
  for (let back = opts.days ?? 7; back >= 1; back--) {
    const day = utcDay(new Date(now.getTime() - back * DAY_MS))!;
    if (now < finalAfter(day, src.settleMinutes)) continue;
    const tenants = new Set([...src.tenants(), ...rows.filter((r) => r.day === day).map((r) => r.tenant)]);
    for (const tenant of [...tenants].sort()) {
      if (await src.store.head(reconciliationKey(tenant, day))) continue;
      const report = await reconcile(src, tenant, day, now);
      if ((await archiveReconciliation(src.store, report)).created) archived.push(report);
    }
  }
  const oldest = utcDay(new Date(now.getTime() - opts.keepDays * DAY_MS))!;
  for (const r of rows) if (r.day < oldest) await src.removeCounts(`${r.tenant}/${r.day}/${r.writer}`);
  return archived;
}
