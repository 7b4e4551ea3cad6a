import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexDoc } from '../document';
import Database from 'better-sqlite3';
import { DATABASE_FILE, EmbeddedIndex } from './embedded-index';
import { DOC_LOG_FILE } from './doc-log';
import { ftsColumns } from './fts-tokens';

/** What only the embedded index promises beyond the shared contract: durability, exact order inside a millisecond, the import of the old doc log. */
describe('EmbeddedIndex on disk', () => {
  let dir: string;
  const open: EmbeddedIndex[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-embedded-index-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  function index(): EmbeddedIndex {
    const i = new EmbeddedIndex({ dir });
    open.push(i);
    return i;
  }

  const logFile = () => join(dir, DOC_LOG_FILE);
  const doc = (id: string, over: Partial<IndexDoc> = {}): IndexDoc => ({
    id,
    tenant: 'acme',
    kind: 'message',
    channel: 'whatsapp',
    connector: 'whatsapp-cloud',
    externalId: `wamid.${id}`,
    conversationId: 'conv-1',
    conversationType: 'direct',
    sender: '+16505551234',
    participants: ['+16505551234'],
    employeeIds: [],
    unmapped: [],
    direction: 'inbound',
    sentAt: '2024-03-01T10:00:00Z',
    capturedAt: '2024-03-01T10:00:01Z',
    text: `message ${id}`,
    attachmentCount: 0,
    refs: [],
    editedBy: [],
    deletedBy: [],
    envelopeSha256: 'a'.repeat(64),
    archive: { key: `k/${id}`, versionId: 'v1', sha256: 'b'.repeat(64) },
    holds: [],
    ...over,
  });

  /** Turns the database back into schema version 2 (the direction in the bodies only), as a Custody before the direction filter left it. */
  function asVersion2(): void {
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('ALTER TABLE docs DROP COLUMN direction');
    db.pragma('user_version = 2');
    db.close();
  }

  /** Turns the database back into schema version 1 (no stem columns), as a Custody before stemming left it. */
  function asVersion1(): void {
    asVersion2();
    const db = new Database(join(dir, DATABASE_FILE));
    const rows = db
      .prepare('SELECT d.key AS key, d.tenant AS tenant, b.json AS json FROM docs d JOIN bodies b ON b.key = d.key')
      .safeIntegers()
      .all() as Array<{ key: bigint; tenant: bigint; json: string }>;
    db.exec("DROP TABLE fts; CREATE VIRTUAL TABLE fts USING fts5(subject, message, content = '', contentless_delete = 1, tokenize = 'ascii', detail = full)");
    const insert = db.prepare('INSERT INTO fts (rowid, subject, message) VALUES (?, ?, ?)');
    for (const r of rows) {
      const d = JSON.parse(r.json) as IndexDoc;
      const c = ftsColumns(Number(r.tenant), d.subject, d.text);
      insert.run(r.key, c.subject, c.message);
    }
    db.pragma('user_version = 1');
    db.close();
  }

  test('a version 1 index gains stem columns and the direction column when opened: stemmed words, phrases and everything else work after', async () => {
    const first = index();
    await first.bulkUpsert([doc('d1', { text: 'order filled' }), doc('d2', { subject: 'Filling', text: 'the order' }), doc('d3', { text: 'unrelated' })]);
    await first.close();
    asVersion1();
    const events: Array<Record<string, unknown>> = [];
    const logger = { info: (e: Record<string, unknown>) => events.push(e) } as never;
    const second = new EmbeddedIndex({ dir, logger });
    open.push(second);
    expect((await second.search('acme', { text: 'fill' })).hits.map((h) => h.id).sort()).toEqual(['d1', 'd2']);
    expect((await second.search('acme', { text: '"order filled"' })).hits.map((h) => h.id)).toEqual(['d1']);
    expect((await second.search('acme', { text: 'fill', direction: 'inbound' })).total).toBe(2);
    expect(events.map((e) => e.event)).toEqual([
      'index_schema_migration_started',
      'index_schema_migrated',
      'index_schema_migration_started',
      'index_schema_migrated',
    ]);
    expect(events[1]).toMatchObject({ from: 1, to: 2, documents: 3 });
    expect(events[3]).toMatchObject({ from: 2, to: 3, documents: 3 });
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  test('a version 2 index gains the direction column, filled from the bodies, resuming where a cut-short migration stopped', async () => {
    const first = index();
    await first.bulkUpsert([
      doc('d1', { direction: 'inbound', sentAt: '2024-03-01T10:00:00Z' }),
      doc('d2', { direction: 'outbound', sentAt: '2024-03-01T11:00:00Z' }),
      doc('d3', { direction: 'internal', sentAt: '2024-03-01T12:00:00Z' }),
    ]);
    await first.close();
    asVersion2();
    // as if the process died after d1 was filled in: the column is there, meta says how far
    const db = new Database(join(dir, DATABASE_FILE));
    db.exec('ALTER TABLE docs ADD COLUMN direction TEXT');
    const d1 = db.prepare("SELECT key FROM docs WHERE id = 'd1'").safeIntegers().get() as { key: bigint };
    db.prepare("UPDATE docs SET direction = 'inbound' WHERE key = ?").run(d1.key);
    db.prepare("INSERT INTO meta (name, value) VALUES ('direction_done_upto', ?)").run(String(d1.key));
    db.close();
    const events: Array<Record<string, unknown>> = [];
    const second = new EmbeddedIndex({ dir, logger: { info: (e: Record<string, unknown>) => events.push(e) } as never });
    open.push(second);
    for (const [direction, id] of [
      ['inbound', 'd1'],
      ['outbound', 'd2'],
      ['internal', 'd3'],
    ])
      expect((await second.search('acme', { direction })).hits.map((h) => h.id)).toEqual([id]);
    expect(events[0]).toMatchObject({ event: 'index_schema_migration_started', from: 2, to: 3, resumed: true });
    expect(events[1]).toMatchObject({ event: 'index_schema_migrated', documents: 2 });
    const after = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(3);
    expect(after.prepare("SELECT count(*) AS n FROM meta WHERE name = 'direction_done_upto'").get()).toEqual({ n: 0 });
    after.close();
  });

  test('a migration cut short resumes where it stopped, each document once', async () => {
    const first = index();
    await first.bulkUpsert([doc('d1', { text: 'fills', sentAt: '2024-03-01T10:00:00Z' }), doc('d2', { text: 'filled', sentAt: '2024-03-01T11:00:00Z' })]);
    await first.close();
    asVersion1();
    // as if the process died after the first batch: the new table holds d1, meta says so
    const db = new Database(join(dir, DATABASE_FILE));
    const r = db.prepare("SELECT d.key AS key, d.tenant AS tenant FROM docs d WHERE d.id = 'd1'").safeIntegers().get() as { key: bigint; tenant: bigint };
    db.exec(
      "CREATE VIRTUAL TABLE fts_v2 USING fts5(subject, message, subject_stem, message_stem, content = '', contentless_delete = 1, tokenize = 'ascii', detail = full)",
    );
    const c = ftsColumns(Number(r.tenant), undefined, 'fills');
    db.prepare('INSERT INTO fts_v2 (rowid, subject, message, subject_stem, message_stem) VALUES (?, ?, ?, ?, ?)').run(
      r.key,
      c.subject,
      c.message,
      c.subjectStem,
      c.messageStem,
    );
    db.prepare("INSERT INTO meta (name, value) VALUES ('fts_v2_done_upto', ?)").run(String(r.key));
    db.close();
    const second = index();
    const found = await second.search('acme', { text: 'fill' });
    expect(found.total).toBe(2);
    expect(found.hits.map((h) => h.id)).toEqual(['d2', 'd1']);
  });

  test('upserts, holds and deletes survive a restart', async () => {
    const first = index();
    await first.bulkUpsert([doc('d1', { text: 'keep this' }), doc('d2'), doc('d3')]);
    await first.setHolds('acme', new Map([['d1', ['hold-1']]]));
    await first.delete('acme', ['d2']);
    await first.close();

    const second = index();
    expect((await second.search('acme', {})).hits.map((h) => h.id)).toEqual(['d1', 'd3']);
    expect((await second.search('acme', { text: 'KEEP', holdId: 'hold-1' })).total).toBe(1);
  });

  test('hits sent in the same millisecond sort by id, and paging through them returns each once', async () => {
    const i = index();
    const ids = ['m', 'c', 'x', 'a', 'q', 'b'];
    await i.bulkUpsert(ids.map((id) => doc(id, { sentAt: '2024-03-01T10:00:00.123Z' })));
    await i.bulkUpsert([doc('later', { sentAt: '2024-03-01T10:00:00.124Z' }), doc('earlier', { sentAt: '2024-03-01T10:00:00.122Z' })]);
    const sorted = ['later', ...[...ids].sort(), 'earlier'];
    expect((await i.search('acme', { size: 100 })).hits.map((h) => h.id)).toEqual(sorted);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await i.search('acme', { size: 3, cursor, text: 'message' });
      pages.push(...page.hits.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    expect(pages).toEqual(sorted);
  });

  test('a date range is exact to the millisecond, with and without text', async () => {
    const i = index();
    await i.bulkUpsert(['.099', '.100', '.101', '.199', '.200'].map((ms, n) => doc(`d${n}`, { sentAt: `2024-03-01T10:00:00${ms}Z` })));
    for (const text of [undefined, 'message']) {
      const found = await i.search('acme', { text, from: '2024-03-01T10:00:00.100Z', to: '2024-03-01T10:00:00.200Z' });
      expect(found).toMatchObject({ total: 3 });
      expect(found.hits.map((h) => h.id)).toEqual(['d3', 'd2', 'd1']);
    }
  });

  test('a changed sentAt moves the document in the sort order; words and values follow every update', async () => {
    const i = index();
    await i.bulkUpsert([doc('d1', { sentAt: '2024-01-01T00:00:00Z', participants: ['+1'] }), doc('d2', { sentAt: '2024-02-01T00:00:00Z' })]);
    await i.bulkUpsert([doc('d1', { sentAt: '2024-03-01T00:00:00Z', participants: ['+2'], text: 'moved' })]);
    expect((await i.search('acme', {})).hits.map((h) => h.id)).toEqual(['d1', 'd2']);
    expect((await i.search('acme', { participant: '+1' })).total).toBe(0);
    expect((await i.search('acme', { participant: '+2', text: 'moved' })).total).toBe(1);
    await i.setResolution('acme', new Map([['d1', { employeeIds: ['e1'], unmapped: ['+9'], direction: 'outbound' }]]));
    expect((await i.search('acme', { employeeId: 'e1', unmapped: '+9', participant: '+2', text: 'moved' })).total).toBe(1);
    // the direction follows the resolution, in the filter and the facet alike
    expect((await i.search('acme', { direction: 'outbound' })).hits.map((h) => h.id)).toEqual(['d1']);
    expect((await i.search('acme', { direction: 'inbound', facets: ['direction'] })).facets).toEqual({ direction: [{ value: 'inbound', count: 1 }] });
    expect((await i.search('acme', { facets: ['direction'] })).facets).toEqual({
      direction: [
        { value: 'inbound', count: 1 },
        { value: 'outbound', count: 1 },
      ],
    });
  });

  test("a word indexed for one tenant is not found in another, and each tenant's count is its own", async () => {
    const i = index();
    await i.bulkUpsert([doc('a1', { text: 'merger' }), doc('b1', { tenant: 'beta', text: 'merger talk' }), doc('b2', { tenant: 'beta', text: 'merger' })]);
    expect(await i.search('acme', { text: 'merger' })).toMatchObject({ total: 1, hits: [{ id: 'a1' }] });
    expect(await i.search('beta', { text: 'merger', from: '2024-01-01T00:00:00Z' })).toMatchObject({ total: 2 });
    expect(await i.search('gamma', { text: 'merger' })).toEqual({ total: 0, hits: [] });
  });

  test('writes apply in call order, even when one is not awaited before the next', async () => {
    const i = index();
    const upsert = i.bulkUpsert([doc('d1', { tenant: 'newcomer' })]);
    const holds = i.setHolds('newcomer', new Map([['d1', ['hold-1']]]));
    await Promise.all([upsert, holds]);
    expect((await i.get('newcomer', 'd1'))!.holds).toEqual(['hold-1']);
  });

  describe('the doc log of earlier versions', () => {
    const put = (d: IndexDoc) => `${JSON.stringify({ op: 'put', doc: d })}\n`;
    const del = (id: string) => `${JSON.stringify({ op: 'del', id })}\n`;

    test('is imported once on the first open, then set aside', async () => {
      writeFileSync(
        logFile(),
        put(doc('d1', { text: 'old words' })) + put(doc('d2')) + put(doc('d1', { text: 'newer words', holds: ['h1'] })) + del('d2') + put(doc('d3')),
      );
      const first = index();
      expect((await first.search('acme', {})).hits.map((h) => h.id)).toEqual(['d1', 'd3']);
      expect(await first.search('acme', { text: 'newer', holdId: 'h1' })).toMatchObject({ total: 1 });
      expect(existsSync(logFile())).toBe(false);
      expect(existsSync(`${logFile()}.imported`)).toBe(true);
      await first.delete('acme', ['d3']);
      await first.close();
      // the set-aside file is never read again: d3 stays deleted
      expect((await index().search('acme', {})).hits.map((h) => h.id)).toEqual(['d1']);
    });

    test('stops at a torn last line, as the old reader did', async () => {
      writeFileSync(logFile(), put(doc('d1')) + put(doc('d2')) + '{"op":"put","doc":{"id":"d3","tenant":"ac');
      expect((await index().search('acme', {})).total).toBe(2);
    });

    test('an import interrupted before the log was set aside is done again, to the same result', async () => {
      const log = put(doc('d1')) + put(doc('d2', { text: 'first' })) + del('d1') + put(doc('d2', { text: 'second' }));
      writeFileSync(logFile(), log);
      const first = index();
      await first.ensureReady();
      await first.close();
      // as if the process died after committing part of the import: the log is still in place
      renameSync(`${logFile()}.imported`, logFile());
      const db = new Database(join(dir, DATABASE_FILE));
      db.prepare("DELETE FROM meta WHERE name = 'doc_log_imported'").run();
      db.close();
      const second = index();
      expect((await second.search('acme', {})).hits.map((h) => h.id)).toEqual(['d2']);
      expect((await second.search('acme', { text: 'second' })).total).toBe(1);
      expect(existsSync(logFile())).toBe(false);
    });
  });

  test('a deleted record leaves the file: its body is overwritten, not left in a free page, once the index closes', async () => {
    const i = index();
    await i.bulkUpsert([doc('gone', { text: 'zebraquartzword confidential' }), doc('kept', { text: 'ordinary words' })]);
    await i.delete('acme', ['gone']);
    await i.close();
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    expect(bytes.includes('zebraquartzword')).toBe(false);
    expect(bytes.includes('ordinary words')).toBe(true);
  });
});
