import Database from 'better-sqlite3';
import { ftsColumns } from './fts-tokens';

const SCHEMA_VERSION = 3;
/** Documents migrated per transaction (version 1's full-text table rebuilt, version 2's directions filled in). */
const MIGRATION_BATCH = 5000;

/** Fields whose values are filtered on one by one: one row per (document, value) in `doc_values`. */
export const MULTI_VALUED = { participants: 0, employeeIds: 1, unmapped: 2, holds: 3 } as const;
export type MultiValuedField = keyof typeof MULTI_VALUED;

/** What the index may hold in memory: page cache and mapped file (mapped pages count in RSS). */
export interface IndexMemory {
  cacheMiB: number;
  mapMiB: number;
}
const SERVING: IndexMemory = { cacheMiB: 64, mapMiB: 256 };

/**
 * Opens (creating if new) the index database. Rowids are sort keys (sort-key.ts). Tables:
 * - `docs`: one narrow row per document, the columns filters, facets and sorting read (`direction`
 *   since version 3); `bodies` holds the projection as JSON apart, read only for the hits of a page,
 *   so scans and counts stay small.
 * - `doc_values`: participants, employeeIds, unmapped and holds, one row per value, keyed so a filter
 *   on one value walks that value's documents in sort order.
 * - `fts`: FTS5 over the encoded analyzer tokens (fts-tokens.ts) of the subject and the message,
 *   and of their Porter stems (`subject_stem`, `message_stem`; version 2), contentless (the text is
 *   in `bodies` already) with contentless_delete so documents can be replaced and removed, and
 *   detail=full so positions are kept for phrase queries.
 * Version 1 had no stem columns, and FTS5 cannot add a column: opening a version 1 database builds
 * the new table from `bodies` in batches (resumable: the last key done is kept in `meta`), then
 * swaps it in. Version 2 kept the direction only in `bodies`: opening it adds the column and fills
 * it from there the same way. `progress` hears about each migration.
 */
export function openDatabase(
  file: string,
  progress: (event: Record<string, unknown>) => void = () => undefined,
  memory: IndexMemory = SERVING,
): Database.Database {
  // better-sqlite3 13's prebuilt addon crashes the process (SIGSEGV) on Node 20: refuse with a reason instead
  if (Number(process.versions.node.split('.')[0]) < 22) throw new Error(`the embedded index needs Node.js 22 or later (running ${process.version})`);
  const db = new Database(file);
  try {
    // WAL: readers never wait for the writer and a commit appends to one file. synchronous=FULL
    // because the port promises a write is durable when it resolves: with NORMAL a WAL commit is not
    // fsynced and a power loss can take the last transactions. It costs one fsync per transaction,
    // and a bulkUpsert (an archiver batch) is one transaction. Automatic checkpoints (every 1000
    // pages) keep the WAL small, so opening never replays more than that.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // bounded memory whatever the index size: by default 64 MiB of page cache, 256 MiB mapped (mapped
    // pages count in RSS); beyond that the OS page cache serves reads without counting against the process
    db.pragma(`cache_size = -${Math.floor(memory.cacheMiB * 1024)}`);
    db.pragma(`mmap_size = ${Math.floor(memory.mapMiB * 1024 * 1024)}`);
    db.pragma('foreign_keys = OFF');
    // disposition deletes a record's projection: its body must leave the file too, not linger in a
    // free page, and FTS5's secure-delete removes its postings at once instead of marking them
    // deleted until a merge (a term may survive as a page's boundary key until the next merge)
    db.pragma('secure_delete = ON');
    migrate(db, progress);
    db.prepare("INSERT INTO fts(fts, rank) VALUES ('secure-delete', 1)").run();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

const FTS_COLUMNS = "subject, message, subject_stem, message_stem, content = '', contentless_delete = 1, tokenize = 'ascii', detail = full";

function migrate(db: Database.Database, progress: (event: Record<string, unknown>) => void): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version === 0) return create(db);
  if (version > SCHEMA_VERSION)
    throw new Error(`index schema version ${version} is not one this Custody knows (${SCHEMA_VERSION}); was it written by a newer one?`);
  if (version === 1) addStemColumns(db, progress);
  addDirectionColumn(db, progress);
}

function create(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`
      CREATE TABLE tenants (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE docs (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        tenant INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        conversation TEXT NOT NULL,
        edited INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        revises TEXT,
        direction TEXT
      );
      CREATE INDEX docs_tenant ON docs (tenant);
      CREATE INDEX docs_conversation ON docs (tenant, conversation);
      CREATE INDEX docs_revises ON docs (tenant, revises) WHERE revises IS NOT NULL;
      CREATE TABLE bodies (key INTEGER PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE doc_values (
        tenant INTEGER NOT NULL,
        field INTEGER NOT NULL,
        value TEXT NOT NULL,
        key INTEGER NOT NULL,
        PRIMARY KEY (tenant, field, value, key)
      ) WITHOUT ROWID;
      CREATE VIRTUAL TABLE fts USING fts5(${FTS_COLUMNS});
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Version 1 → 2: the full-text table rebuilt with stem columns, from the bodies, a batch per transaction. */
function addStemColumns(db: Database.Database, progress: (event: Record<string, unknown>) => void): void {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS fts_v2 USING fts5(${FTS_COLUMNS})`);
  const done = db.prepare("SELECT value FROM meta WHERE name = 'fts_v2_done_upto'").get() as { value: string } | undefined;
  let after = BigInt(done?.value ?? '-9223372036854775808');
  const total = Number((db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n);
  const batch = db
    .prepare('SELECT d.key AS key, d.tenant AS tenant, b.json AS json FROM docs d JOIN bodies b ON b.key = d.key WHERE d.key > ? ORDER BY d.key LIMIT ?')
    .safeIntegers();
  const insert = db.prepare('INSERT INTO fts_v2 (rowid, subject, message, subject_stem, message_stem) VALUES (?, ?, ?, ?, ?)');
  const mark = db.prepare("INSERT INTO meta (name, value) VALUES ('fts_v2_done_upto', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  const started = Date.now();
  let rebuilt = 0;
  progress({ event: 'index_schema_migration_started', from: 1, to: 2, documents: total, resumed: done !== undefined });
  for (;;) {
    const rows = batch.all(after, MIGRATION_BATCH) as Array<{ key: bigint; tenant: bigint; json: string }>;
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const row of rows) {
        const doc = JSON.parse(row.json) as { subject?: string; text?: string };
        const c = ftsColumns(Number(row.tenant), doc.subject, doc.text);
        insert.run(row.key, c.subject, c.message, c.subjectStem, c.messageStem);
      }
      after = rows[rows.length - 1].key;
      mark.run(String(after));
    })();
    rebuilt += rows.length;
    if (rebuilt % (MIGRATION_BATCH * 20) === 0) progress({ event: 'index_schema_migration_progress', documents: rebuilt, of: total });
  }
  db.transaction(() => {
    db.exec("DROP TABLE fts; ALTER TABLE fts_v2 RENAME TO fts; DELETE FROM meta WHERE name = 'fts_v2_done_upto'");
    db.pragma('user_version = 2');
  })();
  progress({ event: 'index_schema_migrated', from: 1, to: 2, documents: rebuilt, ms: Date.now() - started });
}

/**
 * Version 2 → 3: `docs.direction`, so a search filters and counts by direction without reading
 * every hit's body. Filled from the bodies a batch per transaction, resumable like the stems.
 */
function addDirectionColumn(db: Database.Database, progress: (event: Record<string, unknown>) => void): void {
  const columns = (db.prepare("SELECT name FROM pragma_table_info('docs')").all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('direction')) db.exec('ALTER TABLE docs ADD COLUMN direction TEXT');
  const done = db.prepare("SELECT value FROM meta WHERE name = 'direction_done_upto'").get() as { value: string } | undefined;
  let after = BigInt(done?.value ?? '-9223372036854775808');
  const total = Number((db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n);
  const next = db.prepare('SELECT max(key) AS last, count(*) AS n FROM (SELECT key FROM docs WHERE key > ? ORDER BY key LIMIT ?)').safeIntegers();
  const fill = db.prepare(
    "UPDATE docs SET direction = (SELECT json_extract(b.json, '$.direction') FROM bodies b WHERE b.key = docs.key) WHERE key > ? AND key <= ?",
  );
  const mark = db.prepare("INSERT INTO meta (name, value) VALUES ('direction_done_upto', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  const started = Date.now();
  progress({ event: 'index_schema_migration_started', from: 2, to: 3, documents: total, resumed: done !== undefined });
  let filled = 0;
  for (;;) {
    const { last, n } = next.get(after, MIGRATION_BATCH) as { last: bigint | null; n: bigint };
    if (last === null) break;
    db.transaction(() => {
      fill.run(after, last);
      mark.run(String(last));
    })();
    after = last;
    filled += Number(n);
    if (filled % (MIGRATION_BATCH * 20) === 0) progress({ event: 'index_schema_migration_progress', documents: filled, of: total });
  }
  db.transaction(() => {
    db.exec("DELETE FROM meta WHERE name = 'direction_done_upto'");
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  progress({ event: 'index_schema_migrated', from: 2, to: 3, documents: filled, ms: Date.now() - started });
}
