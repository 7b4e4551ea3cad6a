import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mintApiKey } from '@custody/api';
import { S3ArchiveStore } from '@custody/archive-store';
import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { stackConfig } from '@custody/testing/stack';
import { requireStackEnv } from '@custody/testing/stack-env';
import { verificationSuite } from '@custody/testing/verification';

/**
 * The verifiable archive on the real stack: Kafka, MinIO with Object Lock, OpenSearch. A locked
 * version cannot be rewritten or deleted, so the insider here writes new versions beside the
 * originals with every hash recomputed (deletion is covered in record-log-s3.itest.ts, in a bucket
 * without lock).
 */
verificationSuite('stack', async () => {
  const globexSecret = `secret-${randomBytes(8).toString('hex')}`;
  const globexKey = mintApiKey('globex', 'compliance');
  const sc = stackConfig({ CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '1', CUSTODY_DATA_DIR: mkdtempSync(join(tmpdir(), 'custody-verify-stack-')) }, [
    { id: 'globex-wa', connector: 'whatsapp-cloud', tenant: 'globex', config: { appSecret: globexSecret, verifyToken: 'verify-globex' } },
  ]);
  const config = { ...sc.config, CUSTODY_API_KEYS: [...sc.config.CUSTODY_API_KEYS, globexKey.record] };
  const custody = await startCustody(config, testLogger());
  const env = requireStackEnv();
  const store = new S3ArchiveStore({
    bucket: config.S3_BUCKET,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
  /** A new version of `key` with the changed bytes and the checksums the store keeps recomputed to fit. */
  const forge = async (key: string, change: (body: Buffer) => Buffer) => {
    const body = change((await store.get(key)).body);
    const sha256 = createHash('sha256').update(body);
    await store.client.send(
      new PutObjectCommand({
        Bucket: store.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ChecksumSHA256: sha256.copy().digest('base64'),
        Metadata: { 'custody-sha256': sha256.digest('hex') },
      }),
    );
  };
  let stopped = false;
  return {
    url: custody.url,
    tokens: { admin: sc.keys.admin.token, compliance: sc.keys.compliance.token, auditor: sc.keys.auditor.token, globex: globexKey.token },
    whatsapp: { acme: { instance: 'acme-wa', secret: sc.appSecret }, globex: { instance: 'globex-wa', secret: globexSecret } },
    store,
    rewrite: async (key, change) => {
      await forge(key, change);
      return 'extra_version';
    },
    addVersion: forge,
    cliEnv: {
      ...env,
      CUSTODY_TOPIC_SUFFIX: sc.name,
      S3_BUCKET: config.S3_BUCKET,
      OPENSEARCH_INDEX_PREFIX: config.OPENSEARCH_INDEX_PREFIX,
      CUSTODY_LOG_SIGNING_KEY: config.CUSTODY_LOG_SIGNING_KEY!.toString('base64'),
    },
    cliNeedsStop: false,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await custody.stop();
      store.client.destroy();
    },
  };
});
