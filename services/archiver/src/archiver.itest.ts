import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import { S3ArchiveStore, type ArchiveStore } from '@custody/archive-store';
import { KafkaBus, topicsFor } from '@custody/bus';
import { DependencyUnavailableError } from '@custody/errors';
import { sealEnvelope, type Envelope } from '@custody/envelope';
import { OpenSearchIndex, type SearchIndex } from '@custody/search-index';
import { recordKey } from '@custody/archive-store';
import { FixedRetention } from '@custody/policy';
import { Archiver } from '../src';
import { requireStackEnv, testLogger, uniqueName, waitFor } from '@custody/testing';

/** Fault injection around the real adapters: the first `n` calls fail as an outage would. */
function flaky<T extends object>(target: T, method: keyof T, failures: number, calls: { count: number }): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(obj) : value;
      return async (...args: unknown[]) => {
        calls.count++;
        if (calls.count <= failures) throw new DependencyUnavailableError('injected', `outage ${calls.count}`);
        return value.apply(obj, args);
      };
    },
  });
}

function envelope(tenant: string, externalId: string, text: string): Envelope {
  const now = new Date().toISOString();
  return sealEnvelope({
    tenant,
    kind: 'message',
    channel: 'whatsapp',
    source: { connector: 'whatsapp-cloud', externalId, receivedAt: now, raw: { contentType: 'application/json', encoding: 'utf8', body: '{}' } },
    conversation: { id: `c-${externalId}`, type: 'direct' },
    sender: { kind: 'phone', value: '+16505551234' },
    recipients: [{ kind: 'phone', value: '+15550783881' }],
    direction: 'inbound',
    sentAt: now,
    capturedAt: now,
    content: { text },
  });
}

describe('archiver on the real stack', () => {
  const env = requireStackEnv();
  const name = uniqueName();
  const topics = topicsFor(name);
  const logger = testLogger();
  const bus = new KafkaBus({ brokers: env.KAFKA_BROKERS.split(','), clientId: name, logger });
  const store = new S3ArchiveStore({
    bucket: `custody-${name}`,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  const index = new OpenSearchIndex({ url: env.OPENSEARCH_URL, prefix: `custody-${name}` });
  let archiver: Archiver | undefined;

  beforeAll(async () => {
    await bus.ensureTopics([{ name: topics.customerData }, { name: topics.raw }, { name: topics.dlq }, { name: topics.recordLog }]);
    await Promise.all([store.ensureReady(), index.ensureReady()]);
  });
  afterAll(async () => {
    await archiver?.stop();
    await bus.close();
  });

  function startArchiver(s: ArchiveStore, i: SearchIndex, group: string) {
    archiver = new Archiver({ bus, store: s, index: i, policy: new FixedRetention(1, 60), topics, groupId: group, concurrency: 4, logger });
    return archiver.start();
  }

  test('outages of S3 and OpenSearch are retried without committing; the record lands exactly once; bad records go to the DLQ with reasons', async () => {
    const storeCalls = { count: 0 };
    const indexCalls = { count: 0 };
    const group = `archiver-${name}`;
    const good = envelope('acme', `wamid.${name}.1`, `outage survivor ${name}`);
    const tampered = { ...envelope('acme', `wamid.${name}.2`, 'original'), content: { text: 'altered after sealing' } };
    const conversationKey = `acme:${good.conversation.id}`;
    await bus.publish(topics.customerData, [
      { key: conversationKey, value: 'not json at all', headers: { tenant: 'acme' } },
      { key: conversationKey, value: JSON.stringify(tampered), headers: { tenant: 'acme' } },
      { key: conversationKey, value: JSON.stringify(good), headers: { tenant: 'acme' } },
    ]);

    await startArchiver(flaky(store, 'put', 2, storeCalls), flaky(index, 'bulkUpsert', 3, indexCalls), group);

    // while outages last, nothing is committed
    await waitFor('an injected outage', async () => (storeCalls.count >= 1 ? true : undefined));
    expect(await bus.lag(group, [topics.customerData])).toBe(3);

    await waitFor('lag 0 after the outages end', async () => ((await bus.lag(group, [topics.customerData])) === 0 ? true : undefined), 60_000);
    expect(indexCalls.count).toBeGreaterThan(3);

    const versions = await store.client.send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: recordKey('acme', good.id) }));
    expect(versions.Versions).toHaveLength(1);
    await index.refresh();
    const found = await index.search('acme', { text: `outage survivor ${name}` });
    expect(found.total).toBe(1);
    expect(found.hits[0].archive.versionId).toBe(versions.Versions![0].VersionId);

    const dlq = await readAll(topics.dlq, 2);
    expect(dlq.map((d) => d.value)).toEqual(['not json at all', JSON.stringify(tampered)]);
    expect(dlq[0].headers).toMatchObject({ dlq_step: 'decode', dlq_source_topic: topics.customerData, tenant: 'acme' });
    expect(dlq[0].headers.dlq_reason).toMatch(/not valid JSON/);
    expect(dlq[1].headers.dlq_reason).toMatch(/integrity/);
    expect(dlq.map((d) => d.headers.dlq_source_offset)).toEqual(['0', '1']);
    // exactly the two bad records, not once per retried attempt
    expect(dlq).toHaveLength(2);
    // the stored version announced for the record log once, after the outages, naming the version stored
    const appends = await readAll(topics.recordLog, 1);
    expect(appends).toHaveLength(1);
    expect(JSON.parse(appends[0].value).leaves).toEqual([
      expect.objectContaining({ kind: 'record', id: good.id, key: recordKey('acme', good.id), versionId: versions.Versions![0].VersionId }),
    ]);
  });

  async function readAll(topic: string, expected: number) {
    const kafka = new Kafka({ brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${uniqueName()}` });
    const out: Array<{ value: string; headers: Record<string, string> }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ value: message.value!.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
      },
    });
    await waitFor(`${expected} records on ${topic}`, async () => (out.length >= expected ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000)); // a third record would be a duplicate: give it time to show
    await consumer.disconnect();
    return out;
  }
});
