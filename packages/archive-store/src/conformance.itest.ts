import { CreateBucketCommand, GetObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import { isRetriable } from '@custody/errors';
import { requireStackEnv, uniqueName } from '@custody/testing';
import { probeWormConformance } from './conformance';
import { S3ArchiveStore } from './s3/s3-archive-store';

// Canaries stay locked for a day, so the buckets are left behind (as the contract test's are).
describe('probeWormConformance on a real S3 store (MinIO)', () => {
  const stores: S3ArchiveStore[] = [];
  const s3 = (bucket: string, endpoint?: string) => {
    const env = requireStackEnv();
    const store = new S3ArchiveStore({
      bucket,
      endpoint: endpoint ?? env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: true,
    });
    stores.push(store);
    return store;
  };
  afterAll(() => stores.forEach((s) => s.client.destroy()));

  test('a bucket with Object Lock conforms', async () => {
    const store = s3(`custody-${uniqueName()}`);
    await store.ensureReady();
    const result = await probeWormConformance(store, { storeName: store.bucket });
    expect(result).toMatchObject({ store: store.bucket, ok: true, failures: [] });
  });

  test('a bucket without Object Lock does not: the locked write is refused, reported as lock_accepted', async () => {
    const store = s3(`custody-${uniqueName()}`);
    // created as an operator might by hand, not by ensureReady (which enables the lock)
    await store.client.send(new CreateBucketCommand({ Bucket: store.bucket }));
    await expect(store.client.send(new GetObjectLockConfigurationCommand({ Bucket: store.bucket }))).rejects.toThrow();
    const result = await probeWormConformance(store, { storeName: store.bucket });
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([{ check: 'lock_accepted', detail: expect.stringMatching(/refused a write locked COMPLIANCE/) }]);
  });

  test('an unreachable store is an outage (retriable), not a verdict', async () => {
    // port 1 refuses connections on 127.0.0.1
    const err = await probeWormConformance(s3('custody-unreachable', 'http://127.0.0.1:1'), { storeName: 'nowhere' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRetriable(err)).toBe(true);
  });
});
