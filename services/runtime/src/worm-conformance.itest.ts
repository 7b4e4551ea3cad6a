import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ArchiveStore } from '@custody/archive-store';
import { silentLogger } from '@custody/logger';
import { stackConfig } from '@custody/testing/stack';
import { startCustody } from './custody';
import { NonConformingStoreError } from './worm-conformance';

test('stack mode refuses to run on a bucket without Object Lock, naming the bucket and the failed check', async () => {
  const { config } = stackConfig({ CUSTODY_SERVICES: 'archiver' });
  const store = new S3ArchiveStore({
    bucket: config.S3_BUCKET,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
  // made before Custody starts, as an operator might by hand: ensureReady finds it and does not add the lock
  await store.client.send(new CreateBucketCommand({ Bucket: config.S3_BUCKET }));
  store.client.destroy();
  const err = await startCustody(config, silentLogger()).then(
    (custody) => custody.stop().then(() => undefined),
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(NonConformingStoreError);
  expect(err!.message).toContain(`bucket ${config.S3_BUCKET} at ${new URL(config.S3_ENDPOINT!).origin} is not WORM`);
  expect(err!.message).toContain('lock_accepted');
  expect(err!.message).not.toContain(config.S3_SECRET_ACCESS_KEY!);
});
