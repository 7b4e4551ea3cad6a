import { FACET_FIELDS, FACET_SIZE, decodeCursor, type NormalizedQuery } from '../query';
import { parseTextQuery } from '../text-query';
import { textQuery } from './text-query-dsl';

const SORTS = {
  newest: [{ sentAt: 'desc' }, { id: 'asc' }],
  oldest: [{ sentAt: 'asc' }, { id: 'desc' }],
  relevance: [{ _score: 'desc' }, { id: 'asc' }],
} as const;

/**
 * The OpenSearch _search body of a query: every filter an exact term in filter context, always
 * the tenant's first. null when the text has not a single token: it matches nothing.
 */
export function searchBody(tenant: string, q: NormalizedQuery): Record<string, unknown> | null {
  const filter: unknown[] = [{ term: { tenant } }];
  const must: unknown[] = [];
  if (q.text !== undefined) {
    const tree = parseTextQuery(q.text);
    if (tree === null) return null;
    must.push(textQuery(tree));
  }
  if (q.participant) filter.push({ term: { participants: q.participant } });
  if (q.channel) filter.push({ term: { channel: q.channel } });
  if (q.kind) filter.push({ term: { kind: q.kind } });
  if (q.direction) filter.push({ term: { direction: q.direction } });
  if (q.conversation) filter.push({ term: { conversationId: q.conversation } });
  if (q.employeeId) filter.push({ term: { employeeIds: q.employeeId } });
  if (q.unmapped) filter.push({ term: { unmapped: q.unmapped } });
  if (q.holdId) filter.push({ term: { holds: q.holdId } });
  for (const [flag, field] of [
    [q.edited, 'editedBy'],
    [q.deleted, 'deletedBy'],
  ] as const) {
    if (flag === true) filter.push({ exists: { field } });
    if (flag === false) filter.push({ bool: { must_not: { exists: { field } } } });
  }
  if (q.from || q.to) filter.push({ range: { sentAt: { ...(q.from && { gte: q.from }), ...(q.to && { lt: q.to }) } } });
  const body: Record<string, unknown> = {
    size: q.size,
    track_total_hits: true,
    query: { bool: { filter, must } },
    sort: SORTS[q.sort],
  };
  if (q.cursor) body.search_after = decodeCursor(q.cursor);
  if (q.facets?.length) {
    body.aggs = Object.fromEntries(
      q.facets.map((f) => [f, { terms: { field: FACET_FIELDS[f], size: FACET_SIZE, order: [{ _count: 'desc' }, { _key: 'asc' }] } }]),
    );
  }
  return body;
}
