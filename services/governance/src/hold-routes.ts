import type { HoldTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { normalizeIdentifier } from '@custody/connector-kit';
import { HoldScope, holdCovers, type Hold } from '@custody/policy';
import { SearchQuery, type SearchIndex } from '@custody/search-index';
import { z } from 'zod';
import { candidateQueries, holdSubjectOfDoc, type HoldJobs } from './hold-jobs';
import { holdReport, reportCsv } from './report';

const NewHold = z
  .object({ matter: z.string().min(1).max(512).describe('The matter the hold is for'), reason: z.string().min(1).max(4000), scope: HoldScope })
  .strict();
const Release = z.object({ reason: z.string().min(1).max(4000) }).strict();
const HoldParams = z.object({ id: z.string().describe('Hold id') });
const Preview = z.object({ count: z.number().int().nonnegative().describe('Records the hold would hold now') });
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

/** The largest page the index serves: a preview reads every candidate, as the hold job does. */
const PREVIEW_PAGE = 500;

/**
 * How many records a hold of `scope` would hold now: the hold job's own selection (hold-jobs.ts) —
 * the union of its candidate searches, each document judged by holdCovers — counted, nothing held.
 * A search's total is not that number: search finds other forms of a word (fill finds filled) and
 * words in subjects, while a hold's `query` is exact words of the text; several custodians (or
 * participants, channels) are a union no single search expresses.
 */
export async function countHoldScope(index: SearchIndex, tenant: string, scope: HoldScope): Promise<number> {
  const queries = assertSearchable(scope, PREVIEW_PAGE);
  const exact = exactSearch(scope);
  if (exact) return (await index.search(tenant, { ...exact, size: 1 })).total;
  const seen = new Set<string>();
  let count = 0;
  for (const query of queries) {
    let cursor: string | undefined;
    do {
      const page = await index.search(tenant, { ...query, cursor });
      for (const doc of page.hits) {
        if (seen.has(doc.id)) continue;
        seen.add(doc.id);
        if (holdCovers(scope, holdSubjectOfDoc(doc))) count++;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return count;
}

/**
 * The hold job's searches for `scope`, refused when the index would refuse one (a query with bad
 * syntax): such a hold would never finish, and a preview of it would say 0 when it means "cannot".
 */
export function assertSearchable(scope: HoldScope, size?: number): SearchQuery[] {
  const queries = candidateQueries(scope, size);
  for (const q of queries) {
    const parsed = SearchQuery.safeParse(q);
    if (!parsed.success) throw new RejectedInputError('invalid_request', `hold scope: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return queries;
}

/**
 * The one search whose total is the hold's count, when there is one: no words (search's word
 * matching is not a hold's), at most one value per list (a union of several is no single search).
 */
function exactSearch(scope: HoldScope): SearchQuery | null {
  const [employeeId, ...moreCustodians] = scope.custodians;
  const [participant, ...moreParticipants] = scope.participants;
  const [channel, ...moreChannels] = scope.channels;
  if (scope.query !== undefined || moreCustodians.length || moreParticipants.length || moreChannels.length) return null;
  return { from: scope.from, to: scope.to, employeeId, participant, channel };
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
        assertSearchable(scope);
        const hold = await deps.jobs.place({ tenant: p.tenant, matter: body.matter, reason: body.reason, scope, placedBy: p.keyId });
        return { ...json(202, { hold }), target: hold.id, details: { matter: hold.matter, reason: hold.reason, scope } };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/holds/preview',
      summary: 'Preview legal holds',
      description:
        '`{custodians, participants, channels, from, to, query}` (a hold scope): `{count}` of the records a hold of that scope would hold now, selected as the hold job selects them; nothing is held',
      access: { roles: READERS, audit: 'holds.preview' },
      schema: { body: HoldScope, response: { 200: Preview } },
      invalid: { code: 'invalid_request', what: 'hold scope' },
      handler: async (req, p) => {
        // participants as a placed hold stores them (POST /v1/holds normalizes phones to E.164)
        const scope = { ...req.body, participants: req.body.participants.map(normalizeIdentifier) };
        const count = await countHoldScope(deps.index, p.tenant, scope);
        return { ...json(200, { count }), details: { scope, count } };
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
