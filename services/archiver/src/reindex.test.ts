import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, recordKey } from '@custody/archive-store';
import { sealEnvelope, type Envelope, type EnvelopeDraft } from '@custody/envelope';
import { silentLogger } from '@custody/logger';
import type { Lock, LockPolicy } from '@custody/policy';
import { EmbeddedIndex } from '@custody/search-index';
import { reindexTenant } from './reindex';

const RETAIN_UNTIL = new Date(Date.now() + 86_400_000);

function envelope(tenant: string, externalId: string, text: string, over: Partial<EnvelopeDraft> = {}): Envelope {
  return sealEnvelope({
    tenant,
    kind: 'message',
    channel: 'whatsapp',
    source: {
      connector: 'whatsapp-cloud',
      externalId,
      receivedAt: '2025-11-22T08:27:00.000Z',
      raw: { contentType: 'application/json', encoding: 'utf8', body: '{}' },
    },
    conversation: { id: 'c1', type: 'direct' },
    sender: { kind: 'phone', value: '+16505551234' },
    recipients: [],
    direction: 'inbound',
    sentAt: '2025-11-22T08:26:40.000Z',
    capturedAt: '2025-11-22T08:27:00.000Z',
    content: { text },
    ...over,
  });
}

/** Holds every record under `hold-1`, as an active hold covering the tenant would. */
const policy: LockPolicy = {
  lockFor: async (): Promise<Lock> => ({ retainUntil: RETAIN_UNTIL, holds: ['hold-1'] }),
  lockForRaw: async (): Promise<Lock> => ({ retainUntil: RETAIN_UNTIL, holds: [] }),
};

/** Every file below `dir` whose name starts with `prefix` (the store hides its layout; the test damages a file by hand). */
function filesNamed(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesNamed(join(dir, d.name), prefix) : d.name.startsWith(prefix) ? [join(dir, d.name)] : [],
  );
}

describe('reindexTenant (local WORM store → embedded index)', () => {
  let dir: string;
  let store: LocalArchiveStore;
  let index: EmbeddedIndex;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-reindex-'));
    store = new LocalArchiveStore({ dir: join(dir, 'archive') });
    await store.ensureReady();
    index = new EmbeddedIndex({ dir: join(dir, 'index') });
    await index.ensureReady();
  });
  afterEach(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const archive = async (e: Envelope) =>
    store.put({
      key: recordKey(e.tenant, e.id),
      body: Buffer.from(JSON.stringify(e)),
      contentType: 'application/json',
      retainUntil: RETAIN_UNTIL,
      legalHold: false,
      metadata: {},
    });

  test('an empty index is rebuilt from the archive: records found, holds and revision links as the archiver sets them, other tenants untouched', async () => {
    const original = envelope('acme', 'wamid.A', 'quarterly bond allocation');
    const edit = envelope('acme', 'wamid.E', 'quarterly bond allocation revised', {
      kind: 'edit',
      refs: { edits: 'wamid.A' },
      sentAt: '2025-11-22T08:30:00.000Z',
    });
    const other = envelope('globex', 'wamid.G', 'quarterly bond allocation elsewhere');
    const puts = await Promise.all([original, edit, other].map(archive));

    const report = await reindexTenant({ store, index, policy, logger: silentLogger() }, 'acme');
    expect(report).toMatchObject({ tenant: 'acme', records: 2, indexed: 2, failed: [] });
    const found = await index.search('acme', { text: 'bond allocation' });
    expect(found.hits.map((h) => h.id).sort()).toEqual([original.id, edit.id].sort());
    expect(await index.get('acme', original.id)).toMatchObject({
      editedBy: [edit.id],
      holds: ['hold-1'],
      archive: { key: recordKey('acme', original.id), versionId: puts[0].versionId, sha256: puts[0].sha256 },
    });
    expect((await index.search('globex', {})).total).toBe(0);

    // again: upserts only, nothing doubled
    expect(await reindexTenant({ store, index, policy, logger: silentLogger() }, 'acme')).toMatchObject({ records: 2, indexed: 2, failed: [] });
    expect((await index.search('acme', {})).total).toBe(2);
    expect((await index.get('acme', original.id))?.editedBy).toEqual([edit.id]);
  });

  test('a record whose bytes no longer match its hash is reported alone and never indexed; the others are', async () => {
    const good = envelope('acme', 'wamid.good', 'settlement instructions');
    const bad = envelope('acme', 'wamid.bad', 'settlement instructions damaged');
    await archive(good);
    await archive(bad);
    const [file] = filesNamed(join(dir, 'archive'), `${bad.id}.json@`);
    const bytes = readFileSync(file);
    // flip one byte of the envelope's text; the file is read-only, as the store leaves it
    const at = bytes.lastIndexOf(Buffer.from('damaged'));
    bytes[at] ^= 0x20;
    chmodSync(file, 0o600);
    writeFileSync(file, bytes);
    chmodSync(file, statSync(file).mode & 0o400);

    const report = await reindexTenant({ store, index, policy, logger: silentLogger() }, 'acme');
    expect(report.records).toBe(2);
    expect(report.indexed).toBe(1);
    expect(report.failed).toEqual([{ key: recordKey('acme', bad.id), reason: expect.stringMatching(/sha-?256|integrity|hash/i) }]);
    expect((await index.search('acme', {})).hits.map((h) => h.id)).toEqual([good.id]);
  });
});
