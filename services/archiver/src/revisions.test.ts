import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@custody/envelope';
import { testEnvelope as envelope } from '@custody/testing';
import { EmbeddedIndex, toIndexDoc } from '@custody/search-index';
import { linkRevisions } from './revisions';

/** What the archiver does per batch: index, then link revisions. */
async function indexBatch(index: EmbeddedIndex, envelopes: Envelope[]): Promise<void> {
  expect(await index.bulkUpsert(envelopes.map((e) => toIndexDoc(e, { key: e.id, versionId: 'v', sha256: 'a'.repeat(64) })))).toEqual([]);
  await linkRevisions(index, envelopes);
}

describe('linkRevisions (on the embedded index)', () => {
  let dir: string;
  let index: EmbeddedIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-revisions-'));
    index = new EmbeddedIndex({ dir });
  });
  afterEach(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const original = envelope('wamid.A');
  const edit = envelope('wamid.E', {
    kind: 'edit',
    refs: { edits: 'wamid.A', replyTo: 'wamid.R', originalSentAt: '2025-11-22T08:26:40.000Z' },
    sentAt: '2025-11-22T08:30:00.000Z',
  });
  const deletion = envelope('wamid.D', { kind: 'deletion', refs: { deletes: 'wamid.A' } });
  const replied = envelope('wamid.R');

  test('an edit and a deletion that arrive after their original mark it; a message the edit only replies to is not marked', async () => {
    await indexBatch(index, [original, replied]);
    await indexBatch(index, [edit]);
    await indexBatch(index, [deletion]);
    expect(await index.get('acme', original.id)).toMatchObject({ editedBy: [edit.id], deletedBy: [deletion.id] });
    expect(await index.get('acme', replied.id)).toMatchObject({ editedBy: [], deletedBy: [] });
    expect((await index.search('acme', { edited: true })).hits.map((d) => d.id)).toEqual([original.id]);
  });

  test('an original that arrives after its edit and deletion collects them; both in one batch works too', async () => {
    await indexBatch(index, [edit, deletion]);
    await indexBatch(index, [original]);
    expect(await index.get('acme', original.id)).toMatchObject({ editedBy: [edit.id], deletedBy: [deletion.id] });
    const other = envelope('wamid.B');
    const otherEdit = envelope('wamid.E2', { kind: 'edit', refs: { edits: 'wamid.B' } });
    await indexBatch(index, [otherEdit, other]);
    expect(await index.get('acme', other.id)).toMatchObject({ editedBy: [otherEdit.id] });
  });

  test('a redelivered original keeps its marks; an edit in another connector with the same vendor id does not count', async () => {
    await indexBatch(index, [original, edit]);
    await indexBatch(index, [original]);
    expect(await index.get('acme', original.id)).toMatchObject({ editedBy: [edit.id] });
    const elsewhere = envelope('X1', { kind: 'edit', refs: { edits: 'wamid.A' } }, 'signal');
    await indexBatch(index, [elsewhere]);
    await indexBatch(index, [original]);
    expect(await index.get('acme', original.id)).toMatchObject({ editedBy: [edit.id] });
  });

  test('a reaction indexed before its message marks it neither edited nor deleted', async () => {
    const reaction = envelope('wamid.X', { kind: 'reaction', refs: { reactsTo: 'wamid.A', emoji: '👍' } });
    await indexBatch(index, [reaction]);
    await indexBatch(index, [original]);
    expect(await index.get('acme', original.id)).toMatchObject({ editedBy: [], deletedBy: [] });
    expect((await index.revisionsOf('acme', ['wamid.A'])).map((d) => d.id)).toEqual([reaction.id]);
  });
});
