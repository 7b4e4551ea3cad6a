import type { HoldTable } from '@custody/control';
import { NotFoundError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { normalizeIdentifier } from '@custody/connector-kit';
import { HoldScope, type Hold } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { z } from 'zod';
import type { HoldJobs } from './hold-jobs';
import { holdReport, reportCsv } from './report';

const NewHold = z
  .object({ matter: z.string().min(1).max(512).describe('The matter the hold is for'), reason: z.string().min(1).max(4000), scope: HoldScope })
  .strict();
const Release = z.object({ reason: z.string().min(1).max(4000) }).strict();
const HoldParams = z.object({ id: z.string().describe('Hold id') });
const HoldView = z.looseObject({ id: z.string(), tenant: z.string(), matter: z.string(), status: z.string() });
const ReportQuery = z.object({ format: z.enum(['json', 'csv']).optional().describe('csv: one row per hold') });
const LEGAL = ['legal'] as const;
const READERS = ['legal', 'compliance'] as const;
// auditors see the report of what is held, never the holds' routes
const REPORT_READERS = [...READERS, 'auditor'] as const;

export interface HoldRouteDeps {
  holds: HoldTable;
  jobs: HoldJobs;
  index: SearchIndex;
}

function ownHold(deps: HoldRouteDeps, tenant: string, id: string): Hold {
  const h = deps.holds.get(id);
  // another tenant's hold is indistinguishable from a missing one
  if (!h || h.tenant !== tenant) throw new NotFoundError(`no hold ${id}`);
  return h;
}

/** Legal places and releases holds; legal and compliance read them. Every call is audited. */
export function holdRoutes(deps: HoldRouteDeps): Route[] {
  const held = async (h: Hold) => (await deps.index.search(h.tenant, { holdId: h.id, size: 1 })).total;
  return [
    route({
      method: 'POST',
      url: '/v1/holds',
      summary: 'Place legal holds',
      description: '`{matter, reason, scope}`: records matching the scope are held (and those archived later); 202 with the hold, its job running',
      access: { roles: LEGAL, audit: 'holds.place' },
      schema: { body: NewHold, response: { 202: z.object({ hold: HoldView }) } },
      invalid: { code: 'invalid_request', what: 'hold' },
      handler: async (req, p) => {
        const body = req.body;
        const scope = { ...body.scope, participants: body.scope.participants.map(normalizeIdentifier) };
        const hold = await deps.jobs.place({ tenant: p.tenant, matter: body.matter, reason: body.reason, scope, placedBy: p.keyId });
        return { ...json(202, { hold }), target: hold.id, details: { matter: hold.matter, reason: hold.reason, scope } };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/holds',
      summary: 'Read legal holds',
      access: { roles: READERS, audit: 'holds.list' },
      schema: { response: { 200: z.object({ holds: z.array(HoldView) }) } },
      handler: async (_req, p) => {
        const holds = deps.holds
          .values()
          .filter((h) => h.tenant === p.tenant)
          .sort((a, b) => a.placedAt.localeCompare(b.placedAt));
        return json(200, { holds });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/holds/report',
      summary: 'Read the hold report',
      description: 'Every hold with the records it holds; `?format=csv` for a spreadsheet',
      access: { roles: REPORT_READERS, audit: 'holds.report' },
      schema: {
        query: ReportQuery,
        response: {
          200: {
            description: 'The report',
            content: {
              'application/json': { schema: z.looseObject({ tenant: z.string(), generatedAt: z.string(), holds: z.array(z.looseObject({})) }) },
              'text/csv': { schema: z.string() },
            },
          },
        },
      },
      handler: async (req, p) => {
        const rows = await holdReport(
          deps.holds.values().filter((h) => h.tenant === p.tenant),
          held,
        );
        if (req.query.format === 'csv') {
          return {
            status: 200,
            headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="holds-${p.tenant}.csv"` },
            body: reportCsv(rows),
            details: { format: 'csv', holds: rows.length },
          };
        }
        return { ...json(200, { tenant: p.tenant, generatedAt: new Date().toISOString(), holds: rows }), details: { format: 'json', holds: rows.length } };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/holds/:id',
      summary: 'Read legal holds',
      access: { roles: READERS, audit: 'holds.get' },
      schema: { params: HoldParams, response: { 200: z.object({ hold: HoldView, recordsHeld: z.number().int() }) } },
      handler: async (req, p) => {
        const hold = ownHold(deps, p.tenant, req.params.id);
        return { ...json(200, { hold, recordsHeld: await held(hold) }), target: hold.id };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/holds/:id/release',
      summary: 'Release legal holds',
      description: '`{reason}`: 202 with the hold, its release job running; of two concurrent releases one gets 409',
      access: { roles: LEGAL, audit: 'holds.release' },
      schema: { params: HoldParams, body: Release, response: { 202: z.object({ hold: HoldView }) } },
      invalid: { code: 'invalid_request', what: 'release' },
      handler: async (req, p) => {
        const hold = ownHold(deps, p.tenant, req.params.id);
        const { reason } = req.body;
        // the status is checked again under the hold's write lock: of two concurrent releases one gets 409
        const released = await deps.jobs.release(p.tenant, hold.id, p.keyId, reason);
        return { ...json(202, { hold: released }), target: hold.id, details: { reason } };
      },
    }),
  ];
}
