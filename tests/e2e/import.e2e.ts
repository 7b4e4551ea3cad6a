import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import type { S3ArchiveStore } from '@custody/archive-store';
import { runImport, startCustody, type ImportIO, type ImportOptions, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

/**
 * `custody import` of a WhatsApp export on real Kafka, MinIO and OpenSearch: records and the
 * attachment archived, the damaged line quarantined, and re-runs (resumed, then --restart)
 * adding nothing.
 */
describe('custody import of a WhatsApp export on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody | undefined;
  let options: ImportOptions;
  let stderr = '';
  const io: ImportIO = { stderr: { write: (s: string) => void (stderr += s) }, logger: testLogger() };
  const photo = randomBytes(256 * 1024 + 17);
  const badLine = '15/03/2024, 25:99 - Bob Smith: a damaged line';

  beforeAll(() => {
    sc = stackConfig({ CUSTODY_DATA_DIR: mkdtempSync(join(tmpdir(), 'custody-import-e2e-')) });
    const dir = mkdtempSync(join(tmpdir(), 'wa-export-'));
    const m = sc.name;
    const chat = [
      '15/03/2024, 09:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.',
      `15/03/2024, 09:01 - Bob Smith: Buy 100 ACME ${m}`,
      '15/03/2024, 09:02 - Jane Trader: IMG-20240315-WA0001.jpg (file attached)',
      `Signed ticket ${m}`,
      `15/03/2024, 09:03 - Bob Smith: Confirmed ${m}`,
      `second line ${m}`,
      badLine,
      `15/03/2024, 09:05 - Jane Trader: Thanks ${m} <This message was edited>`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `WhatsApp Chat with Bob Smith ${m}.txt`), chat);
    writeFileSync(join(dir, 'IMG-20240315-WA0001.jpg'), photo);
    options = {
      channel: 'whatsapp-export',
      file: join(dir, `WhatsApp Chat with Bob Smith ${m}.txt`),
      tenant: 'acme',
      account: 'Jane Trader',
      timezone: 'Europe/London',
    };
  });
  afterAll(async () => {
    await custody?.stop();
  });

  const conversation = () => `whatsapp-export:Jane Trader:Bob Smith ${sc.name}`;
  const search = async () => (await apiSearch(custody!.url, sc.keys.compliance.token, { conversation: conversation(), size: 100 })).body;

  test('imports, stores the photo as a verified blob, quarantines the damaged line', async () => {
    const summary = await runImport(sc.config, options, io);
    // system notice, 3 messages (one with the photo), the edited message and its edit record
    expect(summary).toMatchObject({ accepted: 6, quarantined: 1, publishedNow: 6, quarantinedNow: 1, exitCode: 2 });
    expect(summary.resumedAfter).toBeUndefined();
    expect(stderr).toMatch(/100% 7 items .* accepted 6 +quarantined 1/);
    expect(stderr).toContain('6 accepted, 1 quarantined');

    custody = await startCustody(sc.config, testLogger());
    const found = await waitFor(
      'the imported records to be searchable',
      async () => {
        const body = await search();
        return body.total === 6 ? body : undefined;
      },
      60_000,
    );
    expect(found.hits.map((h: { kind: string }) => h.kind).sort()).toEqual(['edit', 'message', 'message', 'message', 'message', 'status']);

    const withPhoto = await apiSearch(custody.url, sc.keys.compliance.token, { text: `Signed ticket ${sc.name}` });
    expect(withPhoto.body.total).toBe(1);
    const rec = await fetch(`${custody.url}/v1/records/${withPhoto.body.hits[0].id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    const { envelope } = await rec.json();
    const expected = createHash('sha256').update(photo).digest('hex');
    expect(envelope.attachments).toEqual([
      {
        id: expect.any(String),
        kind: 'image',
        mimeType: 'image/jpeg',
        fileName: 'IMG-20240315-WA0001.jpg',
        caption: `Signed ticket ${sc.name}`,
        storageKey: `tenants/acme/blobs/${expected.slice(0, 2)}/${expected}`,
        sha256: expected,
        size: photo.length,
      },
    ]);
    expect(envelope.sentAt).toBe('2024-03-15T09:02:00.000Z');
    const blob = await custody.adapters.store.getStream(envelope.attachments[0].storageKey);
    const rehash = createHash('sha256');
    for await (const chunk of blob.body) rehash.update(chunk as Buffer);
    expect(rehash.digest('hex')).toBe(expected);
    expect(blob.info.retentionMode).toBe('COMPLIANCE');

    const quarantined = await readTopic(custody.topics.quarantine, 1);
    expect(quarantined[0].value).toBe(`${badLine}\n`);
    expect(quarantined[0].headers).toMatchObject({ code: 'bad_time', stage: 'import', connector: 'whatsapp-export', tenant: 'acme' });
    expect(quarantined[0].headers.reason).toMatch(/^line 7 \(byte \d+\): /);
  });

  test('a second run resumes after the checkpoint and publishes nothing', async () => {
    stderr = '';
    const summary = await runImport(sc.config, options, io);
    expect(summary).toMatchObject({ accepted: 6, quarantined: 1, publishedNow: 0, quarantinedNow: 0 });
    expect(summary.resumedAfter).toBeGreaterThan(0);
    expect(stderr).toContain('resuming after position');
  });

  test('--restart re-reads the whole file and still yields no duplicate records', async () => {
    const summary = await runImport(sc.config, { ...options, restart: true }, io);
    expect(summary).toMatchObject({ publishedNow: 6, quarantinedNow: 1 });
    const s3 = custody!.adapters.store as S3ArchiveStore;
    await waitFor(
      'archiver lag 0',
      async () => ((await custody!.adapters.bus.lag(sc.config.CUSTODY_ARCHIVER_GROUP, [custody!.topics.customerData])) === 0 ? true : undefined),
      60_000,
    );
    await custody!.adapters.index.refresh();
    const body = await search();
    expect(body.total).toBe(6);
    for (const hit of body.hits as Array<{ archive: { key: string } }>) {
      const versions = await s3.client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: hit.archive.key }));
      expect(versions.Versions).toHaveLength(1);
    }
    const blobs = await s3.client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'tenants/acme/blobs/' }));
    expect(blobs.Versions).toHaveLength(1);
  });

  test('an import killed mid-way resumes after its last published batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-export-long-'));
    const lines = Array.from({ length: 300 }, (_, i) => `16/03/2024, 10:${String(Math.floor(i / 60)).padStart(2, '0')} - Bob Smith: order ${i} ${sc.name}`);
    writeFileSync(join(dir, 'long.txt'), `${lines.join('\n')}\n`);
    const long = { ...options, file: join(dir, 'long.txt') };
    // the process "dies" at the first progress line after the first batch of 200 was published
    const dying: ImportIO = {
      stderr: {
        write: (s: string) => {
          if (/accepted 2\d\d /.test(s)) throw new Error('killed');
        },
      },
      logger: testLogger(),
    };
    await expect(runImport(sc.config, long, dying)).rejects.toThrow('killed');
    const resumed = await runImport(sc.config, long, io);
    expect(resumed).toMatchObject({ accepted: 300, quarantined: 0, publishedNow: 100, exitCode: 0 });
    expect(resumed.resumedAfter).toBeGreaterThan(0);
  });

  async function readTopic(topic: string, count: number) {
    const kafka = new Kafka({ brokers: sc.config.KAFKA_BROKERS!, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${sc.name}-${Math.random()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const out: Array<{ value: string; headers: Record<string, string> }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push({
          value: message.value!.toString('utf8'),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    try {
      await waitFor(`${count} records on ${topic}`, async () => (out.length >= count ? true : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    return out;
  }
});
