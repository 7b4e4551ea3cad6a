import { createHash } from 'node:crypto';
import type { ArchiveStore, ObjectInfo, PutRequest, PutResult } from '@custody/archive-store';
import type { Bus, BusRecord, OutgoingMessage, SubscribeOptions } from '@custody/bus';
import { sealEnvelope, type Envelope, type EnvelopeDraft } from '@custody/envelope';
import { DependencyUnavailableError } from '@custody/errors';
import { silentLogger } from '@custody/logger';
import type { BulkFailure, IndexDoc, Revisions, SearchIndex } from '@custody/search-index';
import { Archiver, type ArchiverMetrics } from './archiver';
import type { SettledRecord } from './settled';
import { recordKey } from '@custody/archive-store';
import type { Lock, LockPolicy } from '@custody/policy';

const TOPICS = {
  customerData: 'custody.customer-data.v1.test',
  raw: 'custody.raw.v1.test',
  dlq: 'custody.dlq.v1.test',
  recordLog: 'custody.record-log.v1.test',
};
const RETAIN_UNTIL = new Date('2032-11-22T00:00:00.000Z');

// ---------- in-memory fakes ----------

class FakeBus implements Bus {
  async probe(): Promise<void> {}
  published: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
  subscriptions: SubscribeOptions[] = [];
  stopped = 0;
  async ensureTopics(): Promise<void> {}
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    this.published.push({ topic, messages });
  }
  async subscribe(opts: SubscribeOptions) {
    this.subscriptions.push(opts);
    return { stop: async () => void this.stopped++ };
  }
  async lag(): Promise<number> {
    return 0;
  }
  stalledBatches() {
    return [];
  }
  async close(): Promise<void> {}
  dlq(): OutgoingMessage[] {
    return this.published.filter((p) => p.topic === TOPICS.dlq).flatMap((p) => p.messages);
  }
}

interface StoredObject {
  body: Buffer;
  versionId: string;
  sha256: string;
  retainUntil: Date;
  legalHold: boolean;
  metadata?: Record<string, string>;
}

class FakeStore implements ArchiveStore {
  async probe(): Promise<void> {}
  objects = new Map<string, StoredObject>();
  puts: PutRequest[] = [];
  gets: Array<{ key: string; versionId?: string }> = [];
  failPut?: Error;
  inFlight = 0;
  maxInFlight = 0;
  private versions = 0;

  async ensureReady(): Promise<void> {}
  async put(req: PutRequest): Promise<PutResult> {
    this.puts.push(req);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.failPut) throw this.failPut;
      const existing = this.objects.get(req.key);
      if (existing) return { key: req.key, versionId: existing.versionId, sha256: existing.sha256, created: false };
      if (!Buffer.isBuffer(req.body)) throw new Error('the archiver writes records from memory');
      return { key: req.key, ...this.seed(req.key, req.body, req.retainUntil, req.legalHold, req.metadata), created: true };
    } finally {
      this.inFlight--;
    }
  }
  seed(key: string, body: Buffer, retainUntil = RETAIN_UNTIL, legalHold = false, metadata?: Record<string, string>) {
    const obj = {
      body: Buffer.from(body),
      versionId: `v${++this.versions}`,
      sha256: createHash('sha256').update(body).digest('hex'),
      retainUntil,
      legalHold,
      metadata,
    };
    this.objects.set(key, obj);
    return { versionId: obj.versionId, sha256: obj.sha256 };
  }
  async head(): Promise<ObjectInfo | null> {
    throw new Error('not used');
  }
  async getStream(): Promise<never> {
    throw new Error('not used');
  }
  async get(key: string, versionId?: string): Promise<{ info: ObjectInfo; body: Buffer }> {
    this.gets.push({ key, versionId });
    const o = this.objects.get(key);
    if (!o || (versionId && o.versionId !== versionId)) throw new Error(`no ${key}@${versionId}`);
    return {
      info: {
        key,
        versionId: o.versionId,
        sha256: o.sha256,
        size: o.body.length,
        lastModified: new Date(),
        retentionMode: 'COMPLIANCE',
        retainUntil: o.retainUntil,
        legalHold: o.legalHold,
      },
      body: o.body,
    };
  }
  async setLegalHold(): Promise<void> {
    throw new Error('not used');
  }
  async extendRetention(): Promise<void> {
    throw new Error('not used');
  }
  async deleteVersion(): Promise<void> {
    throw new Error('not used');
  }
  async *list() {
    yield* [];
  }
}

class FakeIndex implements SearchIndex {
  async probe(): Promise<void> {}
  docs = new Map<string, IndexDoc>();
  calls: IndexDoc[][] = [];
  /** Per-document failures to report, by envelope id. */
  failures = new Map<string, Omit<BulkFailure, 'id'>>();
  throwOnBulk?: Error;
  async ensureReady(): Promise<void> {}
  async bulkUpsert(docs: IndexDoc[]): Promise<BulkFailure[]> {
    this.calls.push(docs);
    if (this.throwOnBulk) throw this.throwOnBulk;
    const failed: BulkFailure[] = [];
    for (const d of docs) {
      const f = this.failures.get(d.id);
      if (f) failed.push({ id: d.id, ...f });
      else this.docs.set(d.id, d);
    }
    return failed;
  }
  async search(): Promise<never> {
    throw new Error('not used');
  }
  async get(_tenant: string, id: string) {
    return this.docs.get(id) ?? null;
  }
  async setHolds(): Promise<void> {}
  async setResolution(): Promise<void> {}
  async setLogSequences(): Promise<void> {}
  revisions: Array<Map<string, Revisions>> = [];
  async addRevisions(_tenant: string, revisions: Map<string, Revisions>): Promise<void> {
    this.revisions.push(revisions);
  }
  async revisionsOf(_tenant: string, externalIds: string[]): Promise<IndexDoc[]> {
    return [...this.docs.values()].filter((d) => d.revises !== undefined && externalIds.includes(d.revises));
  }
  async delete(): Promise<void> {}
  async refresh(): Promise<void> {}
}

class FixedPolicy implements LockPolicy {
  seen: Envelope[] = [];
  constructor(private readonly lock: Lock = { retainUntil: RETAIN_UNTIL, holds: [] }) {}
  async lockFor(env: Envelope): Promise<Lock> {
    this.seen.push(env);
    return this.lock;
  }
  async lockForRaw(): Promise<Lock> {
    return this.lock;
  }
}

// ---------- helpers ----------

function envelope(externalId: string, overrides: Partial<EnvelopeDraft> = {}): Envelope {
  return sealEnvelope({
    tenant: 'acme',
    kind: 'message',
    channel: 'whatsapp',
    source: {
      connector: 'whatsapp-cloud',
      externalId,
      receivedAt: '2025-11-22T08:27:00.000Z',
      raw: { contentType: 'application/json', encoding: 'utf8', body: `{"id":"${externalId}"}` },
    },
    conversation: { id: 'whatsapp:106540352242922:16505551234', type: 'direct' },
    sender: { kind: 'phone', value: '+16505551234', displayName: 'Sheena Nelson' },
    recipients: [{ kind: 'phone', value: '+15550783881' }],
    direction: 'inbound',
    sentAt: '2025-11-22T08:26:40.000Z',
    capturedAt: '2025-11-22T08:27:00.000Z',
    content: { text: `text of ${externalId}`, format: 'whatsapp/text' },
    ...overrides,
  });
}

let offset = 100;
function record(value: Buffer | string, headers: Record<string, string> = { tenant: 'acme' }): BusRecord {
  return {
    topic: TOPICS.customerData,
    partition: 3,
    offset: String(offset++),
    key: 'acme:whatsapp:106540352242922:16505551234',
    value: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'),
    headers,
    timestamp: '1763800020000',
  };
}

function setup(opts: { concurrency?: number; policy?: LockPolicy } = {}) {
  const bus = new FakeBus();
  const store = new FakeStore();
  const index = new FakeIndex();
  const policy = opts.policy ?? new FixedPolicy();
  const metrics: jest.Mocked<ArchiverMetrics> = { archived: jest.fn(), indexed: jest.fn(), deadLettered: jest.fn() };
  const settled: SettledRecord[][] = [];
  const archiver = new Archiver({
    bus,
    store,
    index,
    policy,
    topics: TOPICS,
    groupId: 'custody-archiver-test',
    concurrency: opts.concurrency ?? 4,
    logger: silentLogger(),
    metrics,
    onSettled: (records) => settled.push(records),
  });
  return { bus, store, index, policy, metrics, archiver, settled };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(Error);
  return caught as Error;
}

// ---------- tests ----------

describe('Archiver.handleBatch', () => {
  test('a valid envelope is stored with the policy lock and indexed; a garbage record is dead-lettered at decode', async () => {
    const { bus, store, index, metrics, archiver } = setup();
    const env = envelope('wamid.GOOD');
    const goodBytes = Buffer.from(JSON.stringify(env));
    const garbageBytes = Buffer.from([0x7b, 0x6e, 0x6f, 0x74, 0xff, 0x00, 0x20, 0x6a, 0x73, 0x6f, 0x6e]); // "{not\xff\0 json"
    const good = record(goodBytes);
    const garbage = record(garbageBytes, { tenant: 'acme', traceparent: 'abc' });

    await archiver.handleBatch([good, garbage]);

    // archive
    const key = recordKey('acme', env.id);
    expect(key).toBe(`tenants/acme/records/${env.id.slice(0, 2)}/${env.id}.json`);
    expect(store.puts).toHaveLength(1);
    expect(store.puts[0]).toEqual({
      key,
      body: goodBytes,
      contentType: 'application/json',
      retainUntil: RETAIN_UNTIL,
      legalHold: false,
      metadata: { 'custody-tenant': 'acme', 'custody-envelope-sha256': env.integrity.sha256 },
    });
    expect(store.objects.get(key)!.body.equals(goodBytes)).toBe(true);

    // index
    expect(index.calls).toHaveLength(1);
    expect(index.calls[0]).toHaveLength(1);
    const doc = index.docs.get(env.id)!;
    expect(doc).toMatchObject({
      id: env.id,
      tenant: 'acme',
      kind: 'message',
      channel: 'whatsapp',
      externalId: 'wamid.GOOD',
      sender: '+16505551234',
      text: 'text of wamid.GOOD',
      envelopeSha256: env.integrity.sha256,
      archive: { key, versionId: store.objects.get(key)!.versionId, sha256: createHash('sha256').update(goodBytes).digest('hex') },
      holds: [],
    });

    // dead letter
    // the stored version announced for the tenant's record log, then the dead letter
    expect(bus.published.map((p) => p.topic)).toEqual([TOPICS.recordLog, TOPICS.dlq]);
    const append = JSON.parse(String(bus.published[0].messages[0].value));
    expect(append).toMatchObject({
      schema: 'custody.log-append/v1',
      tenant: 'acme',
      leaves: [{ kind: 'record', key: expect.stringMatching(/^tenants\/acme\/records\//) }],
    });
    const dlq = bus.dlq();
    expect(dlq).toHaveLength(1);
    expect(Buffer.isBuffer(dlq[0].value) && dlq[0].value.equals(garbageBytes)).toBe(true);
    expect(dlq[0].key).toBe(garbage.key);
    expect(dlq[0].headers).toEqual({
      tenant: 'acme',
      traceparent: 'abc',
      dlq_reason: expect.stringMatching(/not valid JSON/),
      dlq_step: 'decode',
      dlq_source_topic: TOPICS.customerData,
      dlq_source_partition: '3',
      dlq_source_offset: garbage.offset,
      dlq_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });

    expect(metrics.archived).toHaveBeenCalledTimes(1);
    expect(metrics.archived).toHaveBeenCalledWith(expect.objectContaining({ id: env.id, tenant: 'acme', channel: 'whatsapp' }), true, expect.any(Number));
    expect(metrics.indexed).toHaveBeenCalledWith([expect.objectContaining({ id: env.id })], expect.any(Number));
    expect(metrics.deadLettered).toHaveBeenCalledTimes(1);
    expect(metrics.deadLettered).toHaveBeenCalledWith('decode', expect.objectContaining({ tenant: 'acme' }));
  });

  test('the retention comes from the policy: FixedRetention counts from sentAt', async () => {
    const { FixedRetention } = await import('@custody/policy');
    const { store, archiver } = setup({ policy: new FixedRetention(30, 60) });
    const sentAt = new Date(Date.now() - 86_400_000).toISOString();
    const env = envelope('wamid.RET', { sentAt });
    await archiver.handleBatch([record(JSON.stringify(env))]);
    expect(store.puts[0].retainUntil.getTime()).toBe(Date.parse(sentAt) + 30 * 86_400_000);
  });

  test('active legal holds set the S3 legal hold and are recorded on the index document', async () => {
    const { store, index, archiver } = setup({ policy: new FixedPolicy({ retainUntil: RETAIN_UNTIL, holds: ['hold-2', 'hold-1'] }) });
    const env = envelope('wamid.HELD');
    await archiver.handleBatch([record(JSON.stringify(env))]);
    expect(store.puts[0].legalHold).toBe(true);
    expect(index.docs.get(env.id)!.holds).toEqual(['hold-1', 'hold-2']);
  });

  test('the index carries the resolution the policy made at write time; the stored envelope stays as captured', async () => {
    const env = envelope('wamid.RESOLVED');
    const resolved = { sender: { ...env.sender, employeeId: 'emp-7' }, recipients: env.recipients, direction: 'outbound' as const };
    const { store, index, archiver } = setup({ policy: new FixedPolicy({ retainUntil: RETAIN_UNTIL, holds: [], resolved }) });
    await archiver.handleBatch([record(JSON.stringify(env))]);
    expect(index.docs.get(env.id)).toMatchObject({
      employeeIds: ['emp-7'],
      unmapped: ['+15550783881'],
      direction: 'outbound',
      envelopeSha256: env.integrity.sha256,
    });
    expect(JSON.parse(store.objects.get(recordKey('acme', env.id))!.body.toString()).sender.employeeId).toBeUndefined();
  });

  test('a tampered envelope is dead-lettered at decode with an integrity reason and never stored', async () => {
    const { bus, store, index, archiver } = setup();
    const env = envelope('wamid.TAMPER');
    const tampered = JSON.stringify({ ...env, content: { text: 'altered after sealing' } });
    await archiver.handleBatch([record(tampered)]);
    expect(store.puts).toHaveLength(0);
    expect(index.calls).toHaveLength(0);
    expect(bus.dlq()).toHaveLength(1);
    expect(bus.dlq()[0].headers).toMatchObject({ dlq_step: 'decode', dlq_reason: expect.stringMatching(/integrity/) });
    expect(String(bus.dlq()[0].value)).toBe(tampered);
  });

  test('a store outage rejects the batch (no commit) and dead-letters nothing, not even the garbage record', async () => {
    const { bus, store, index, metrics, archiver } = setup();
    store.failPut = new DependencyUnavailableError('s3', 'connect ECONNREFUSED');
    const err = await rejection(archiver.handleBatch([record('garbage'), record(JSON.stringify(envelope('wamid.1')))]));
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).retriable).toBe(true);
    expect(err.message).toContain('step archive');
    expect(err.message).toContain('s3: connect ECONNREFUSED');
    expect(bus.published).toEqual([]);
    expect(index.calls).toHaveLength(0);
    expect(metrics.deadLettered).not.toHaveBeenCalled();

    // the same batch, retried after the outage, completes
    store.failPut = undefined;
    await archiver.handleBatch([record('garbage'), record(JSON.stringify(envelope('wamid.1')))]);
    expect(bus.dlq()).toHaveLength(1);
    expect(index.docs.size).toBe(1);
  });

  test('an unexpected (non-Custody) store error is treated as retriable, not as bad data', async () => {
    const { bus, store, archiver } = setup();
    store.failPut = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await rejection(archiver.handleBatch([record(JSON.stringify(envelope('wamid.1')))]));
    expect(bus.published).toEqual([]);
  });

  test('a programming error in a step dead-letters the record instead of stalling the partition', async () => {
    const { bus, store, index, metrics, archiver } = setup();
    store.failPut = new TypeError("Cannot read properties of undefined (reading 'versionId')");
    await archiver.handleBatch([record(JSON.stringify(envelope('wamid.BUG')))]);
    expect(bus.dlq()).toHaveLength(1);
    expect(bus.dlq()[0].headers).toMatchObject({ dlq_step: 'archive', dlq_reason: "TypeError: Cannot read properties of undefined (reading 'versionId')" });
    expect(index.calls).toHaveLength(0);
    expect(metrics.deadLettered).toHaveBeenCalledWith('archive', expect.any(Object));
  });

  test('when the key already exists (created:false) the stored envelope is read back and indexed', async () => {
    const { store, index, metrics, archiver } = setup();
    // first capture of the webhook; a redelivery is captured later: same id, different receivedAt/capturedAt
    const first = envelope('wamid.DUP');
    const redelivered = envelope('wamid.DUP', { capturedAt: '2025-11-22T09:00:00.000Z' });
    expect(redelivered.id).toBe(first.id);
    expect(redelivered.integrity.sha256).not.toBe(first.integrity.sha256);
    const key = recordKey('acme', first.id);
    const firstBytes = Buffer.from(JSON.stringify(first));
    const { versionId, sha256 } = store.seed(key, firstBytes);

    await archiver.handleBatch([record(JSON.stringify(redelivered))]);

    expect(store.puts).toHaveLength(1);
    expect(store.objects.get(key)!.body.equals(firstBytes)).toBe(true); // nothing overwritten
    expect(store.gets).toEqual([{ key, versionId }]);
    const doc = index.docs.get(first.id)!;
    expect(doc.envelopeSha256).toBe(first.integrity.sha256);
    expect(doc.capturedAt).toBe(first.capturedAt);
    expect(doc.archive).toEqual({ key, versionId, sha256 });
    expect(metrics.archived).toHaveBeenCalledWith(expect.objectContaining({ id: first.id, integrity: first.integrity }), false, expect.any(Number));
  });

  test('a stored version that fails its integrity check is dead-lettered at the archive step', async () => {
    const { bus, store, index, archiver } = setup();
    const env = envelope('wamid.CORRUPT');
    store.seed(recordKey('acme', env.id), Buffer.from(JSON.stringify({ ...env, direction: 'outbound' })));
    await archiver.handleBatch([record(JSON.stringify(env))]);
    expect(index.calls).toHaveLength(0);
    expect(bus.dlq()).toHaveLength(1);
    expect(bus.dlq()[0].headers).toMatchObject({ dlq_step: 'archive', dlq_reason: expect.stringMatching(/^integrity_violation: /) });
  });

  test('a non-retriable per-document index failure dead-letters that record (step index); the others are indexed', async () => {
    const { bus, index, metrics, archiver } = setup();
    const ok1 = envelope('wamid.OK1');
    const bad = envelope('wamid.BAD');
    const ok2 = envelope('wamid.OK2');
    index.failures.set(bad.id, { reason: 'mapper_parsing_exception: failed to parse field [text]', retriable: false });
    const records = [ok1, bad, ok2].map((e) => record(JSON.stringify(e)));

    await archiver.handleBatch(records);

    expect(index.calls[0].map((d) => d.id)).toEqual([ok1.id, bad.id, ok2.id]);
    expect([...index.docs.keys()].sort()).toEqual([ok1.id, ok2.id].sort());
    const dlq = bus.dlq();
    expect(dlq).toHaveLength(1);
    expect(String(dlq[0].value)).toBe(JSON.stringify(bad));
    expect(dlq[0].headers).toMatchObject({
      dlq_step: 'index',
      dlq_reason: 'mapper_parsing_exception: failed to parse field [text]',
      dlq_source_topic: TOPICS.customerData,
      dlq_source_partition: '3',
      dlq_source_offset: records[1].offset,
    });
    expect(metrics.indexed).toHaveBeenCalledWith([expect.objectContaining({ id: ok1.id }), expect.objectContaining({ id: ok2.id })], expect.any(Number));
    expect(metrics.deadLettered).toHaveBeenCalledWith('index', expect.objectContaining({ tenant: 'acme' }));
  });

  test('a retriable per-document index failure rejects the batch and dead-letters nothing', async () => {
    const { bus, index, archiver } = setup();
    const ok = envelope('wamid.OK');
    const busy = envelope('wamid.BUSY');
    index.failures.set(busy.id, { reason: 'es_rejected_execution_exception (429)', retriable: true });
    const err = await rejection(archiver.handleBatch([record('garbage'), record(JSON.stringify(ok)), record(JSON.stringify(busy))]));
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(err.message).toContain('step index');
    expect(err.message).toContain('es_rejected_execution_exception (429)');
    expect(bus.published).toEqual([]);
  });

  test('a whole-request index outage rejects the batch', async () => {
    const { bus, index, archiver } = setup();
    index.throwOnBulk = new DependencyUnavailableError('opensearch', 'cluster_block_exception');
    const err = await rejection(archiver.handleBatch([record(JSON.stringify(envelope('wamid.1')))]));
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(err.message).toContain('cluster_block_exception');
    expect(bus.published).toEqual([]);
  });

  test('a committed batch reports what became of each customer record, for the reconciliation: stored, duplicate, dead-lettered, not indexed', async () => {
    const { index, archiver, settled } = setup();
    const fresh = envelope('wamid.NEW');
    const again = envelope('wamid.AGAIN');
    const unindexable = envelope('wamid.UNINDEXABLE');
    index.failures.set(unindexable.id, { reason: 'mapper_parsing_exception', retriable: false });
    await archiver.handleBatch([record(JSON.stringify(again))]);
    const headers = { tenant: 'acme', envelope_id: 'e1', connector: 'whatsapp-cloud', received_at: '2025-11-22T08:27:00.000Z' };
    await archiver.handleBatch([
      record(JSON.stringify(fresh)),
      record(JSON.stringify(again)),
      record(JSON.stringify(unindexable)),
      record('garbage', headers),
      // a raw delivery that is not even a record names no envelope: not counted
      record('garbage', { tenant: 'acme' }),
    ]);
    const receivedAt = fresh.source.receivedAt;
    expect(settled[1]).toEqual([
      { tenant: 'acme', connector: 'whatsapp-cloud', receivedAt, created: true, indexed: true, deadLettered: undefined },
      { tenant: 'acme', connector: 'whatsapp-cloud', receivedAt, created: false, indexed: true, deadLettered: undefined },
      { tenant: 'acme', connector: 'whatsapp-cloud', receivedAt, created: true, indexed: false, deadLettered: 'index' },
      { tenant: 'acme', connector: 'whatsapp-cloud', receivedAt: headers.received_at, created: undefined, indexed: false, deadLettered: 'decode' },
    ]);
  });

  test('a retried batch reports its records once, when it commits', async () => {
    const { index, archiver, settled } = setup();
    const env = envelope('wamid.RETRIED');
    index.throwOnBulk = new DependencyUnavailableError('opensearch', 'cluster_block_exception');
    await rejection(archiver.handleBatch([record(JSON.stringify(env))]));
    expect(settled).toEqual([]);
    index.throwOnBulk = undefined;
    await archiver.handleBatch([record(JSON.stringify(env))]);
    // stored by the attempt that failed: the committing one finds it there
    expect(settled).toEqual([[expect.objectContaining({ created: false, indexed: true })]]);
  });

  test('a failing DLQ publish rejects the batch', async () => {
    const { bus, archiver } = setup();
    bus.publish = async () => {
      throw new DependencyUnavailableError('kafka', 'not enough replicas');
    };
    await expect(archiver.handleBatch([record('garbage')])).rejects.toThrow('not enough replicas');
  });

  test('an empty batch does nothing', async () => {
    const { bus, store, index, archiver } = setup();
    await archiver.handleBatch([]);
    expect([bus.published, store.puts, index.calls]).toEqual([[], [], []]);
  });

  test('archive writes run with at most `concurrency` in flight, and every record is written', async () => {
    const { store, index, archiver } = setup({ concurrency: 2 });
    const envs = Array.from({ length: 7 }, (_, i) => envelope(`wamid.C${i}`));
    await archiver.handleBatch(envs.map((e) => record(JSON.stringify(e))));
    expect(store.maxInFlight).toBe(2);
    expect(store.puts).toHaveLength(7);
    expect(index.calls).toHaveLength(1);
    expect(index.calls[0].map((d) => d.id)).toEqual(envs.map((e) => e.id));
  });
});

describe('Archiver.start/stop', () => {
  test('subscribes the group to customer-data and raw deliveries from the beginning and feeds batches to handleBatch', async () => {
    const { bus, index, archiver } = setup();
    await archiver.start();
    expect(bus.subscriptions).toHaveLength(1);
    const sub = bus.subscriptions[0];
    expect({ groupId: sub.groupId, topics: sub.topics, fromBeginning: sub.fromBeginning }).toEqual({
      groupId: 'custody-archiver-test',
      topics: [TOPICS.customerData, TOPICS.raw],
      fromBeginning: true,
    });
    const env = envelope('wamid.SUB');
    await sub.onBatch([record(JSON.stringify(env))], { heartbeat: async () => {}, signal: new AbortController().signal });
    expect(index.docs.has(env.id)).toBe(true);
    await archiver.stop();
    expect(bus.stopped).toBe(1);
  });
});
