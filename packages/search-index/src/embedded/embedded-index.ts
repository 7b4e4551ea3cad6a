import { access, constants, mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { CustodyError, DependencyUnavailableError, RejectedInputError, errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import type { IndexDoc, Resolution, Revisions } from '../document';
import type { BulkFailure, SearchIndex, SearchResult } from '../port';
import { SearchQuery, decodeCursor, encodeCursor } from '../query';
import { DOC_LOG_FILE, readDocLog } from './doc-log';
import { ftsColumns, ftsMatch, type FtsColumns } from './fts-tokens';
import { parseTextQuery } from '../text-query';
import { epochMillis, queryDate, rejection } from './mapping-rules';
import { MULTI_VALUED, openDatabase, type IndexMemory, type MultiValuedField } from './schema';
import { countSql, facetSql, millisecondSql, pageSql, relevanceSql, searchSql, type Order } from './search-sql';
import { keyAfter, keyOf } from './sort-key';

export interface EmbeddedIndexOptions {
  dir: string;
  /** Reports the one-time import of an earlier version's doc log. */
  logger?: Logger;
  /**
   * Page cache and mapped file (default 64 and 256 MiB): a process that only reads the index once
   * (custody export plans from it) keeps its memory to the records it works on with a few MiB.
   */
  memory?: IndexMemory;
}

export const DATABASE_FILE = 'index.sqlite';
const IMPORT_BATCH = 5000;
const PREPARE_CHUNK = 64;

interface Row {
  key: bigint;
  tenant: bigint;
  sentAt: bigint;
  json: string;
}

interface Prepared {
  original: IndexDoc;
  stored: IndexDoc;
  json: string;
  tenantKey: number;
  /** Encoded tokens (fts-tokens.ts) of the subject and of the text, plain and stemmed. */
  fts: FtsColumns;
}

interface Hit {
  key: bigint;
  sentAt: bigint;
  id: string;
  /** FTS5's rank, when sorted by relevance. */
  score?: number;
}

/**
 * Full-text index for single-node deployments on SQLite FTS5 (schema.ts), with the OpenSearch
 * adapter's query semantics: `text` matches every token of the standard analyzer (operator AND) across
 * subject and text, every other filter is an exact term, hits sort by sentAt desc then id asc.
 * Documents are keyed by id alone, as they are in the OpenSearch index; every read and every update
 * is confined to the caller's tenant. Writes are durable when they resolve (one transaction each,
 * synchronous=FULL) and visible at once. Opening reads nothing but the schema: no replay. One process
 * owns `dir`.
 */
export class EmbeddedIndex implements SearchIndex {
  private opened?: Promise<Database.Database>;
  /** Set once `opened` has opened it (statements are prepared on it). */
  private database?: Database.Database;
  private readonly tenantKeys = new Map<string, number>();
  private readonly statements = new Map<string, Database.Statement>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: EmbeddedIndexOptions) {}

  async ensureReady(): Promise<void> {
    await this.db();
  }

  async probe(): Promise<void> {
    await io('probe', async () => {
      const db = await this.db();
      db.prepare('SELECT 1').get();
      await access(this.opts.dir, constants.W_OK);
    });
  }

  async bulkUpsert(docs: IndexDoc[]): Promise<BulkFailure[]> {
    const db = await this.db();
    const failures: BulkFailure[] = [];
    const valid: IndexDoc[] = [];
    for (const doc of docs) {
      const reason = rejection(doc);
      if (reason) failures.push({ id: typeof doc.id === 'string' ? doc.id : '', reason, retriable: false });
      else valid.push(doc);
    }
    await this.write(async () => {
      this.registerTenants(
        db,
        valid.map((d) => d.tenant),
      );
      const prepared = await this.prepare(valid);
      db.transaction(() => {
        for (const doc of prepared) {
          const reason = this.put(doc);
          if (reason) failures.push({ id: doc.stored.id, reason, retriable: false });
        }
      })();
    });
    return failures;
  }

  async search(tenant: string, query: SearchQuery): Promise<SearchResult> {
    const q = SearchQuery.parse(query);
    const after = q.cursor === undefined ? undefined : cursorValues(q.cursor);
    const dates = { from: q.from === undefined ? undefined : queryDate(q.from), to: q.to === undefined ? undefined : queryDate(q.to) };
    await this.db();
    const tenantKey = this.tenantKeys.get(tenant);
    const tree = q.text === undefined ? undefined : parseTextQuery(q.text);
    // a tenant with no documents, or text without a single token, matches nothing (as in OpenSearch)
    if (tenantKey === undefined || tree === null) return { total: 0, hits: [] };
    const match = tree === undefined ? null : ftsMatch(tenantKey, tree);
    return io('search', async () => {
      const s = searchSql(tenantKey, q, match, dates);
      const count = countSql(s);
      const total = Number((this.statement(count.sql).get(...count.params) as { n: bigint }).n);
      const hits = q.sort === 'relevance' ? this.ranked(s, after, q.size) : this.page(s, q.sort, after, q.size);
      const last = hits[hits.length - 1];
      const body = this.statement('SELECT b.json AS json FROM docs d JOIN bodies b ON b.key = d.key WHERE d.key = ? AND d.tenant = ?');
      return {
        total,
        hits: hits.map((h) => JSON.parse((body.get(h.key, tenantKey) as { json: string }).json) as IndexDoc),
        cursor: last && hits.length === q.size ? encodeCursor([q.sort === 'relevance' ? last.score! : Number(last.sentAt), last.id]) : undefined,
        ...(q.facets?.length && {
          facets: Object.fromEntries(
            q.facets.map((f) => {
              const sql = facetSql(s, tenantKey, f);
              return [
                f,
                (this.statement(sql.sql).all(...sql.params) as Array<{ value: string; n: bigint }>).map((r) => ({ value: r.value, count: Number(r.n) })),
              ];
            }),
          ),
        }),
      };
    });
  }

  async get(tenant: string, id: string): Promise<IndexDoc | null> {
    const row = await this.row(tenant, id);
    // a document of another tenant is indistinguishable from a missing one
    return row ? (JSON.parse(row.json) as IndexDoc) : null;
  }

  async setHolds(tenant: string, holdsById: Map<string, string[]>): Promise<void> {
    await this.update(tenant, holdsById, (doc, holds) => ({ ...doc, holds: [...holds].sort() }));
  }

  async setResolution(tenant: string, resolutionById: Map<string, Resolution>): Promise<void> {
    await this.update(tenant, resolutionById, (doc, r) => ({ ...doc, employeeIds: [...r.employeeIds], unmapped: [...r.unmapped], direction: r.direction }));
  }

  async setLogSequences(tenant: string, sequenceById: Map<string, number>): Promise<void> {
    await this.update(tenant, sequenceById, (doc, logSequence) => ({ ...doc, logSequence }));
  }

  async addRevisions(tenant: string, revisionsById: Map<string, Revisions>): Promise<void> {
    const union = (had: string[] | undefined, more: string[]) => [...new Set([...(had ?? []), ...more])].sort();
    await this.update(tenant, revisionsById, (doc, add) => ({
      ...doc,
      editedBy: union(doc.editedBy, add.editedBy),
      deletedBy: union(doc.deletedBy, add.deletedBy),
    }));
  }

  async revisionsOf(tenant: string, externalIds: string[]): Promise<IndexDoc[]> {
    await this.db();
    const tenantKey = this.tenantKeys.get(tenant);
    if (tenantKey === undefined) return [];
    return io('read', async () => {
      const stmt = this.statement('SELECT b.json AS json FROM docs d JOIN bodies b ON b.key = d.key WHERE d.tenant = ? AND d.revises = ?');
      const found = new Map<string, IndexDoc>();
      for (const externalId of new Set(externalIds)) {
        for (const { json } of stmt.all(tenantKey, externalId) as Array<{ json: string }>) {
          const doc = JSON.parse(json) as IndexDoc;
          found.set(doc.id, doc);
        }
      }
      return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    });
  }

  async delete(tenant: string, ids: string[]): Promise<void> {
    const db = await this.db();
    await this.write(async () => {
      const tenantKey = this.tenantKeys.get(tenant);
      if (tenantKey === undefined) return;
      db.transaction(() => {
        for (const id of ids) {
          const row = this.rowOf(tenantKey, id);
          if (row) this.remove(row);
        }
      })();
    });
  }

  /** Writes are visible as soon as they resolve. */
  async refresh(): Promise<void> {}

  /** Not part of the port: closes the database at shutdown. */
  async close(): Promise<void> {
    await this.writes;
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await opened.catch(() => undefined);
    this.statements.clear();
    this.database?.close();
    this.database = undefined;
  }

  private db(): Promise<Database.Database> {
    this.opened ??= this.open().catch((err) => {
      this.opened = undefined;
      this.statements.clear();
      this.database?.close();
      this.database = undefined;
      throw err;
    });
    return this.opened;
  }

  private async open(): Promise<Database.Database> {
    const db = await io('open', async () => {
      // indexed text is customer data: private to the service user, like the rest of the data dir
      await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      const file = join(this.opts.dir, DATABASE_FILE);
      await (await open(file, 'a', 0o600)).close();
      this.database = openDatabase(file, (event) => this.opts.logger?.info(event), this.opts.memory);
      this.tenantKeys.clear();
      for (const { key, name } of this.database.prepare('SELECT key, name FROM tenants').all() as Array<{ key: number; name: string }>)
        this.tenantKeys.set(name, key);
      return this.database;
    });
    await io('import', () => this.importDocLog(db));
    return db;
  }

  /**
   * Once, on the first open after an upgrade: the earlier versions' doc log, replayed into the
   * database in batches. Replaying it again over a partial import ends in the same state (every
   * operation replaces or removes a whole document), so a crash midway just imports again; the log is
   * renamed aside only after the flag saying it was imported has committed.
   */
  private async importDocLog(db: Database.Database): Promise<void> {
    const log = join(this.opts.dir, DOC_LOG_FILE);
    if (!(await stat(log).catch(() => null))) return;
    const imported = db.prepare("SELECT value FROM meta WHERE name = 'doc_log_imported'").get();
    let count = 0;
    if (!imported) {
      for await (const ops of readDocLog(log, IMPORT_BATCH)) {
        const puts = ops.flatMap((op) => (op.op === 'put' && !rejection(op.doc) ? [op.doc] : []));
        this.registerTenants(
          db,
          puts.map((d) => d.tenant),
        );
        const prepared = new Map((await this.prepare(puts)).map((p) => [p.original, p]));
        db.transaction(() => {
          for (const op of ops) {
            const doc = op.op === 'put' ? prepared.get(op.doc) : undefined;
            if (doc) this.put(doc);
            if (op.op === 'del') {
              const row = this.rowById(op.id);
              if (row) this.remove(row);
            }
          }
        })();
        count += ops.length;
      }
      db.prepare("INSERT INTO meta (name, value) VALUES ('doc_log_imported', ?)").run(new Date().toISOString());
    }
    await rename(log, `${log}.imported`);
    const dir = await open(this.opts.dir, 'r');
    await dir.sync().finally(() => dir.close());
    this.opts.logger?.info(
      { event: 'embedded_index_doc_log_imported', operations: count, kept_as: `${DOC_LOG_FILE}.imported` },
      'imported the index of an earlier version',
    );
  }

  /**
   * What a write stores, computed before its transaction and a chunk at a time, yielding in between:
   * tokenizing is most of an upsert's CPU, and the process (gateway, API) must not stall for a batch.
   */
  private async prepare(docs: IndexDoc[]): Promise<Prepared[]> {
    const prepared: Prepared[] = [];
    for (let i = 0; i < docs.length; i += PREPARE_CHUNK) {
      if (i > 0) await setImmediate();
      for (const original of docs.slice(i, i + PREPARE_CHUNK)) {
        const tenantKey = this.tenantKeys.get(original.tenant)!;
        // a copy through JSON: what OpenSearch would store, immune to the caller mutating `doc` later
        const json = JSON.stringify(original);
        const stored = JSON.parse(json) as IndexDoc;
        prepared.push({ original, stored, json, tenantKey, fts: ftsColumns(tenantKey, stored.subject, stored.text) });
      }
    }
    return prepared;
  }

  /** Inserts or replaces the document with this id (whichever tenant had it, as OpenSearch does). Returns why it cannot, if it cannot. */
  private put({ stored, json, tenantKey, fts }: Prepared): string | null {
    const sentAt = epochMillis(stored.sentAt);
    const old = this.rowById(stored.id);
    let key: bigint;
    if (old && old.sentAt === BigInt(sentAt)) {
      key = old.key;
    } else {
      const last = (this.statement('SELECT max(key) AS k FROM docs WHERE key >= ? AND key < ?').get(keyOf(sentAt), keyAfter(sentAt)) as { k: bigint | null }).k;
      key = last === null ? keyOf(sentAt) : last + 1n;
      if (key >= keyAfter(sentAt))
        return `too_many_documents: the embedded index holds at most 32768 documents sent in the same millisecond (${stored.sentAt})`;
    }
    if (old) this.remove(old);
    this.statement(
      'INSERT INTO docs (key, id, tenant, sent_at, channel, kind, conversation, edited, deleted, revises, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      key,
      stored.id,
      tenantKey,
      sentAt,
      String(stored.channel),
      String(stored.kind),
      String(stored.conversationId),
      flag(stored.editedBy),
      flag(stored.deletedBy),
      stored.revises ?? null,
      String(stored.direction),
    );
    this.statement('INSERT INTO bodies (key, json) VALUES (?, ?)').run(key, json);
    this.statement('INSERT INTO fts (rowid, subject, message, subject_stem, message_stem) VALUES (?, ?, ?, ?, ?)').run(
      key,
      fts.subject,
      fts.message,
      fts.subjectStem,
      fts.messageStem,
    );
    for (const field of Object.keys(MULTI_VALUED) as MultiValuedField[]) this.insertValues(tenantKey, field, key, stored[field]);
    return null;
  }

  private remove(row: Row): void {
    const doc = JSON.parse(row.json) as IndexDoc;
    for (const field of Object.keys(MULTI_VALUED) as MultiValuedField[]) this.deleteValues(Number(row.tenant), field, row.key, doc[field]);
    this.statement('DELETE FROM fts WHERE rowid = ?').run(row.key);
    this.statement('DELETE FROM bodies WHERE key = ?').run(row.key);
    this.statement('DELETE FROM docs WHERE key = ? AND tenant = ?').run(row.key, row.tenant);
  }

  /** Rewrites documents of this tenant in one transaction; ids of other tenants and missing ids are skipped. */
  private async update<T>(tenant: string, changes: Map<string, T>, change: (doc: IndexDoc, value: T) => IndexDoc): Promise<void> {
    const db = await this.db();
    await this.write(async () => {
      const tenantKey = this.tenantKeys.get(tenant);
      if (tenantKey === undefined || changes.size === 0) return;
      db.transaction(() => {
        for (const [id, value] of changes) {
          const row = this.rowOf(tenantKey, id);
          if (!row) continue;
          const before = JSON.parse(row.json) as IndexDoc;
          const after = change(before, value);
          for (const field of Object.keys(MULTI_VALUED) as MultiValuedField[]) {
            if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
            this.deleteValues(tenantKey, field, row.key, before[field]);
            this.insertValues(tenantKey, field, row.key, after[field]);
          }
          this.statement('UPDATE docs SET edited = ?, deleted = ?, direction = ? WHERE key = ? AND tenant = ?').run(
            flag(after.editedBy),
            flag(after.deletedBy),
            String(after.direction),
            row.key,
            tenantKey,
          );
          this.statement('UPDATE bodies SET json = ? WHERE key = ?').run(JSON.stringify(after), row.key);
        }
      })();
    });
  }

  /** Writes one after another in call order (a write yields while it tokenizes), each wrapped as an outage when it fails. */
  private write(fn: () => Promise<void>): Promise<void> {
    const done = this.writes.then(() => io('write', fn));
    this.writes = done.catch(() => undefined);
    return done;
  }

  /**
   * A page of hits in sort order. The sort key orders by sentAt to the millisecond, and within one
   * millisecond by arrival: the page's milliseconds are re-sorted by id, and the millisecond of its
   * last hit, which may continue beyond the page, is read whole by id (a handful of documents, at
   * most 32768).
   */
  private page(s: ReturnType<typeof searchSql>, order: Order, after: [number, string] | undefined, size: number): Hit[] {
    const first = pageSql(s, order, after, size);
    const hits = this.statement(first.sql).all(...first.params) as Hit[];
    if (hits.length === 0) return hits;
    const lastMs = hits[hits.length - 1].sentAt;
    const down = order === 'newest' ? 1 : -1;
    const earlier = hits
      .filter((h) => h.sentAt !== lastMs)
      .sort((a, b) => (a.sentAt === b.sentAt ? down * compareIds(a.id, b.id) : a.sentAt > b.sentAt ? -down : down));
    const boundary = millisecondSql(s, order, Number(lastMs), after, size - earlier.length);
    return [...earlier, ...(this.statement(boundary.sql).all(...boundary.params) as Hit[])];
  }

  private ranked(s: ReturnType<typeof searchSql>, after: [number, string] | undefined, size: number): Hit[] {
    const sql = relevanceSql(s, after, size);
    return this.statement(sql.sql).all(...sql.params) as Hit[];
  }

  private async row(tenant: string, id: string): Promise<Row | undefined> {
    await this.db();
    const tenantKey = this.tenantKeys.get(tenant);
    return tenantKey === undefined ? undefined : io('read', async () => this.rowOf(tenantKey, id));
  }

  private rowOf(tenantKey: number, id: string): Row | undefined {
    return this.statement(
      'SELECT d.key AS key, d.tenant AS tenant, d.sent_at AS sentAt, b.json AS json FROM docs d JOIN bodies b ON b.key = d.key WHERE d.id = ? AND d.tenant = ?',
    ).get(id, tenantKey) as Row | undefined;
  }

  /** By id alone: only for upserts and the import, which replace a document whichever tenant held it. */
  private rowById(id: string): Row | undefined {
    const found = this.statement('SELECT tenant FROM docs WHERE id = ?').get(id) as { tenant: bigint } | undefined;
    return found && this.rowOf(Number(found.tenant), id);
  }

  /** The keys of these tenants, registered first in a transaction of their own: a rolled-back batch then never leaves a key in memory that the database reused for another tenant. */
  private registerTenants(db: Database.Database, tenants: Iterable<string>): void {
    const fresh = [...new Set(tenants)].filter((t) => !this.tenantKeys.has(t));
    if (fresh.length === 0) return;
    const insert = this.statement('INSERT INTO tenants (name) VALUES (?) RETURNING key');
    const keys = db.transaction(() => fresh.map((t) => Number((insert.get(t) as { key: bigint }).key)))();
    fresh.forEach((t, i) => this.tenantKeys.set(t, keys[i]));
  }

  private insertValues(tenantKey: number, field: MultiValuedField, key: bigint, values: string[] | undefined): void {
    const stmt = this.statement('INSERT OR IGNORE INTO doc_values (tenant, field, value, key) VALUES (?, ?, ?, ?)');
    for (const value of new Set(values ?? [])) stmt.run(tenantKey, MULTI_VALUED[field], String(value), key);
  }

  private deleteValues(tenantKey: number, field: MultiValuedField, key: bigint, values: string[] | undefined): void {
    const stmt = this.statement('DELETE FROM doc_values WHERE tenant = ? AND field = ? AND value = ? AND key = ?');
    for (const value of new Set(values ?? [])) stmt.run(tenantKey, MULTI_VALUED[field], String(value), key);
  }

  /** Prepared once per SQL text (a search prepares one per combination of filters); integers come back as BigInt (sort keys exceed 2^53). */
  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.database!.prepare(sql);
      if (stmt.reader) stmt.safeIntegers(true);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** By UTF-8 bytes, as SQLite's ORDER BY id and OpenSearch's keyword sort compare them (JavaScript's `<` compares UTF-16 units). */
function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function flag(ids: string[] | undefined): number {
  // OpenSearch `exists` semantics: an empty array is no value
  return Array.isArray(ids) && ids.length > 0 ? 1 : 0;
}

function cursorValues(cursor: string): [number, string] {
  const v = decodeCursor(cursor);
  if (v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') {
    throw new RejectedInputError('invalid_query', 'cursor is not one this API issued');
  }
  return [v[0], v[1]];
}

/** File system and database failures are outages: retriable, never taken for bad documents. */
async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw new DependencyUnavailableError('embedded-index', `${what}: ${errorMessage(err)}`, err);
  }
}
