import { COUNTS_KEPT_DAYS, ReconciliationReport, utcDay } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { archiveReconciliation, readReconciliation, reconcile, type ReconciliationSources } from '@custody/record-log';
import { z } from 'zod';

export type ReconciliationDeps = ReconciliationSources & { now?: () => Date };

const READERS = ['admin', 'compliance', 'auditor'] as const;
const DAY_MS = 86_400_000;
const ReconciliationQuery = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .describe('The UTC day of receipt, YYYY-MM-DD (default: yesterday, the last whole day); today gives the counts so far'),
});

/** The daily reconciliation: what each connector received against what was archived, indexed, quarantined and dead-lettered. */
export function reconciliationRoutes(deps: ReconciliationDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/admin/reconciliation',
      summary: 'Read the daily reconciliation',
      description:
        "`?date=YYYY-MM-DD`: one UTC day of the tenant's capture, per connector — received, quarantined, archived, duplicates, indexed, dead-lettered — with the differences, the vendor sequence gaps seen that day and the signed record-log checkpoint it was reconciled against. A settled day's report is read back from WORM (hash re-checked; archived there when first asked for if the schedule has not yet); today's is the counts so far, `final: false`; 404 for a day older than the 40 days counts are kept that has no report",
      access: { roles: READERS, audit: 'reconciliation.read' },
      schema: { query: ReconciliationQuery, response: { 200: ReconciliationReport } },
      invalid: { code: 'invalid_query', what: 'reconciliation' },
      handler: async (req, p) => {
        const now = deps.now?.() ?? new Date();
        const day = req.query.date ?? utcDay(new Date(now.getTime() - DAY_MS))!;
        // 2026-02-30 parses, as March 2nd: a calendar day is one that reads back as itself
        if (utcDay(`${day}T00:00:00Z`) !== day) throw new RejectedInputError('invalid_query', `reconciliation: ${day} is not a calendar day`);
        if (day > utcDay(now)!) throw new RejectedInputError('invalid_query', `reconciliation: ${day} has not begun`);
        const archived = await readReconciliation(deps.store, p.tenant, day);
        if (archived) return { ...json(200, archived), target: day };
        // counts are kept 40 days: an older day without a report has nothing to make one from (and no junk report is locked for years on request)
        if (day < utcDay(new Date(now.getTime() - (COUNTS_KEPT_DAYS - 1) * DAY_MS))!)
          throw new NotFoundError(`no reconciliation report of ${day}: counts are kept ${COUNTS_KEPT_DAYS} days`);
        const report = await reconcile(deps, p.tenant, day, now);
        // a settled day asked for before the schedule archived it is archived now, once (write-once: the first one stays)
        if (report.final && !(await archiveReconciliation(deps.store, report)).created) {
          // another process archived the day first: its report is the one that stands
          return { ...json(200, (await readReconciliation(deps.store, p.tenant, day)) ?? report), target: day };
        }
        return { ...json(200, report), target: day };
      },
    }),
  ];
}
