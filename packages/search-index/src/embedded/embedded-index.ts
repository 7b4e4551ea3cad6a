import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CustodyError, DependencyUnavailableError, RejectedInputError, errorMessage } from '@custody/errors';
import type { IndexDoc, Resolution, Revisions } from '../document';
import { FULL_TEXT_FIELDS, recordMappings } from '../opensearch/mappings';
import type { BulkFailure, SearchIndex, SearchResult } from '../port';
import { SearchQuery, decodeCursor, encodeCursor } from '../query';
import { tokenize } from './analyzer';
import { DocLog, type DocOp } from './doc-log';

export interface EmbeddedIndexOptions {
  dir: string;
}

interface Entry {
  doc: IndexDoc;
  /** Epoch milliseconds: the sort value OpenSearch uses for a date, so cursors have the same shape. */
  sentAt: number;
}

/** The projection's fields: OpenSearch's mapping is `dynamic: strict`, so anything else is refused. */
const FIELDS = new Set(Object.keys(recordMappings.properties));
/** strict_date_optional_time (the mapping's date format): date, then optional time, then optional zone. */
const DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const MIN_LOG_LINES_TO_COMPACT = 1000;

/**
 * Full-text index for single-node deployments, with the OpenSearch adapter's query semantics:
 * `text` matches every token of the standard analyzer (operator AND) across subject and text, every
 * other filter is an exact term, hits sort by sentAt desc then id asc. Documents are keyed by id alone, as they are in
 * the OpenSearch index; tenant isolation is enforced on every read and write. Writes are durable
 * when they resolve (see DocLog) and visible at once. One process owns `dir`.
 */
export class EmbeddedIndex implements SearchIndex {
  private opened?: Promise<DocLog>;
  private readonly entries = new Map<string, Entry>();
  private readonly byTenant = new Map<string, Set<string>>();
  private readonly postings = new Map<string, Set<string>>();
  /** Edit and deletion ids by the vendor id they revise: the archiver asks for them on every batch. */
  private readonly byRevised = new Map<string, Set<string>>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: EmbeddedIndexOptions) {}

  async ensureReady(): Promise<void> {
    await this.log();
  }

  async probe(): Promise<void> {
    await io('probe', async () => {
      await this.log();
      await access(this.opts.dir, constants.W_OK);
    });
  }

  async bulkUpsert(docs: IndexDoc[]): Promise<BulkFailure[]> {
    const failures: BulkFailure[] = [];
    const ops: DocOp[] = [];
    for (const doc of docs) {
      const reason = rejection(doc);
      if (reason) failures.push({ id: typeof doc.id === 'string' ? doc.id : '', reason, retriable: false });
      // a copy through JSON: what OpenSearch would store, immune to the caller mutating `doc` later
      else ops.push({ op: 'put', doc: JSON.parse(JSON.stringify(doc)) as IndexDoc });
    }
    await this.write(() => ops);
    return failures;
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchResult> {
    const q = SearchQuery.parse(query);
    await this.log();
    const after = q.cursor === undefined ? undefined : cursorValues(q.cursor);
    const from = q.from ? queryDate(q.from) : -Infinity;
    const to = q.to ? queryDate(q.to) : Infinity;
    const terms: Array<[keyof IndexDoc, string | undefined]> = [
      ['participants', q.participant],
      ['channel', q.channel],
      ['kind', q.kind],
      ['conversationId', q.conversation],
      ['employeeIds', q.employeeId],
      ['unmapped', q.unmapped],
      ['holds', q.holdId],
    ];
    const matches: Entry[] = [];
    for (const id of this.candidates(tenant, q.text)) {
      const e = this.entries.get(id)!;
      if (e.doc.tenant !== tenant || e.sentAt < from || e.sentAt >= to) continue;
      if (!terms.every(([field, wanted]) => wanted === undefined || termMatches(e.doc[field], wanted))) continue;
      if (!flagMatches(e.doc.editedBy, q.edited) || !flagMatches(e.doc.deletedBy, q.deleted)) continue;
      matches.push(e);
    }
    matches.sort((a, b) => compareSort(a.sentAt, a.doc.id, b.sentAt, b.doc.id));
    const start = after ? firstAfter(matches, after) : 0;
    const page = matches.slice(start, start + q.size);
    const last = page[page.length - 1];
    return {
      total: matches.length,
      hits: page.map((e) => structuredClone(e.doc)),
      cursor: last && page.length === q.size ? encodeCursor([last.sentAt, last.doc.id]) : undefined,
    };
  }

  async get(tenant: string, id: string): Promise<IndexDoc | null> {
    await this.log();
    const e = this.entries.get(id);
    // a document of another tenant is indistinguishable from a missing one
    return e && e.doc.tenant === tenant ? structuredClone(e.doc) : null;
  }

  async setHolds(tenant: string, holdsById: Map<string, string[]>): Promise<void> {
    await this.write(() =>
      [...holdsById].flatMap(([id, holds]): DocOp[] => {
        const e = this.entries.get(id);
        return e && e.doc.tenant === tenant ? [{ op: 'put', doc: { ...e.doc, holds: [...holds].sort() } }] : [];
      }),
    );
  }

  async setResolution(tenant: string, resolutionById: Map<string, Resolution>): Promise<void> {
    await this.write(() =>
      [...resolutionById].flatMap(([id, r]): DocOp[] => {
        const e = this.entries.get(id);
        return e && e.doc.tenant === tenant
          ? [{ op: 'put', doc: { ...e.doc, employeeIds: [...r.employeeIds], unmapped: [...r.unmapped], direction: r.direction } }]
          : [];
      }),
    );
  }

  async addRevisions(tenant: string, revisionsById: Map<string, Revisions>): Promise<void> {
    await this.write(() =>
      [...revisionsById].flatMap(([id, add]): DocOp[] => {
        const e = this.entries.get(id);
        if (!e || e.doc.tenant !== tenant) return [];
        const union = (had: string[] | undefined, more: string[]) => [...new Set([...(had ?? []), ...more])].sort();
        return [{ op: 'put', doc: { ...e.doc, editedBy: union(e.doc.editedBy, add.editedBy), deletedBy: union(e.doc.deletedBy, add.deletedBy) } }];
      }),
    );
  }

  async revisionsOf(tenant: string, externalIds: string[]): Promise<IndexDoc[]> {
    await this.log();
    const ids = new Set(externalIds.flatMap((x) => [...(this.byRevised.get(x) ?? [])]));
    const found = [...ids].map((id) => this.entries.get(id)!.doc).filter((d) => d.tenant === tenant);
    return found.map((d) => structuredClone(d)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async delete(tenant: string, ids: string[]): Promise<void> {
    await this.write(() => ids.filter((id) => this.entries.get(id)?.doc.tenant === tenant).map((id): DocOp => ({ op: 'del', id })));
  }

  /** Writes are visible as soon as they resolve. */
  async refresh(): Promise<void> {}

  /** Not part of the port: releases the log file at shutdown. */
  async close(): Promise<void> {
    await this.writes;
    if (this.opened) await (await this.opened).close();
    this.opened = undefined;
  }

  private log(): Promise<DocLog> {
    this.opened ??= io('open', async () => {
      // indexed text is customer data: private to the service user, like the rest of the data dir
      await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      const log = await DocLog.open(join(this.opts.dir, 'docs.jsonl'), (op) => this.apply(op));
      if (this.wasteful(log)) await log.rewrite(this.docs());
      return log;
    }).catch((err) => {
      this.opened = undefined;
      throw err;
    });
    return this.opened;
  }

  /** Serializes writes; `makeOps` runs in turn, so it sees every earlier write applied. */
  private write(makeOps: () => DocOp[]): Promise<void> {
    const done = this.writes.then(async () => {
      const log = await this.log();
      const ops = makeOps();
      if (ops.length === 0) return;
      await io('write', () => log.append(ops));
      ops.forEach((op) => this.apply(op));
      // best effort: the log is valid either way and the next write tries again
      if (this.wasteful(log)) await log.rewrite(this.docs()).catch(() => undefined);
    });
    this.writes = done.catch(() => undefined);
    return done;
  }

  private wasteful(log: DocLog): boolean {
    return log.lines > 2 * this.entries.size + MIN_LOG_LINES_TO_COMPACT;
  }

  private *docs(): Iterable<IndexDoc> {
    for (const e of this.entries.values()) yield e.doc;
  }

  private apply(op: DocOp): void {
    const id = op.op === 'put' ? op.doc.id : op.id;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      remove(this.byTenant, old.doc.tenant, id);
      if (old.doc.revises !== undefined) remove(this.byRevised, old.doc.revises, id);
      for (const token of fullText(old.doc)) remove(this.postings, token, id);
    }
    if (op.op === 'del') return;
    this.entries.set(id, { doc: op.doc, sentAt: epochMillis(op.doc.sentAt) });
    add(this.byTenant, op.doc.tenant, id);
    if (op.doc.revises !== undefined) add(this.byRevised, op.doc.revises, id);
    for (const token of fullText(op.doc)) add(this.postings, token, id);
  }

  /** Ids that can match: every query token must occur (no tokens at all matches nothing, as in OpenSearch). */
  private candidates(tenant: string, text: string | undefined): Iterable<string> {
    if (text === undefined) return this.byTenant.get(tenant) ?? [];
    const sets = [...new Set(tokenize(text))].map((t) => this.postings.get(t) ?? new Set<string>());
    if (sets.length === 0) return [];
    sets.sort((a, b) => a.size - b.size);
    return [...sets[0]].filter((id) => sets.every((s) => s.has(id)));
  }
}

/** The tokens the query's `text` is matched against: one posting set over all full-text fields, as cross_fields does. */
function fullText(doc: IndexDoc): Set<string> {
  return new Set(FULL_TEXT_FIELDS.flatMap((f) => tokenize(doc[f] ?? '')));
}

function termMatches(value: unknown, wanted: string): boolean {
  return Array.isArray(value) ? value.includes(wanted) : value === wanted;
}

/** OpenSearch `exists` semantics: an empty array is no value. */
function flagMatches(ids: string[] | undefined, wanted: boolean | undefined): boolean {
  return wanted === undefined || (ids !== undefined && ids.length > 0) === wanted;
}

function compareSort(sentAtA: number, idA: string, sentAtB: number, idB: string): number {
  return sentAtB - sentAtA || (idA < idB ? -1 : idA > idB ? 1 : 0);
}

/** search_after: the index of the first hit sorting strictly after the cursor. */
function firstAfter(sorted: Entry[], [sentAt, id]: [number, string]): number {
  const i = sorted.findIndex((e) => compareSort(e.sentAt, e.doc.id, sentAt, id) > 0);
  return i === -1 ? sorted.length : i;
}

function cursorValues(cursor: string): [number, string] {
  const v = decodeCursor(cursor);
  if (v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') {
    throw new RejectedInputError('invalid_query', 'cursor is not one this API issued');
  }
  return [v[0], v[1]];
}

/** Why OpenSearch would refuse the document, in its words; null when it would index it. */
function rejection(doc: IndexDoc): string | null {
  if (typeof doc.id !== 'string' || doc.id.length === 0 || Buffer.byteLength(doc.id) > 512) return 'illegal_argument_exception: id must be 1 to 512 bytes';
  if (typeof doc.tenant !== 'string') return 'mapper_parsing_exception: failed to parse field [tenant]';
  const unknown = Object.keys(doc).find((k) => !FIELDS.has(k) && (doc as unknown as Record<string, unknown>)[k] !== undefined);
  if (unknown) return `strict_dynamic_mapping_exception: mapping set to strict, dynamic introduction of [${unknown}] within [_doc] is not allowed`;
  for (const field of ['sentAt', 'capturedAt'] as const) {
    const value: unknown = doc[field];
    if (typeof value !== 'string' || Number.isNaN(epochMillis(value))) {
      return `mapper_parsing_exception: failed to parse field [${field}] of type [date]`;
    }
  }
  return null;
}

/** Epoch milliseconds as OpenSearch reads a date: a time without a zone is UTC, not local time. NaN if invalid. */
function epochMillis(value: string): number {
  const m = DATE.exec(value);
  if (!m) return NaN;
  const [, date, time, zone] = m;
  if (time === undefined) return Date.parse(date);
  const offset = zone === undefined || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  return Date.parse(`${date}T${time}${offset}`);
}

function queryDate(value: string): number {
  const ms = epochMillis(value);
  if (Number.isNaN(ms)) throw new RejectedInputError('invalid_query', `${value} is not a date the index understands`);
  return ms;
}

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function remove(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set?.delete(id) && set.size === 0) map.delete(key);
}

/** File system failures are outages: retriable, never taken for bad documents. */
async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw new DependencyUnavailableError('embedded-index', `${what}: ${errorMessage(err)}`, err);
  }
}
