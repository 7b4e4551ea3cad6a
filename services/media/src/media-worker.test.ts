import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { LocalArchiveStore, blobKey, manifestKey } from '@custody/archive-store';
import type { Bus, BusRecord, OutgoingMessage } from '@custody/bus';
import type { AnyConnector, MediaContext } from '@custody/connector-kit';
import { sealEnvelope, type Envelope, type VendorDigest } from '@custody/envelope';
import { createLogger } from '@custody/logger';
import { MediaWorker } from './media-worker';

const TOPICS = { customerData: 'cd', dlq: 'dlq', mediaRetry: 'retry' };
const content = Buffer.from('%PDF-1.4 signed term sheet');
const digest = (algorithm: string, encoding: 'hex' | 'base64', bytes = content) => createHash(algorithm).update(bytes).digest(encoding);

function envelope(vendorDigests?: VendorDigest[]): Envelope {
  return sealEnvelope({
    tenant: 'acme',
    kind: 'message',
    channel: 'wecom',
    source: {
      connector: 'test',
      externalId: 'm1',
      receivedAt: '2024-03-01T10:00:00.000Z',
      raw: { contentType: 'application/json', encoding: 'utf8', body: '{}' },
    },
    conversation: { id: 'c1', type: 'direct' },
    sender: { kind: 'handle', value: 'wo1' },
    recipients: [],
    direction: 'inbound',
    sentAt: '2024-03-01T10:00:00.000Z',
    capturedAt: '2024-03-01T10:00:00.000Z',
    attachments: [{ id: 'a1', kind: 'document', sourceRef: 'test:a1', ...(vendorDigests && { vendorDigests }) }],
  });
}

describe('MediaWorker: vendor digests', () => {
  let dir: string;
  let store: LocalArchiveStore;
  let published: Array<{ topic: string; messages: OutgoingMessage[] }>;
  let logged: Array<Record<string, unknown>>;
  let worker: MediaWorker;
  let connector: AnyConnector & { fetched: number };
  let metrics: { deadLettered: jest.Mock };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-media-'));
    store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    published = [];
    logged = [];
    metrics = { deadLettered: jest.fn() };
    const bus = { publish: async (topic: string, messages: OutgoingMessage[]) => void published.push({ topic, messages }) } as unknown as Bus;
    connector = { id: 'test', fetched: 0, fetchMedia: async () => (connector.fetched++, { body: Readable.from([content]) }) } as unknown as AnyConnector & {
      fetched: number;
    };
    const sink = new Writable({ write: (chunk, _enc, done) => done(void logged.push(JSON.parse(String(chunk)))) });
    worker = new MediaWorker({
      bus,
      store,
      policy: {
        lockFor: async () => ({ retainUntil: new Date(Date.now() + 60_000), holds: [] }),
        lockForRaw: async () => ({ retainUntil: new Date(), holds: [] }),
      },
      instances: { get: (id) => (id === 'inst' ? { id, tenant: 'acme', connector, config: {} } : undefined) },
      contextFor: () => ({ instance: 'inst' }) as MediaContext,
      topics: TOPICS,
      groupId: 'media',
      retry: { attempts: 3, initialMs: 10, maxMs: 100 },
      logger: createLogger('media-test', {}, sink),
      metrics,
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = (env: Envelope): BusRecord => ({
    topic: TOPICS.customerData,
    partition: 0,
    offset: '7',
    key: null,
    value: Buffer.from(JSON.stringify(env)),
    headers: { instance: 'inst' },
    timestamp: '0',
  });
  const stored = async (env: Envelope) => ({
    manifest: await store.head(manifestKey('acme', env.id, 'a1')),
    blob: await store.head(blobKey('acme', digest('sha256', 'hex'))),
  });

  test.each([
    ['md5', 'hex'],
    ['sha1', 'hex'],
    ['sha256', 'base64'],
  ] as const)('content matching the vendor %s (%s) is stored', async (algorithm, encoding) => {
    const env = envelope([{ algorithm, encoding, value: digest(algorithm, encoding) }]);
    await worker.handleBatch([record(env)]);
    const { manifest, blob } = await stored(env);
    expect(manifest).not.toBeNull();
    expect(blob).not.toBeNull();
    expect(published).toEqual([]);
  });

  test('upper-case hex from the vendor still matches', async () => {
    const env = envelope([{ algorithm: 'md5', encoding: 'hex', value: digest('md5', 'hex').toUpperCase() }]);
    await worker.handleBatch([record(env)]);
    expect((await stored(env)).manifest).not.toBeNull();
  });

  test('a mismatch stores nothing, logs attachment_digest_mismatch and dead-letters the record with the reason', async () => {
    const wrong = digest('md5', 'hex', Buffer.from('another file'));
    const env = envelope([
      { algorithm: 'sha256', encoding: 'base64', value: digest('sha256', 'base64') },
      { algorithm: 'md5', encoding: 'hex', value: wrong },
    ]);
    await worker.handleBatch([record(env)]);
    expect(await stored(env)).toEqual({ manifest: null, blob: null });
    const [dlq] = published;
    expect(dlq.topic).toBe(TOPICS.dlq);
    expect(dlq.messages[0].value).toEqual(record(env).value);
    expect(dlq.messages[0].headers).toMatchObject({ dlq_step: 'media', dlq_source_offset: '7' });
    expect(dlq.messages[0].headers!.dlq_reason).toContain(`md5 (expected ${wrong}, got ${digest('md5', 'hex')})`);
    const event = logged.find((l) => l.event === 'attachment_digest_mismatch');
    expect(event).toMatchObject({
      level: 50,
      tenant: 'acme',
      record: env.id,
      attachment: 'a1',
      mismatches: [{ algorithm: 'md5', encoding: 'hex', expected: wrong, actual: digest('md5', 'hex') }],
    });
    // counted with every other consumer's dead letters, and logged the same way
    expect(metrics.deadLettered).toHaveBeenCalledWith('media', { instance: 'inst' });
    expect(logged.find((l) => l.event === 'record_dead_lettered')).toMatchObject({ step: 'media', topic: TOPICS.customerData, offset: '7' });
  });

  test('a vendor value that is no digest of its algorithm cannot be verified: treated as a mismatch', async () => {
    const env = envelope([{ algorithm: 'sha256', encoding: 'base64', value: 'x1' }]);
    await worker.handleBatch([record(env)]);
    expect((await stored(env)).manifest).toBeNull();
    expect(published[0].topic).toBe(TOPICS.dlq);
  });

  test('without vendor digests the content is stored as before', async () => {
    const env = envelope();
    await worker.handleBatch([record(env)]);
    expect((await stored(env)).manifest).not.toBeNull();
  });

  test('a reference the connector says it does not serve (a LINE sticker) is left as the record, not fetched or dead-lettered', async () => {
    connector.fetchable = (a) => !a.sourceRef!.startsWith('test:');
    const env = envelope();
    await worker.handleBatch([record(env)]);
    expect(connector.fetched).toBe(0);
    expect((await stored(env)).manifest).toBeNull();
    expect(published).toEqual([]);
  });

  test('a parked record whose attempts are spent is dead-lettered naming where it was first read, with its attempt count, and counted', async () => {
    connector.fetchMedia = async () => Promise.reject(new Error('vendor 503'));
    const env = envelope();
    const parked: BusRecord = {
      ...record(env),
      topic: TOPICS.mediaRetry,
      offset: '3',
      headers: {
        instance: 'inst',
        media_source_topic: TOPICS.customerData,
        media_source_partition: '0',
        media_source_offset: '7',
        media_attempts: '2',
        media_due: new Date(0).toISOString(),
      },
    };
    await worker.handleRetryBatch([parked], { heartbeat: async () => undefined, signal: new AbortController().signal });
    expect(published.map((p) => p.topic)).toEqual([TOPICS.dlq]);
    expect(published[0].messages[0].headers).toMatchObject({
      media_attempts: '3',
      dlq_step: 'media',
      dlq_source_topic: TOPICS.customerData,
      dlq_source_partition: '0',
      dlq_source_offset: '7',
      dlq_reason: expect.stringContaining('attachments not fetched after 3 attempts: a1: vendor 503'),
    });
    expect(metrics.deadLettered).toHaveBeenCalledTimes(1);
    expect(metrics.deadLettered).toHaveBeenCalledWith('media', expect.objectContaining({ instance: 'inst' }));
  });
});
