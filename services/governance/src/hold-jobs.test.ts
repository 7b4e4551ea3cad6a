import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, type ArchiveStore } from '@custody/archive-store';
import { recordKey } from '@custody/archive-store';
import { EmbeddedBus } from '@custody/bus';
import { ControlTable } from '@custody/control';
import { sealEnvelope } from '@custody/envelope';
import { createLogger } from '@custody/logger';
import { Directory, PendingResolution } from '@custody/identity';
import { Hold } from '@custody/policy';
import { EmbeddedIndex, toIndexDoc } from '@custody/search-index';
import { DirectoryResolution } from './directory-resolution';
import { HoldJobs } from './hold-jobs';

/** A store whose legal-hold writes can be paused, to release a hold while its placement is mid-way. */
class GatedStore {
  private gate?: Promise<void>;
  private open?: () => void;
  legalHoldCalls = 0;
  failures = 0;
  constructor(readonly inner: ArchiveStore) {}
  /** Calls after the first `after` wait until resume(). */
  pause(after = 0): void {
    this.pauseAfter = after;
    this.gate = new Promise((r) => (this.open = r));
  }
  private pauseAfter = 0;
  resume(): void {
    this.open?.();
    this.gate = undefined;
  }
  asStore(): ArchiveStore {
    return new Proxy(this.inner, {
      get: (target, prop) => {
        if (prop !== 'setLegalHold') return (target as never)[prop] && ((target as never)[prop] as (...a: unknown[]) => unknown).bind(target);
        return async (key: string, versionId: string, on: boolean) => {
          this.legalHoldCalls++;
          if (this.failures > 0) {
            this.failures--;
            throw new Error('store unavailable (injected)');
          }
          if (this.legalHoldCalls > this.pauseAfter) await this.gate;
          return target.setLegalHold(key, versionId, on);
        };
      },
    });
  }
}

describe('hold jobs', () => {
  let dir: string;
  let bus: EmbeddedBus;
  let index: EmbeddedIndex;
  let store: LocalArchiveStore;
  let gated: GatedStore;
  let holds: ControlTable<Hold>;
  let jobs: HoldJobs;
  const tenant = 'acme';
  const logger = createLogger('test', { level: 'silent' });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-hold-jobs-'));
    bus = new EmbeddedBus({ dir: join(dir, 'bus'), logger });
    index = new EmbeddedIndex({ dir: join(dir, 'index') });
    store = new LocalArchiveStore({ dir: join(dir, 'archive') });
    await store.ensureReady();
    gated = new GatedStore(store);
    holds = new ControlTable(bus, 'holds', Hold, logger);
    await holds.start();
    jobs = new HoldJobs({ store: gated.asStore(), index, holds, logger, retry: { initialMs: 10, maxMs: 50 } });
  });
  afterEach(async () => {
    gated.resume();
    await jobs.stop();
    await holds.stop();
    await bus.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function archive(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      const env = sealEnvelope({
        tenant,
        kind: 'message',
        channel: 'sms',
        source: { connector: 'twilio-sms', externalId: `m${i}`, receivedAt: at, raw: { contentType: 'text/plain', encoding: 'utf8', body: '' } },
        conversation: { id: 'c', type: 'direct' },
        sender: { kind: 'phone', value: '+15550000001' },
        recipients: [{ kind: 'phone', value: '+16505551234' }],
        direction: 'unknown',
        sentAt: at,
        capturedAt: at,
        content: { text: `message ${i}` },
      });
      const put = await store.put({
        key: recordKey(tenant, env.id),
        body: Buffer.from(JSON.stringify(env)),
        contentType: 'application/json',
        retainUntil: new Date(Date.now() + 3600_000),
        legalHold: false,
      });
      expect(await index.bulkUpsert([toIndexDoc(env, { key: put.key, versionId: put.versionId, sha256: put.sha256 })])).toEqual([]);
      ids.push(env.id);
    }
    return ids;
  }

  const legalHolds = async (ids: string[]) => Promise.all(ids.map(async (id) => (await store.head(recordKey(tenant, id)))!.legalHold));
  const marked = async (holdId: string) => (await index.search(tenant, { holdId, size: 1 })).total;

  test('a release while the placement runs waits for it, then clears everything the placement set', async () => {
    const ids = await archive(250);
    // the first page (200 records) goes through, the second waits
    gated.pause(200);
    const placed = await jobs.place({
      tenant,
      matter: 'm',
      reason: 'r',
      scope: { custodians: [], participants: ['+15550000001'], channels: [] },
      placedBy: 'k',
    });
    while (gated.legalHoldCalls <= 200) await new Promise((r) => setImmediate(r));
    // the placement is mid-way, and says how far it got and when it expects to finish
    const running = holds.get(placed.id)!.job;
    expect(running).toMatchObject({ kind: 'place', state: 'running', total: 250, processed: 200, matched: 200 });
    expect(Date.parse(running.etaAt!)).toBeGreaterThanOrEqual(Date.parse(running.startedAt!));
    const released = await jobs.release(tenant, placed.id, 'k', 'settled');
    expect(released).toMatchObject({ status: 'released', job: { kind: 'release', state: 'running' } });
    await expect(jobs.release(tenant, placed.id, 'k', 'again')).rejects.toMatchObject({ status: 409 });
    gated.resume();
    await jobs.settled(placed.id);

    expect(holds.get(placed.id)).toMatchObject({ status: 'released', job: { kind: 'release', state: 'done' } });
    expect(await marked(placed.id)).toBe(0);
    expect((await legalHolds(ids)).filter(Boolean)).toHaveLength(0);
  });

  test('a directory change a previous process recorded but did not apply is applied on resume: index and custodian holds', async () => {
    const ids = await archive(3);
    const hold = await jobs.place({ tenant, matter: 'm', reason: 'r', scope: { custodians: ['alice'], participants: [], channels: [] }, placedBy: 'k' });
    await jobs.settled(hold.id);
    expect(holds.get(hold.id)!.job.matched).toBe(0);

    const pending = new ControlTable(bus, 'pending-resolution', PendingResolution, logger);
    await pending.start();
    await pending.put(tenant, { tenant, employeeIds: ['alice'], identifiers: ['+15550000001'] });
    const directory = new Directory([{ tenant, employeeId: 'alice', identifiers: [{ kind: 'phone', value: '+15550000001' }] }]);
    const resolution = new DirectoryResolution({ store: gated.asStore(), index, holds, pending, jobs, directoryOf: () => directory, logger });
    resolution.resume();
    while (pending.get(tenant)) await new Promise((r) => setTimeout(r, 20));
    await resolution.stop();
    await pending.stop();

    const found = await index.search(tenant, { employeeId: 'alice', size: 10 });
    expect(found.hits.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(found.hits[0]).toMatchObject({ employeeIds: ['alice'], unmapped: ['+16505551234'], direction: 'outbound' });
    expect(await marked(hold.id)).toBe(3);
    expect((await legalHolds(ids)).every(Boolean)).toBe(true);
  });

  test('a failed job retries instead of giving up, and counts each record once', async () => {
    const ids = await archive(30);
    gated.failures = 3;
    const placed = await jobs.place({
      tenant,
      matter: 'm',
      reason: 'r',
      scope: { custodians: [], participants: ['+15550000001'], channels: [] },
      placedBy: 'k',
    });
    await jobs.settled(placed.id);
    const job = holds.get(placed.id)!.job;
    expect(job).toMatchObject({ kind: 'place', state: 'done', total: 30, processed: 30, matched: 30, attempts: 3, error: undefined });
    expect((await legalHolds(ids)).every(Boolean)).toBe(true);
    expect(await marked(placed.id)).toBe(30);
  });
});
