import { DeleteObjectCommand, GetObjectRetentionCommand, HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, rawOf } from '@custody/testing/stack';
import { apiSearch, postWebhook, textWebhook, whatsappDelivery } from '@custody/testing/whatsapp';

/**
 * WhatsApp webhook → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API,
 * all on real servers.
 */
describe('WhatsApp pipeline on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    sc = stackConfig();
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
  });

  async function findByText(text: string, token = sc.keys.compliance.token) {
    return waitFor(`"${text}" to be searchable`, async () => {
      const r = await apiSearch(custody.url, token, { text });
      return r.status === 200 && r.body.total > 0 ? r.body : undefined;
    });
  }

  test('answers the subscription handshake only with the verify token', async () => {
    const ok = await fetch(`${custody.url}/webhooks/acme-wa?hub.mode=subscribe&hub.verify_token=${sc.verifyToken}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${custody.url}/webhooks/acme-wa?hub.mode=subscribe&hub.verify_token=wrong-token-x&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
  });

  test('a signed message is archived under COMPLIANCE lock, undeletable, searchable and readable from the archive', async () => {
    const marker = `order ${sc.name} alpha`;
    const sentAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const hook = textWebhook(`Please buy 100 ACME, ${marker}`, { at: sentAt });
    const res = await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret);
    expect(res.status).toBe(200);
    const accepted = await res.json();
    expect(accepted.accepted).toBe(1);

    // (a) searchable through the API, with the archive coordinates
    const found = await findByText(marker);
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit.id).toBe(accepted.ids[0]);
    expect(hit.sender).toBe('+16505551234');
    expect(hit.archive.key).toMatch(/^tenants\/acme\/records\//);
    expect(hit.archive.versionId).toBeTruthy();
    expect(hit.archive.sha256).toMatch(/^[0-9a-f]{64}$/);

    // participant search normalizes the phone number the user typed
    const byPhone = await apiSearch(custody.url, sc.keys.compliance.token, { participant: '+1 (650) 555-1234', text: marker });
    expect(byPhone.body.total).toBe(1);

    // the record comes back from the archive store with both hashes verified
    const rec = await fetch(`${custody.url}/v1/records/${hit.id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(rec.status).toBe(200);
    const record = await rec.json();
    expect(record.envelope.content.text).toContain(marker);
    expect(await rawOf(custody.url, sc.keys.compliance.token, hit.id)).toBe(hook.body);
    expect(record.archive.versionId).toBe(hit.archive.versionId);
    expect(record.archive.sha256).toBe(hit.archive.sha256);
    expect(record.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });

    // (b) the object version is locked in COMPLIANCE mode until sentAt + retention (1 day in this test)
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    const retention = await s3.client.send(new GetObjectRetentionCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(retention.Retention?.Mode).toBe('COMPLIANCE');
    expect(retention.Retention?.RetainUntilDate?.getTime()).toBe(sentAt.getTime() + 86_400_000);

    // (c) the server itself refuses to delete the locked version
    // (AWS answers 403 AccessDenied; MinIO 400 InvalidRequest "Object is WORM protected")
    const refusal = await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId })).then(
      () => null,
      (err) => err,
    );
    expect(refusal).not.toBeNull();
    expect([400, 403]).toContain(refusal.$metadata.httpStatusCode);
    expect(`${refusal.name} ${refusal.message}`).toMatch(/AccessDenied|WORM protected/);
    // and the port reports it as a lock refusal
    await expect(s3.deleteVersion(hit.archive.key, hit.archive.versionId)).rejects.toMatchObject({ code: 'locked' });
    const after = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(after.VersionId).toBe(hit.archive.versionId);
  });

  test('a redelivered webhook yields no second object version and no second document', async () => {
    const marker = `redelivery ${sc.name} bravo`;
    const hook = textWebhook(marker);
    expect((await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret)).status).toBe(200);
    const first = await findByText(marker);
    // Meta retries the same delivery; a later, different message proves the archiver went past the duplicate
    expect((await postWebhook(custody.url, 'acme-wa', hook.body, sc.appSecret)).status).toBe(200);
    const fence = `fence ${sc.name} charlie`;
    expect((await postWebhook(custody.url, 'acme-wa', textWebhook(fence, {}).body, sc.appSecret)).status).toBe(200);
    await findByText(fence);
    await waitFor('archiver lag 0', async () =>
      (await custody.adapters.bus.lag(sc.config.CUSTODY_ARCHIVER_GROUP, [custody.topics.customerData])) === 0 ? true : undefined,
    );

    const versions = await s3.client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: first.hits[0].archive.key }));
    expect(versions.Versions?.length).toBe(1);
    expect(versions.DeleteMarkers ?? []).toHaveLength(0);
    await custody.adapters.index.refresh();
    const again = await apiSearch(custody.url, sc.keys.compliance.token, { text: marker });
    expect(again.body.total).toBe(1);
    expect(again.body.hits[0].archive.versionId).toBe(first.hits[0].archive.versionId);
  });

  test('a bad signature and a malformed body are rejected and quarantined; a valid message between them is archived', async () => {
    const badSig = textWebhook(`forged ${sc.name}`);
    const r1 = await postWebhook(custody.url, 'acme-wa', badSig.body, 'not-the-app-secret');
    expect(r1.status).toBe(401);
    expect((await r1.json()).error.code).toBe('signature_invalid');

    const goodMarker = `between ${sc.name} delta`;
    const r2 = await postWebhook(custody.url, 'acme-wa', textWebhook(goodMarker).body, sc.appSecret);
    expect(r2.status).toBe(200);

    const malformed = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp"';
    const r3 = await postWebhook(custody.url, 'acme-wa', malformed, sc.appSecret);
    expect(r3.status).toBe(400);
    expect((await r3.json()).error.code).toBe('malformed_json');

    const schemaBad = JSON.stringify(
      whatsappDelivery(
        {
          metadata: { display_phone_number: '15550783881', phone_number_id: '1' },
          messages: [{ from: '16505551234', id: 'wamid.x', timestamp: 'yesterday', type: 'text', text: { body: 'x' } }],
        },
        '1',
      ),
    );
    const r4 = await postWebhook(custody.url, 'acme-wa', schemaBad, sc.appSecret);
    expect(r4.status).toBe(400);
    expect((await r4.json()).error.message).toContain('messages.0.timestamp');

    const found = await findByText(goodMarker);
    expect(found.total).toBe(1);

    const quarantined = await readTopic(custody.topics.quarantine, 3);
    expect(quarantined.map((q) => q.headers.code)).toEqual(['signature_invalid', 'malformed_json', 'schema_violation']);
    expect(quarantined[0].value).toBe(badSig.body);
    expect(quarantined[1].value).toBe(malformed);
    expect(quarantined[1].headers).toMatchObject({ stage: 'normalize', connector: 'whatsapp-cloud', tenant: 'acme', instance: 'acme-wa' });
    expect(quarantined[0].headers.stage).toBe('verify');
  });

  test("the API refuses missing keys and never shows one tenant another tenant's records", async () => {
    const marker = `isolation ${sc.name} echo`;
    expect((await postWebhook(custody.url, 'acme-wa', textWebhook(marker).body, sc.appSecret)).status).toBe(200);
    const found = await findByText(marker);

    const anon = await fetch(`${custody.url}/v1/search`, { method: 'POST', body: '{}' });
    expect(anon.status).toBe(401);
    const otherTenant = await apiSearch(custody.url, sc.keys.other.token, { text: marker });
    expect(otherTenant.status).toBe(200);
    expect(otherTenant.body.total).toBe(0);
    const otherGet = await fetch(`${custody.url}/v1/records/${found.hits[0].id}`, { headers: { authorization: `Bearer ${sc.keys.other.token}` } });
    expect(otherGet.status).toBe(404);
    const adminSearch = await apiSearch(custody.url, sc.keys.admin.token, { text: marker });
    expect(adminSearch.status).toBe(403);

    const audit = await readTopic(custody.topics.audit, 1, (m) => m.headers.tenant === 'globex');
    expect(JSON.parse(audit[0].value)).toMatchObject({ tenant: 'globex', action: 'records.search', outcome: 'ok' });
  });

  async function readTopic(topic: string, count: number, filter: (m: { headers: Record<string, string> }) => boolean = () => true) {
    const kafka = new Kafka({ brokers: sc.config.KAFKA_BROKERS!, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${sc.name}-${Math.random()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const out: Array<{ value: string; headers: Record<string, string>; offset: number; partition: number }> = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        if (filter({ headers })) out.push({ value: message.value!.toString('utf8'), headers, offset: Number(message.offset), partition });
      },
    });
    try {
      await waitFor(`${count} records on ${topic}`, async () => (out.length >= count ? true : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    // one key per connector+tenant keeps quarantine records of an instance in one partition, in order
    return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }
});
