import { CreateBucketCommand, DeleteObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { S3ArchiveStore, checkpointKey, recordKey } from '@custody/archive-store';
import { createLogger } from '@custody/logger';
import { requireStackEnv, testEnvelope, uniqueName } from '@custody/testing';
import { publicKeyFromBase64, signCheckpoint, signingKeyFromSeed } from './checkpoint';
import type { LogLeaf } from './leaf';
import { verifyTenant } from './verify';
import { RecordLogWriter } from './writer';

/**
 * The record log and its verification on real S3 (MinIO), in a bucket created without Object Lock
 * for this test: the one place an object can be deleted, to prove verification names it missing.
 * Custody itself never writes to such a bucket (the WORM conformance probe refuses it), so the lock
 * headers it sends are dropped on the way out here.
 */
describe('record log on S3 without a lock: what an insider deletes or forges is named', () => {
  const env = requireStackEnv();
  const store = new S3ArchiveStore({
    bucket: `custody-${uniqueName()}`,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
  store.client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      for (const h of Object.keys(headers)) if (h.startsWith('x-amz-object-lock')) delete headers[h];
      return next(args);
    },
    { step: 'build', name: 'dropObjectLockHeaders' },
  );
  const key = signingKeyFromSeed(randomBytes(32));
  const trusted = [publicKeyFromBase64(key.publicKeyBase64)];
  const logger = createLogger('test', { level: 'silent' });
  const tenant = 'acme';
  const keys: string[] = [];

  beforeAll(async () => {
    await store.client.send(new CreateBucketCommand({ Bucket: store.bucket }));
    await store.client.send(new PutBucketVersioningCommand({ Bucket: store.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const writer = new RecordLogWriter({ store, signingKey: key, logger });
    const leaves: LogLeaf[] = [];
    for (let i = 0; i < 6; i++) {
      const envelope = testEnvelope(`wamid.${i}`, { tenant, content: { text: `message ${i}` } });
      const k = recordKey(tenant, envelope.id);
      // the bucket keeps no lock, so the log records none (the epoch): the retention check has nothing to compare
      const retainUntil = new Date(0);
      const put = await store.put({ key: k, body: Buffer.from(JSON.stringify(envelope)), contentType: 'application/json', retainUntil, legalHold: false });
      keys.push(k);
      leaves.push({
        kind: 'record',
        id: envelope.id,
        key: k,
        versionId: put.versionId,
        sha256: put.sha256,
        envelopeSha256: envelope.integrity.sha256,
        channel: envelope.channel,
        type: envelope.kind,
        retainUntil: retainUntil.toISOString(),
      });
    }
    await writer.append(tenant, leaves);
    expect(await writer.checkpoint(tenant)).toBe(6);
  });
  afterAll(() => store.client.destroy());

  test('intact, it verifies; then a deleted record is missing and a checkpoint signed by another key is named', async () => {
    const intact = await verifyTenant(store, { tenant, trusted });
    expect(intact.problems).toEqual([]);
    expect(intact).toMatchObject({ ok: true, counts: { stored: 6, rehashed: 6 }, log: { size: 6, checkpoints: 1 } });

    const gone = (await store.head(keys[2]))!;
    await store.client.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: keys[2], VersionId: gone.versionId }));
    const forger = signingKeyFromSeed(randomBytes(32));
    const forged = signCheckpoint(
      { tenant, size: 7, root: '00'.repeat(32), previous: null, time: new Date().toISOString(), retainUntil: new Date().toISOString(), counts: {} },
      forger,
    );
    await store.put({
      key: checkpointKey(tenant, 7),
      body: Buffer.from(JSON.stringify(forged)),
      contentType: 'application/json',
      retainUntil: new Date(),
      legalHold: false,
    });

    const report = await verifyTenant(store, { tenant, trusted });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing', key: keys[2], versionId: gone.versionId }),
        expect.objectContaining({ kind: 'checkpoint_signature', key: checkpointKey(tenant, 7) }),
        expect.objectContaining({ kind: 'checkpoint_beyond_log', key: checkpointKey(tenant, 7) }),
      ]),
    );
  });
});
