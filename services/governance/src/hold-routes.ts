import type { HoldTable } from '@custody/control';
import { NotFoundError } from '@custody/errors';
import { json, type Route, type AuditedDeps, audited, readBody, requireRole } from '@custody/http';
import { normalizeIdentifier } from '@custody/connector-kit';
import { HoldScope, type Hold } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { z } from 'zod';
import type { HoldJobs } from './hold-jobs';
import { holdReport, reportCsv } from './report';

const NewHold = z.object({ matter: z.string().min(1).max(512), reason: z.string().min(1).max(4000), scope: HoldScope }).strict();
const Release = z.object({ reason: z.string().min(1).max(4000) }).strict();
const LEGAL = ['legal'] as const;
const READERS = ['legal', 'compliance'] as const;
// auditors see the report of what is held, never the holds' routes
const REPORT_READERS = [...READERS, 'auditor'] as const;

export interface HoldRouteDeps extends AuditedDeps {
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
    {
      method: 'POST',
      pattern: '/v1/holds',
      handler: audited(deps, 'holds.place', async (p, req) => {
        requireRole(p, LEGAL, 'place legal holds');
        const body = await readBody(req, NewHold, 'hold');
        const scope = { ...body.scope, participants: body.scope.participants.map(normalizeIdentifier) };
        const hold = await deps.jobs.place({ tenant: p.tenant, matter: body.matter, reason: body.reason, scope, placedBy: p.keyId });
        return { response: json(202, { hold }), target: hold.id, details: { matter: hold.matter, reason: hold.reason, scope } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/holds',
      handler: audited(deps, 'holds.list', async (p) => {
        requireRole(p, READERS, 'read legal holds');
        const holds = deps.holds.values().filter((h) => h.tenant === p.tenant).sort((a, b) => a.placedAt.localeCompare(b.placedAt));
        return { response: json(200, { holds }) };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/holds/report',
      handler: audited(deps, 'holds.report', async (p, req) => {
        requireRole(p, REPORT_READERS, 'read the hold report');
        const rows = await holdReport(deps.holds.values().filter((h) => h.tenant === p.tenant), held);
        if (req.query.get('format') === 'csv') {
          return { response: { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="holds-${p.tenant}.csv"` }, body: reportCsv(rows) }, details: { format: 'csv', holds: rows.length } };
        }
        return { response: json(200, { tenant: p.tenant, generatedAt: new Date().toISOString(), holds: rows }), details: { format: 'json', holds: rows.length } };
      }),
    },
    {
      method: 'GET',
      pattern: '/v1/holds/:id',
      handler: audited(deps, 'holds.get', async (p, req) => {
        requireRole(p, READERS, 'read legal holds');
        const hold = ownHold(deps, p.tenant, req.params.id!);
        return { response: json(200, { hold, recordsHeld: await held(hold) }), target: hold.id };
      }),
    },
    {
      method: 'POST',
      pattern: '/v1/holds/:id/release',
      handler: audited(deps, 'holds.release', async (p, req) => {
        requireRole(p, LEGAL, 'release legal holds');
        const hold = ownHold(deps, p.tenant, req.params.id!);
        const { reason } = await readBody(req, Release, 'release');
        // the status is checked again under the hold's write lock: of two concurrent releases one gets 409
        const released = await deps.jobs.release(p.tenant, hold.id, p.keyId, reason);
        return { response: json(202, { hold: released }), target: hold.id, details: { reason } };
      }),
    },
  ];
}
