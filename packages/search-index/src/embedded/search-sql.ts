import { FACET_SIZE, type Facet, type NormalizedQuery } from '../query';
import { MULTI_VALUED, type MultiValuedField } from './schema';
import { keyAfter, keyOf } from './sort-key';

/** A search as SQL over `docs d`: what to read, in sort-key order, and how to count it. */
export interface SearchSql {
  /** `SELECT … FROM …` the source of the hits, in sort-key order through `order`. */
  from: string;
  /** The column holding the sort key in `from` (the one the driving index is ordered by). */
  order: string;
  where: string[];
  params: unknown[];
  /** The count without a join to `docs` when nothing but the text and dates is asked (see countSql). */
  ftsOnly: boolean;
}

export interface Bounds {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

/**
 * Builds the WHERE clauses of a search. One source drives it, chosen for selectivity without
 * statistics: the conversation (a thread is small), else the text's postings, else one value of a
 * multi-valued filter, else the tenant's documents; every other filter is checked per candidate. All
 * of these are ordered by sort key, so a page reads candidates in hit order and stops.
 * Every statement filters on the tenant: `d.tenant = ?` always, and the tokens MATCH looks for carry
 * the tenant key (fts-tokens.ts).
 */
export function searchSql(tenantKey: number, q: NormalizedQuery, match: string | null, dates: Bounds): SearchSql {
  // ranking reads FTS5's rank, which only the table driving the query has
  const textDrives = q.sort === 'relevance' && match !== null;
  const where: string[] = ['d.tenant = ?'];
  const params: unknown[] = [tenantKey];
  const values = (
    [
      ['participants', q.participant],
      ['employeeIds', q.employeeId],
      ['unmapped', q.unmapped],
      ['holds', q.holdId],
    ] as Array<[MultiValuedField, string | undefined]>
  ).filter((v): v is [MultiValuedField, string] => v[1] !== undefined);

  let from: string;
  let order: string;
  if (q.conversation !== undefined && !textDrives) {
    from = 'docs d INDEXED BY docs_conversation';
    order = 'd.key';
    where.push('d.conversation = ?');
    params.push(q.conversation);
  } else if (match !== null) {
    // CROSS JOIN: SQLite keeps this join order, so FTS5 drives and hands over rowids in order
    from = 'fts CROSS JOIN docs d ON d.key = fts.rowid';
    order = 'fts.rowid';
    if (q.conversation !== undefined) {
      where.push('d.conversation = ?');
      params.push(q.conversation);
    }
  } else if (values.length > 0) {
    const [field, value] = values.shift()!;
    from = 'doc_values v CROSS JOIN docs d ON d.key = v.key';
    order = 'v.key';
    where.push('v.tenant = ? AND v.field = ? AND v.value = ?');
    params.push(tenantKey, MULTI_VALUED[field], value);
  } else {
    from = 'docs d INDEXED BY docs_tenant';
    order = 'd.key';
  }

  if (match !== null) {
    // per candidate of a conversation: FTS5 seeks each token's postings to that one rowid
    if (order === 'fts.rowid') where.push('fts MATCH ?');
    else where.push('EXISTS (SELECT 1 FROM fts WHERE fts MATCH ? AND fts.rowid = d.key)');
    params.push(match);
  }
  for (const [field, value] of values) {
    where.push('EXISTS (SELECT 1 FROM doc_values x WHERE x.tenant = ? AND x.field = ? AND x.value = ? AND x.key = d.key)');
    params.push(tenantKey, MULTI_VALUED[field], value);
  }
  for (const [column, value] of [
    ['channel', q.channel],
    ['kind', q.kind],
    ['direction', q.direction],
  ] as const) {
    if (value === undefined) continue;
    where.push(`d.${column} = ?`);
    params.push(value);
  }
  for (const [column, value] of [
    ['edited', q.edited],
    ['deleted', q.deleted],
  ] as const) {
    if (value === undefined) continue;
    where.push(`d.${column} = ?`);
    params.push(value ? 1 : 0);
  }
  if (dates.from !== undefined) {
    where.push(`${order} >= ?`);
    params.push(keyOf(dates.from));
  }
  if (dates.to !== undefined) {
    where.push(`${order} < ?`);
    params.push(keyOf(dates.to));
  }
  const ftsOnly = order === 'fts.rowid' && where.length === 2 + (dates.from !== undefined ? 1 : 0) + (dates.to !== undefined ? 1 : 0);
  return { from, order, where, params, ftsOnly };
}

/**
 * The exact number of hits. With only text and dates asked, the postings alone answer it: they are
 * the tenant's own (the tenant key is in every token), so no document row is read per hit.
 */
export function countSql(s: SearchSql): { sql: string; params: unknown[] } {
  if (!s.ftsOnly) return { sql: `SELECT count(*) AS n FROM ${s.from} WHERE ${s.where.join(' AND ')}`, params: s.params };
  const where = s.where.slice(1).map((w) => w.replace(/^fts\.rowid/, 'rowid'));
  return { sql: `SELECT count(*) AS n FROM fts WHERE ${where.join(' AND ')}`, params: s.params.slice(1) };
}

/** Counts of one facet over every hit: the columns of `docs` grouped directly, the multi-valued fields through their rows in `doc_values`. */
export function facetSql(s: SearchSql, tenantKey: number, facet: Facet): { sql: string; params: unknown[] } {
  const tail = `GROUP BY value ORDER BY n DESC, value ASC LIMIT ${FACET_SIZE}`;
  const where = s.where.join(' AND ');
  if (facet === 'channel' || facet === 'kind' || facet === 'direction')
    return { sql: `SELECT d.${facet} AS value, count(*) AS n FROM ${s.from} WHERE ${where} ${tail}`, params: s.params };
  const field = MULTI_VALUED[facet === 'employee' ? 'employeeIds' : 'participants'];
  return {
    sql: `SELECT x.value AS value, count(*) AS n FROM ${s.from} JOIN doc_values x ON x.tenant = ? AND x.field = ? AND x.key = d.key WHERE ${where} ${tail}`,
    params: [tenantKey, field, ...s.params],
  };
}

/**
 * Hits by relevance: FTS5's rank (BM25, lower is better), then id, after `after` (a cursor's rank and
 * id). Every match is scored before the first page is cut, as any engine must to rank.
 */
export function relevanceSql(s: SearchSql, after: [number, string] | undefined, limit: number): { sql: string; params: unknown[] } {
  const where = [...s.where];
  const params = [...s.params];
  if (after) {
    where.push('(fts.rank > ? OR (fts.rank = ? AND d.id > ?))');
    params.push(after[0], after[0], after[1]);
  }
  return {
    sql: `SELECT d.key AS key, d.sent_at AS sentAt, d.id AS id, fts.rank AS score FROM ${s.from} WHERE ${where.join(' AND ')} ORDER BY fts.rank, d.id LIMIT ?`,
    params: [...params, limit],
  };
}

/**
 * `newest` walks sort keys down and breaks a millisecond's ties by id ascending; `oldest` is its exact
 * reverse (keys up, ids descending), so "after a cursor" in one order is "before it" in the other.
 */
export type Order = 'newest' | 'oldest';

/** Hits after `after` (a cursor's sentAt and id), in sort-key order. */
export function pageSql(s: SearchSql, order: Order, after: [number, string] | undefined, limit: number): { sql: string; params: unknown[] } {
  const where = [...s.where];
  const params = [...s.params];
  if (after && order === 'newest') {
    where.push(`${s.order} < ?`, '(d.sent_at < ? OR d.id > ?)');
    params.push(keyAfter(after[0]), after[0], after[1]);
  } else if (after) {
    where.push(`${s.order} >= ?`, '(d.sent_at > ? OR d.id < ?)');
    params.push(keyOf(after[0]), after[0], after[1]);
  }
  return {
    sql: `SELECT d.key AS key, d.sent_at AS sentAt, d.id AS id FROM ${s.from} WHERE ${where.join(' AND ')} ORDER BY ${s.order} ${order === 'newest' ? 'DESC' : 'ASC'} LIMIT ?`,
    params: [...params, limit],
  };
}

/** Every hit sent in millisecond `ms` after `after`, by id: the one millisecond whose order the sort key does not give. */
export function millisecondSql(s: SearchSql, order: Order, ms: number, after: [number, string] | undefined, limit: number): { sql: string; params: unknown[] } {
  const where = [...s.where, `${s.order} >= ?`, `${s.order} < ?`];
  const params = [...s.params, keyOf(ms), keyAfter(ms)];
  if (after && after[0] === ms) {
    where.push(order === 'newest' ? 'd.id > ?' : 'd.id < ?');
    params.push(after[1]);
  }
  return {
    sql: `SELECT d.key AS key, d.sent_at AS sentAt, d.id AS id FROM ${s.from} WHERE ${where.join(' AND ')} ORDER BY d.id ${order === 'newest' ? 'ASC' : 'DESC'} LIMIT ?`,
    params: [...params, limit],
  };
}
