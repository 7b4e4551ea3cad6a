import type { AlertTable } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import { csvTable, json, route, type Route } from '@custody/http';
import { EXAMINER_COLUMNS, examinerRows, miReport } from '@custody/supervision';
import { z } from 'zod';
import { ExaminerQuery, MiReport, ReportQuery } from './schemas';

const READERS = ['compliance', 'auditor'] as const;
const range = (q: { from: string; to: string }) => {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (from >= to) throw new RejectedInputError('invalid_request', 'from must be before to');
  return { from, to };
};

/** Management information and the examiner export, computed from the tenant's alerts. */
export function reportRoutes(deps: { alerts: AlertTable }): Route[] {
  const tenantAlerts = (tenant: string) => deps.alerts.values().filter((a) => a.tenant === tenant);
  return [
    route({
      method: 'GET',
      url: '/v1/supervision/reports/mi',
      summary: 'Read supervision management information',
      description:
        'For the alerts raised in [from, to): coverage (share of hits and samples dispositioned), time to first action, backlog by age and SLA breaches (`slaHours`, default 72), precision per policy (escalated ÷ hits), hits per rule, and alarms for a policy and channel that produced hits each of the four weeks before the last seven days and none in them',
      access: { roles: READERS, audit: 'supervision.reports.mi' },
      schema: { query: ReportQuery, response: { 200: MiReport } },
      invalid: { code: 'invalid_request', what: 'report' },
      handler: async (req, p) => json(200, miReport(tenantAlerts(p.tenant), { ...range(req.query), now: new Date(), slaHours: req.query.slaHours })),
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/reports/examiner',
      summary: 'Export supervision evidence for examiners',
      description: `One row per alert decided in [from, to) with the FINRA 3110.07 fields — who reviewed what (record id, its stored version and SHA-256, policy version and rule, or sampling plan and period), when, and what was done (disposition, reason code, reason, level, escalation, holds): CSV (\`format=csv\`, columns ${EXAMINER_COLUMNS.join(', ')}) or JSON. Each decision is also an event of the audit trail's hash chain`,
      access: { roles: READERS, audit: 'supervision.reports.examiner' },
      schema: {
        query: ExaminerQuery,
        response: {
          200: {
            description: 'The reviewed items',
            content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.object({ rows: z.array(z.looseObject({})) }) } },
          },
        },
      },
      invalid: { code: 'invalid_request', what: 'report' },
      handler: async (req, p) => {
        const { from, to } = range(req.query);
        const rows = examinerRows(tenantAlerts(p.tenant), from, to);
        const details = { from: from.toISOString(), to: to.toISOString(), rows: rows.length };
        if (req.query.format === 'json') return { ...json(200, { rows }), details };
        return {
          status: 200,
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="supervision-examiner.csv"' },
          body: csvTable(EXAMINER_COLUMNS, rows),
          details,
        };
      },
    }),
  ];
}
