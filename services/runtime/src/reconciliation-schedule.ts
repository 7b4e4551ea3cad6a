import { COUNTS_KEPT_DAYS, type ReconciliationCountsTable } from '@custody/control';
import { errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { archiveSettledDays, type ReconciliationSources } from '@custody/record-log';

const EVERY_MS = 10 * 60_000;

/**
 * Archives each tenant's reconciliation report once its day has settled (checked at start and every
 * 10 minutes, so a process that was down at midnight catches up on the days it missed), and logs a
 * day that does not balance. One pass at a time; a failed pass is logged and tried again.
 */
export function startReconciliationSchedule(deps: ReconciliationSources & { table: ReconciliationCountsTable; tenants: () => string[]; logger: Logger }): {
  stop(): Promise<void>;
} {
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      const archived = await archiveSettledDays(
        { ...deps, removeCounts: (key) => deps.table.remove(key) },
        { days: COUNTS_KEPT_DAYS - 1, keepDays: COUNTS_KEPT_DAYS },
      );
      for (const r of archived) {
        const fields = { tenant: r.tenant, day: r.day, received: r.totals.received, ...r.totals.differences, sequence_gaps: r.sequenceGaps.length };
        if (r.balanced) deps.logger.info({ event: 'reconciliation_archived', ...fields });
        else deps.logger.warn({ event: 'reconciliation_unbalanced', ...fields });
      }
    } catch (err) {
      deps.logger.error({ event: 'reconciliation_failed', err: errorMessage(err) });
    }
  };
  const tick = () => {
    running ??= pass().finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, EVERY_MS);
  timer.unref();
  return {
    // a pass under way finishes first: the store and the control plane close after this
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
