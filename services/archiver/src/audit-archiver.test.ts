import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore } from '@custody/archive-store';
import type { Bus, BusRecord, OutgoingMessage } from '@custody/bus';
import { DependencyUnavailableError } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { AuditArchiver } from './audit-archiver';

describe('AuditArchiver', () => {
  let dir: string;
  let store: LocalArchiveStore;
  let published: Array<{ topic: string; messages: OutgoingMessage[] }>;
  let metrics: { deadLettered: jest.Mock };
  let archiver: AuditArchiver;
  const at = '2026-11-30T00:00:00.000Z';
  const rec = (value: string, i: number): BusRecord => ({
    topic: 'audit',
    partition: 0,
    offset: String(i),
    key: null,
    value: Buffer.from(value),
    headers: {},
    timestamp: '0',
  });
  const event = (tenant: string, id: string, i: number) => rec(JSON.stringify({ id, at, tenant }), i);
  const dead = () => published.filter((p) => p.topic === 'dlq').flatMap((p) => p.messages);
  const keysUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const v of store.list(prefix)) keys.push(v.key);
    return keys;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-archiver-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    published = [];
    metrics = { deadLettered: jest.fn() };
    const bus = { publish: async (topic: string, messages: OutgoingMessage[]) => void published.push({ topic, messages }) } as unknown as Bus;
    archiver = new AuditArchiver({
      bus,
      store,
      topic: 'audit',
      recordLogTopic: 'log',
      dlq: 'dlq',
      groupId: 'g',
      retainFor: async () => 86_400,
      chainHead: async () => null,
      logger: createLogger('test', { level: 'silent' }),
      metrics,
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('archives customer trails and the reserved _system trail; an event naming a tenant outside the grammar is dead-lettered', async () => {
    await archiver.handleBatch([
      event('acme', 'e1', 0),
      event('_system', 'e2', 1),
      event('acme:eu', 'e3', 2),
      event('_other', 'e4', 3),
      event('ACME', 'e5', 4),
    ]);
    expect((await store.head('tenants/acme/audit/2026-11-30/e1.json'))?.size).toBeGreaterThan(0);
    expect((await store.head('tenants/_system/audit/2026-11-30/e2.json'))?.size).toBeGreaterThan(0);
    for (const t of ['acme:eu', '_other', 'ACME']) expect(await keysUnder(`tenants/${t}/`)).toEqual([]);
    expect(dead().map((m) => [m.headers!.dlq_step, m.headers!.dlq_source_offset])).toEqual([
      ['audit', '2'],
      ['audit', '3'],
      ['audit', '4'],
    ]);
    // what was archived is announced for each tenant's record log, naming the version stored
    const appends = published.filter((p) => p.topic === 'log').flatMap((p) => p.messages.map((m) => JSON.parse(String(m.value))));
    expect(appends.map((a) => [a.tenant, a.leaves.map((l: { id: string; kind: string }) => `${l.kind}:${l.id}`)])).toEqual([
      ['acme', ['audit:e1']],
      ['_system', ['audit:e2']],
    ]);
    const stored = (await store.head('tenants/acme/audit/2026-11-30/e1.json'))!;
    expect(appends[0].leaves[0]).toMatchObject({ key: stored.key, versionId: stored.versionId, sha256: stored.sha256, envelopeSha256: '', type: 'audit' });
  });

  test('an unreadable event is dead-lettered with its bytes and the reason (never skipped), counted, and the rest archived', async () => {
    await archiver.handleBatch([rec('{"id":"e1","at":', 0), rec('null', 1), event('acme', 'e2', 2)]);
    const dead = published.filter((p) => p.topic === 'dlq').flatMap((p) => p.messages);
    expect(dead).toHaveLength(2);
    expect(dead[0]).toMatchObject({
      value: Buffer.from('{"id":"e1","at":'),
      headers: { dlq_step: 'audit', dlq_source_topic: 'audit', dlq_source_offset: '0', dlq_reason: expect.stringMatching(/^not JSON: /) },
    });
    expect(dead[1].headers).toMatchObject({ dlq_source_offset: '1', dlq_reason: expect.stringMatching(/not an audit event/) });
    expect(metrics.deadLettered).toHaveBeenCalledTimes(2);
    expect(metrics.deadLettered).toHaveBeenCalledWith('audit', {});
    expect(await keysUnder('tenants/acme/audit/')).toEqual(['tenants/acme/audit/2026-11-30/e2.json']);
  });

  test('a store outage rejects the batch: nothing is dead-lettered and the batch is retried whole', async () => {
    const put = jest.spyOn(store, 'put').mockRejectedValueOnce(new DependencyUnavailableError('s3', 'down'));
    await expect(archiver.handleBatch([event('acme', 'e1', 0), rec('garbage', 1)])).rejects.toThrow('s3: down');
    expect(published).toEqual([]);
    put.mockRestore();
    await archiver.handleBatch([event('acme', 'e1', 0), rec('garbage', 1)]);
    expect(dead()).toHaveLength(1);
  });

  test('each tenant trail is a hash chain: every stored event names its position and the SHA-256 of the event stored before it; a redelivery keeps its place', async () => {
    const stored = async (id: string) => (await store.get(`tenants/acme/audit/2026-11-30/${id}.json`)).body;
    await archiver.handleBatch([event('acme', 'c1', 0), event('acme', 'c2', 1), event('_system', 's1', 2)]);
    await archiver.handleBatch([event('acme', 'c2', 1), event('acme', 'c3', 3)]);
    const [c1, c2, c3] = await Promise.all(['c1', 'c2', 'c3'].map(stored));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(JSON.parse(c1.toString()).chain).toEqual({ sequence: 1, previous: null });
    expect(JSON.parse(c2.toString()).chain).toEqual({ sequence: 2, previous: sha(c1) });
    expect(JSON.parse(c3.toString()).chain).toEqual({ sequence: 3, previous: sha(c2) });
    // what the API recorded is kept as it was, beside the link
    expect(JSON.parse(c1.toString())).toMatchObject({ id: 'c1', tenant: 'acme', at });
    // another tenant's trail is its own chain
    expect(JSON.parse((await store.get('tenants/_system/audit/2026-11-30/s1.json')).body.toString()).chain).toEqual({ sequence: 1, previous: null });
  });
});
