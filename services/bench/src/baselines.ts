import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import type { Bus } from '@custody/bus';
import type { OpenSearchIndex } from '@custody/search-index';
import { mapLimit } from '@custody/errors';

/** Each baseline does the same unit of work as one pipeline stage, straight at the server, with no Custody code in between. */

export async function kafkaProduceRate(bus: Bus, topic: string, n: number, payload: string): Promise<number> {
  const batch = 100;
  const started = performance.now();
  for (let i = 0; i < n; i += batch) {
    await bus.publish(
      topic,
      Array.from({ length: Math.min(batch, n - i) }, (_, j) => ({ key: `k${(i + j) % 64}`, value: payload })),
    );
  }
  return n / ((performance.now() - started) / 1000);
}

export async function s3PutRate(store: S3ArchiveStore, n: number, payload: Buffer, concurrency: number): Promise<number> {
  const sha = createHash('sha256').update(payload).digest('base64');
  const prefix = randomBytes(4).toString('hex');
  const retainUntil = new Date(Date.now() + 86_400_000);
  const started = performance.now();
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    concurrency,
    async (i) => {
      await store.client.send(
        new PutObjectCommand({
          Bucket: store.bucket,
          Key: `baseline/${prefix}/${i}.json`,
          Body: payload,
          ContentType: 'application/json',
          ChecksumSHA256: sha,
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: retainUntil,
          ObjectLockLegalHoldStatus: 'OFF',
          IfNoneMatch: '*',
        }),
      );
    },
  );
  return n / ((performance.now() - started) / 1000);
}

export async function openSearchBulkRate(index: OpenSearchIndex, n: number, doc: Record<string, unknown>): Promise<number> {
  const batch = 100;
  const prefix = randomBytes(4).toString('hex');
  const started = performance.now();
  for (let i = 0; i < n; i += batch) {
    const body = Array.from({ length: Math.min(batch, n - i) }, (_, j) => [
      { index: { _index: index.index, _id: `${prefix}-${i + j}` } },
      { ...doc, id: `${prefix}-${i + j}` },
    ]).flat();
    const res = await index.client.bulk({ body });
    if (res.body.errors) throw new Error('baseline bulk reported errors');
  }
  return n / ((performance.now() - started) / 1000);
}
