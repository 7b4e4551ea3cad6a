import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexDoc } from '../document';
import { EmbeddedIndex } from './embedded-index';

/** What only the embedded index promises beyond the shared contract: durability, recovery, compaction. */
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

  const logFile = () => join(dir, 'docs.jsonl');
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

  test('a torn last line is cut off on open and writing continues cleanly', async () => {
    const first = index();
    await first.bulkUpsert([doc('d1'), doc('d2')]);
    await first.close();
    const intact = readFileSync(logFile());
    appendFileSync(logFile(), '{"op":"put","doc":{"id":"d3","tenant":"ac');

    const second = index();
    expect((await second.search('acme', {})).total).toBe(2);
    expect(readFileSync(logFile())).toEqual(intact);
    await second.bulkUpsert([doc('d3')]);
    await second.close();
    expect((await index().search('acme', {})).total).toBe(3);
  });

  test('the log is compacted once superseded lines outweigh live documents', async () => {
    const i = index();
    for (let round = 0; round < 30; round++) await i.bulkUpsert(Array.from({ length: 50 }, (_, n) => doc(`d${n}`, { text: `round ${round}` })));
    const lines = readFileSync(logFile(), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThan(30 * 50);
    expect((await i.search('acme', { text: 'round 29' })).total).toBe(50);
    await i.close();
    expect((await index().search('acme', { text: 'round 29', size: 100 })).total).toBe(50);
  });
});
