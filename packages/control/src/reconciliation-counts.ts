import { hostname } from 'node:os';
import { z } from 'zod';
import type { Logger } from '@custody/logger';
import type { ControlTable } from './control-table';

/**
 * What each stage did with a tenant's records, per UTC day of receipt and per connector, so the
 * daily reconciliation report (reconciliation-report.ts) can set what was received against what was
 * archived, indexed, quarantined and dead-lettered. Every stage counts under the day the connector
 * received the record (the envelope's `source.receivedAt`), so a record received at 23:59 and
 * archived at 00:01 balances within one day. Rows live in a compacted control table keyed
 * `tenant/day/writer`: each process writes only its own row, so no two writers ever race on one key.
 */

export const RECONCILIATION_STAGES = ['received', 'quarantined', 'archived', 'duplicates', 'indexed', 'deadLettered'] as const;
export type ReconciliationStage = (typeof RECONCILIATION_STAGES)[number];

export const StageCounts = z.object({
  received: z.number().int().nonnegative().describe('Vendor events captured: published as records or quarantined (a vendor redelivery counts again)'),
  quarantined: z.number().int().nonnegative().describe('Events refused at capture and kept in quarantine with the reason'),
  archived: z.number().int().nonnegative().describe('Record versions written to the WORM store for the first time'),
  duplicates: z
    .number()
    .int()
    .nonnegative()
    .describe('Records already in the store when their batch committed (a vendor or bus redelivery, or a batch retried after an outage): nothing new written'),
  indexed: z.number().int().nonnegative().describe('Archived records (first copies and duplicates alike) the search index took'),
  deadLettered: z.number().int().nonnegative().describe('Records the archiver set aside on the dead-letter topic before the store took them'),
});
export type StageCounts = z.infer<typeof StageCounts>;

export const ReconciliationCountsRow = z.object({
  tenant: z.string(),
  /** UTC day of receipt, YYYY-MM-DD. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The process that counted (host and role): one row per writer. */
  writer: z.string(),
  connectors: z.record(z.string(), StageCounts),
});
export type ReconciliationCountsRow = z.infer<typeof ReconciliationCountsRow>;

/** Reconciliation counts by `${tenant}/${day}/${writer}`. */
export type ReconciliationCountsTable = ControlTable<ReconciliationCountsRow>;

/** Rows older than this many days are removed: their reports are archived long before. */
export const COUNTS_KEPT_DAYS = 40;

export const emptyCounts = (): StageCounts => ({ received: 0, quarantined: 0, archived: 0, duplicates: 0, indexed: 0, deadLettered: 0 });

/** The UTC day (YYYY-MM-DD) of an ISO instant or a Date; undefined for anything else. */
export function utcDay(at: string | Date | undefined): string | undefined {
  const ms = at instanceof Date ? at.getTime() : at ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

/** All writers' rows of one tenant and day, summed per connector. */
export function countsOfDay(rows: readonly ReconciliationCountsRow[], tenant: string, day: string): Map<string, StageCounts> {
  const out = new Map<string, StageCounts>();
  for (const row of rows) {
    if (row.tenant !== tenant || row.day !== day) continue;
    for (const [connector, counts] of Object.entries(row.connectors)) {
      const sum = out.get(connector) ?? emptyCounts();
      for (const stage of RECONCILIATION_STAGES) sum[stage] += counts[stage];
      out.set(connector, sum);
    }
  }
  return out;
}

export interface ReconciliationCounterOptions {
  table: ReconciliationCountsTable;
  logger: Logger;
  /** What this process is (gateway, archiver, import-<pid>): with the host, its rows' key. */
  role: string;
  flushEveryMs?: number;
}

/**
 * Counts in memory and writes this process's changed rows every few seconds and when it stops. A
 * process that crashes loses at most the counts since its last write; the report then shows a
 * difference that no record explains (docs/verification.md, "Reconciliation").
 */
export class ReconciliationCounter {
  private readonly writer: string;
  private readonly own = new Map<string, ReconciliationCountsRow>();
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ReconciliationCounterOptions) {
    this.writer = `${hostname()}/${opts.role}`;
  }

  add(tenant: string, day: string | undefined, connector: string, stage: ReconciliationStage, n = 1): void {
    if (n <= 0) return;
    const d = day ?? utcDay(new Date())!;
    const key = `${tenant}/${d}/${this.writer}`;
    // a restarted process goes on from the row it wrote before
    const row = this.own.get(key) ?? structuredClone(this.opts.table.get(key)) ?? { tenant, day: d, writer: this.writer, connectors: {} };
    const counts = (row.connectors[connector] ??= emptyCounts());
    counts[stage] += n;
    this.own.set(key, row);
    this.pending.add(key);
  }

  /** Every row: the table's, with this process's newer ones in their place. */
  rows(): ReconciliationCountsRow[] {
    const rows = new Map(this.opts.table.values().map((r) => [`${r.tenant}/${r.day}/${r.writer}`, r]));
    for (const [key, row] of this.own) rows.set(key, row);
    return [...rows.values()];
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushEveryMs ?? 10_000);
    this.timer.unref();
  }

  /** Writes the rows changed since the last flush; a failed write is kept for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const keys = [...this.pending];
      this.pending.clear();
      for (const key of keys) {
        const row = this.own.get(key)!;
        try {
          await this.opts.table.put(key, structuredClone(row));
        } catch (err) {
          this.pending.add(key);
          this.opts.logger.warn({ event: 'reconciliation_counts_not_written', tenant: row.tenant, day: row.day, err: (err as Error).message });
        }
      }
      this.forgetOldDays();
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** This process's rows of days long reported are dropped from memory (the table's are removed by the report's schedule). */
  private forgetOldDays(): void {
    const oldest = utcDay(new Date(Date.now() - 2 * 86_400_000))!;
    for (const [key, row] of this.own) if (row.day < oldest && !this.pending.has(key)) this.own.delete(key);
  }
}
