import { envelopeId, targetedMessage } from '@custody/envelope';
import { CustodyError, NotFoundError, RejectedInputError, mapLimit } from '@custody/errors';
import type { Export } from '@custody/policy';
import { RecordVersions, readVerified } from '@custody/review';
import type { ArchiveStore } from '@custody/archive-store';
import { SearchQuery, type IndexDoc, type SearchIndex } from '@custody/search-index';
import { participantTerm } from '@custody/connector-kit';
import type { HoldTable } from '@custody/control';

/** One record the export will produce, as the plan fixes it when the job starts. */
export interface PlannedRecord {
  id: string;
  conversationId: string;
  sentAt: string;
  kind: string;
  /** For an edit, deletion or reaction: the record id of the message it folds into. */
  target?: string;
}

/**
 * A volume of one conversation: whole UTC days of it, up to UNIT_RECORDS records (a longer day is
 * split into parts). The unit a job produces, records and resumes by, and one PDF transcript.
 */
export interface Unit {
  seq: number;
  conversationId: string;
  /** 1-based, per conversation. */
  volume: number;
  records: PlannedRecord[];
  /** The RSMF slices: a UTC day, and its part when the day is longer than a volume. */
  slices: Array<{ day: string; part?: number; records: PlannedRecord[] }>;
}

/** Records per volume: bounds what one unit holds in memory (its records, the PDF's pages). */
export const UNIT_RECORDS = 2_000;

export interface PlanDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
}

const PAGE = 500;

/**
 * The records the scope matches, fixed once: the plan is written to WORM before anything is produced,
 * so a resumed job produces exactly what the first attempt set out to, whatever was archived since.
 * The index finds them (a search, a hold, conversations); listed record ids are read from WORM. The
 * count the index reports must equal the records paged out, or the job fails.
 */
export async function planScope(deps: PlanDeps, exp: Export): Promise<PlannedRecord[]> {
  const { scope, tenant } = exp;
  let records: PlannedRecord[];
  if (scope.recordIds) {
    const versions = new RecordVersions(deps.store, deps.index, tenant);
    records = await mapLimit([...new Set(scope.recordIds)], 8, async (id) => {
      const { envelope: e } = await readVerified(versions, id);
      const t = targetedMessage(e)?.recordId;
      return { id, conversationId: e.conversation.id, sentAt: e.sentAt, kind: e.kind, ...(t && { target: t }) };
    });
  } else if (scope.conversationIds) {
    records = [];
    for (const conversation of new Set(scope.conversationIds)) {
      const found = await allMatching(deps.index, tenant, { conversation }, `conversation ${conversation}`);
      if (found.length === 0) throw new NotFoundError(`scope: no conversation ${conversation}`);
      records.push(...found);
    }
  } else if (scope.holdId) {
    const hold = deps.holds.get(scope.holdId);
    if (!hold || hold.tenant !== tenant) throw new NotFoundError(`scope: no hold ${scope.holdId}`);
    await deps.index.refresh();
    records = await allMatching(deps.index, tenant, { holdId: hold.id }, `hold ${hold.id}`);
  } else {
    records = await allMatching(deps.index, tenant, searchOf(scope.query ?? {}), 'the search');
  }
  return records.sort(byThread);
}

/** The scope's search as /v1/search validates it; paging and facets are the job's own. */
export function searchOf(query: Record<string, unknown>): SearchQuery {
  const { size: _s, cursor: _c, sort: _o, facets: _f, ...filters } = query;
  const parsed = SearchQuery.safeParse({ ...filters, size: PAGE, sort: 'oldest' });
  if (!parsed.success)
    throw new RejectedInputError(
      'invalid_query',
      `scope.query: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ')}`,
    );
  // as POST /v1/search reads it: the package holds the records the search showed
  return { ...parsed.data, ...(parsed.data.participant && { participant: participantTerm(parsed.data.participant) }) };
}

async function allMatching(index: SearchIndex, tenant: string, query: SearchQuery, what: string): Promise<PlannedRecord[]> {
  const out = new Map<string, PlannedRecord>();
  const shared = new Map<string, string>();
  let cursor: string | undefined;
  let total: number | undefined;
  do {
    const page = await index.search(tenant, { ...query, size: PAGE, sort: 'oldest', cursor });
    total ??= page.total;
    for (const d of page.hits) out.set(d.id, planned(tenant, d, shared));
    cursor = page.cursor;
  } while (cursor);
  // records archived while paging move the count: planning again (retriable) gets a stable one
  if (total !== out.size)
    throw new CustodyError(
      'scope_count_mismatch',
      `${what} matches ${total} records in the index but ${out.size} were listed; nothing is produced from a moving count`,
      {
        retriable: true,
      },
    );
  return [...out.values()];
}

/**
 * A planned record as small as it can be: the plan of a large export is the one thing it holds whole,
 * so a conversation id or kind repeated on every record is one string (`shared`), not one per record.
 */
function planned(tenant: string, d: IndexDoc, shared: Map<string, string>): PlannedRecord {
  const once = (s: string) => shared.get(s) ?? (shared.set(s, s), s);
  const target = d.revises === undefined ? undefined : envelopeId(tenant, d.connector, d.revises, 'message');
  return { id: d.id, conversationId: once(d.conversationId), sentAt: d.sentAt, kind: once(d.kind), ...(target && { target }) };
}

const byThread = (a: PlannedRecord, b: PlannedRecord) =>
  a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id);

/** The plan cut into volumes: per conversation, whole days packed up to `max` records, a longer day in parts. */
export function unitsOf(plan: PlannedRecord[], max = UNIT_RECORDS): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  while (i < plan.length) {
    const conversationId = plan[i].conversationId;
    let end = i;
    while (end < plan.length && plan[end].conversationId === conversationId) end++;
    let volume = 0;
    let open: Unit | undefined;
    for (const day of daysOf(plan.slice(i, end))) {
      const parts = day.records.length > max ? Math.ceil(day.records.length / max) : 1;
      for (let p = 0; p < parts; p++) {
        const records = day.records.slice(p * max, (p + 1) * max);
        if (!open || open.records.length + records.length > max) {
          open = { seq: units.length, conversationId, volume: ++volume, records: [], slices: [] };
          units.push(open);
        }
        open.records.push(...records);
        open.slices.push({ day: day.day, ...(parts > 1 && { part: p + 1 }), records });
      }
    }
    i = end;
  }
  return units;
}

function daysOf(records: PlannedRecord[]): Array<{ day: string; records: PlannedRecord[] }> {
  const days: Array<{ day: string; records: PlannedRecord[] }> = [];
  for (const r of records) {
    const day = r.sentAt.slice(0, 10);
    if (days[days.length - 1]?.day === day) days[days.length - 1].records.push(r);
    else days.push({ day, records: [r] });
  }
  return days;
}
