import { createHash } from 'node:crypto';
import { PutObjectCommand, PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { DependencyUnavailableError, LockedError, errorMessage } from '@custody/errors';
import type { S3ArchiveStore } from './s3-archive-store';

/**
 * Writes the S3 adapter never sends, for the WORM conformance probe only: the adapter guards each
 * put with If-None-Match and reads the retention before it extends one, so through the port a store
 * that enforces nothing would still look WORM. These go to the bucket as they are, so what refuses
 * them is the store.
 */
export function unguardedWrites(store: S3ArchiveStore) {
  const send = async (what: string, command: PutObjectCommand | PutObjectRetentionCommand): Promise<void> => {
    try {
      await store.client.send(command);
    } catch (err) {
      throw refusalOrOutage(what, err);
    }
  };
  return {
    /**
     * A plain PutObject of other bytes to the key, without If-None-Match. It carries a checksum
     * because AWS refuses uploads without one into a bucket with default retention.
     */
    overwrite: (key: string, body: Buffer) =>
      send(
        `overwrite ${key}`,
        new PutObjectCommand({
          Bucket: store.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: 'text/plain',
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        }),
      ),
    /** PutObjectRetention with `until`, whether or not it is earlier than the version's. */
    setRetention: (key: string, versionId: string, until: Date) =>
      send(
        `set retention of ${key}`,
        new PutObjectRetentionCommand({ Bucket: store.bucket, Key: key, VersionId: versionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until } }),
      ),
  };
}

/**
 * Any 4xx but 429 is the store saying no (AWS 403 AccessDenied, MinIO 400 InvalidRequest, in words
 * that vary by server), so it counts as a refusal; whether the version really stayed as it was is
 * what the probe reads back. 5xx, 429 and network failures are outages.
 */
function refusalOrOutage(what: string, err: unknown): Error {
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new LockedError(`${what}: refused by the store (${(err as Error).name}: ${errorMessage(err)})`, err);
  }
  return new DependencyUnavailableError('s3', `${what}: ${errorMessage(err)}`, err);
}
