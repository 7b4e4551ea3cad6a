import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, auditKey } from '@custody/archive-store';
import { createLogger } from '@custody/logger';
import { publicKeyFromBase64, signingKeyFromSeed } from './checkpoint';
import type { LogLeaf } from './leaf';
import { verifyTenant } from './verify';
import { RecordLogWriter } from './writer';

const logger = createLogger('test', { level: 'silent' });
const key = signingKeyFromSeed(randomBytes(32));
const trusted = [publicKeyFromBase64(key.publicKeyBase64)];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('verifyTenant --audit: the audit trail as a hash chain', () => {
  let dir: string;
  let store: LocalArchiveStore;
  const keys: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verify-audit-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    keys.length = 0;
    // five chained events, stored and logged as the audit archiver and the log writer do
    const leaves = await storeChain(store, 'acme', '10', [1, 2, 3, 4, 5]);
    keys.push(...leaves.map((l) => l.key));
    const writer = new RecordLogWriter({ store, signingKey: key, logger });
    await writer.append('acme', leaves);
    await writer.checkpoint('acme');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('an unbroken chain verifies', async () => {
    const report = await verifyTenant(store, { tenant: 'acme', trusted, audit: true });
    expect(report.problems).toEqual([]);
    expect(report.scope.audit).toBe(true);
  });

  it('a removed event is named missing, and the chain says it cannot be followed there', async () => {
    const gone = (await store.head(keys[2]))!;
    jest.useFakeTimers({ now: Date.now() + 2 * 3_600_000, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      await store.deleteVersion(keys[2], gone.versionId);
    } finally {
      jest.useRealTimers();
    }
    const report = await verifyTenant(store, { tenant: 'acme', trusted, audit: true });
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing', key: keys[2] }),
        expect.objectContaining({ kind: 'audit_altered', key: keys[2], detail: expect.stringContaining('cannot be read') }),
      ]),
    );
    expect(report.ok).toBe(false);
  });

  it('an event that never reached the archive is a gap, named at the event after it', async () => {
    const leaves = await storeChain(store, 'globex', '11', [1, 2, 4]);
    await new RecordLogWriter({ store, signingKey: key, logger }).append('globex', leaves);
    const report = await verifyTenant(store, { tenant: 'globex', trusted, audit: true });
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'audit_gap', key: leaves[2].key, detail: 'position 4 follows 2: 1 event(s) missing or reordered' }),
    ]);
  });
});

/** Audit events at the chain positions given, each naming the hash of the one stored before it, and their leaves. */
async function storeChain(store: LocalArchiveStore, tenant: string, hour: string, positions: number[]): Promise<LogLeaf[]> {
  const leaves: LogLeaf[] = [];
  let previous: string | null = null;
  const retainUntil = new Date(Date.now() + 3_600_000);
  for (const i of positions) {
    const at = `2026-11-30T${hour}:00:0${i}.000Z`;
    const id = `${tenant}-${i}`;
    const body = Buffer.from(JSON.stringify({ id, at, tenant, action: 'records.search', chain: { sequence: i, previous } }));
    const key = auditKey(tenant, at, id);
    const put = await store.put({ key, body, contentType: 'application/json', retainUntil, legalHold: false });
    leaves.push({
      kind: 'audit',
      id,
      key,
      versionId: put.versionId,
      sha256: put.sha256,
      envelopeSha256: '',
      channel: '',
      type: 'audit',
      retainUntil: retainUntil.toISOString(),
    });
    previous = sha(body);
  }
  return leaves;
}
