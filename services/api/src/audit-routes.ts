import { auditDayPrefix, type ArchiveStore } from '@custody/archive-store';
import { RejectedInputError, errorMessage } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import { z } from 'zod';

export interface AuditRouteDeps {
  store: ArchiveStore;
  logger: Logger;
}

const DAY_MS = 86_400_000;
/** One request reads at most this many archived events, whatever the filters (a partial page then carries a cursor). */
export const AUDIT_SCAN_BUDGET = 1000;
const MAX_SPAN_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EVENT_FILE = /^[\w.-]{1,128}\.json$/;
const instant = z.iso.datetime({ offset: true });
/** Events read from the store at once. */
const READ_AHEAD = 16;

export const AuditQuery = z
  .object({
    actor: z.string().min(1).max(128).optional().describe('Key id of the caller'),
    action: z.string().min(1).max(128).optional().describe('e.g. records.search'),
    outcome: z.enum(['ok', 'denied', 'failed']).optional(),
    from: instant.optional().describe('Earliest event time, inclusive (default: 30 days before `to`)'),
    to: instant.optional().describe('Latest event time, exclusive (default: now)'),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Events per page'),
    cursor: z.string().max(512).optional().describe('From the previous page'),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

interface Position {
  day: string;
  file: string;
}

function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.day, p.file])).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const [day, file] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof day === 'string' && typeof file === 'string' && DAY.test(day) && EVENT_FILE.test(file)) return { day, file };
  } catch {
    // answered below
  }
  throw new RejectedInputError('invalid_query', 'audit: cursor: not a cursor this endpoint returned');
}

/** UTC days from `from` to `to`, oldest first, each the prefix the audit archiver writes under. */
function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Event file names archived for one tenant and day, in key order (ids are time-ordered: the order they happened). */
async function dayFiles(store: ArchiveStore, prefix: string): Promise<string[]> {
  const files = new Set<string>();
  for await (const v of store.list(prefix)) {
    const file = v.key.slice(prefix.length);
    if (!v.deleteMarker && EVENT_FILE.test(file)) files.add(file);
  }
  return [...files].sort();
}

interface ArchivedEvent {
  at?: unknown;
  tenant?: unknown;
  actor?: { keyId?: unknown };
  action?: unknown;
  outcome?: unknown;
}

/**
 * The caller's tenant audit trail, read from the WORM store (tenants/<tenant>/audit/<day>/<id>.json),
 * oldest first, each event exactly as archived. Only the days in [from, to] are listed; one request
 * reads at most AUDIT_SCAN_BUDGET events, so a selective filter may answer a short (even empty) page
 * with a cursor: keep paging until `cursor` is null.
 */
export async function readAuditTrail(
  store: ArchiveStore,
  tenant: string,
  q: AuditQuery,
  { now = new Date(), budget = AUDIT_SCAN_BUDGET } = {},
): Promise<{ events: unknown[]; cursor: string | null; from: string; to: string; unreadable: string[] }> {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() > to.getTime()) throw new RejectedInputError('invalid_query', 'audit: from is after to');
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * DAY_MS) throw new RejectedInputError('invalid_query', `audit: at most ${MAX_SPAN_DAYS} days per query`);
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const events: unknown[] = [];
  const unreadable: string[] = [];
  let scanned = 0;
  for (const day of daysBetween(from, to)) {
    if (after && day < after.day) continue;
    const prefix = auditDayPrefix(tenant, day);
    let files = await dayFiles(store, prefix);
    if (after && day === after.day) files = files.filter((f) => f > after.file);
    for (let i = 0; i < files.length; i += READ_AHEAD) {
      const batch = files.slice(i, i + Math.min(READ_AHEAD, budget - scanned));
      const bodies = await Promise.all(batch.map(async (file) => (await store.get(prefix + file)).body));
      for (const [j, file] of batch.entries()) {
        scanned++;
        let e: ArchivedEvent;
        try {
          e = JSON.parse(bodies[j].toString('utf8')) as ArchivedEvent;
        } catch (err) {
          unreadable.push(`${day}/${file}: ${errorMessage(err)}`);
          e = {};
        }
        if (matches(e, q, tenant, from, to)) events.push(e);
        if (events.length === q.limit || scanned === budget)
          return { events, cursor: encodeCursor({ day, file }), from: from.toISOString(), to: to.toISOString(), unreadable };
      }
    }
  }
  return { events, cursor: null, from: from.toISOString(), to: to.toISOString(), unreadable };
}

function matches(e: ArchivedEvent, q: AuditQuery, tenant: string, from: Date, to: Date): boolean {
  const at = typeof e.at === 'string' ? Date.parse(e.at) : NaN;
  return (
    e.tenant === tenant &&
    at >= from.getTime() &&
    at < to.getTime() &&
    (!q.actor || e.actor?.keyId === q.actor) &&
    (!q.action || e.action === q.action) &&
    (!q.outcome || e.outcome === q.outcome)
  );
}

const AuditPage = z.object({
  events: z.array(z.looseObject({})).describe('Each event exactly as archived'),
  cursor: z.string().nullable().describe('Next page; null when there is none'),
  from: z.string(),
  to: z.string(),
  unreadable: z.array(z.string()),
});

/** Admins and auditors read their tenant's trail; reading it is audited too. */
export function auditRoutes(deps: AuditRouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/audit',
      summary: 'Read the audit trail',
      description:
        'The tenant’s audit trail as archived in the WORM store, oldest first; `?actor=<key id>&action=&outcome=ok|denied|failed&from=&to=` (ISO instants, `from` ≤ at < `to`; default the 30 days before now, at most 366), `limit` ≤ 200 (50), `cursor` → `{events, cursor}`; a page may be short when a filter is selective (at most 1,000 events are read per request): page until `cursor` is null',
      access: { roles: ['admin', 'auditor'], audit: 'audit.read' },
      schema: { query: AuditQuery, response: { 200: AuditPage } },
      invalid: { code: 'invalid_query', what: 'audit' },
      handler: async (req, p) => {
        const page = await readAuditTrail(deps.store, p.tenant, req.query);
        if (page.unreadable.length > 0) deps.logger.error({ event: 'audit_event_unreadable', tenant: p.tenant, events: page.unreadable.slice(0, 10) });
        return { ...json(200, page), details: { query: { ...req.query, cursor: undefined }, returned: page.events.length } };
      },
    }),
  ];
}
