import type { ArchiveStore } from '@custody/archive-store';
import type { BusRecord } from '@custody/bus';
import { CustodyError, errorMessage, isRetriable } from '@custody/errors';
import { parseEnvelope, servedMediaType, type Envelope } from '@custody/envelope';
import type { ArchiveRef } from '@custody/search-index';
import { createHash } from 'node:crypto';
import { rawKey, recordKey, raiseLock } from '@custody/archive-store';
import type { Lock, LockPolicy } from '@custody/policy';

/** What a pipeline step decided. Only the batch handler acts on it. */
export type StepResult<T> =
  | { status: 'ok'; value: T }
  | { status: 'dlq'; step: string; reason: string }
  | { status: 'retry'; step: string; error: unknown };

export const ok = <T>(value: T): StepResult<T> => ({ status: 'ok', value });
const failed = (step: string, err: unknown): StepResult<never> =>
  isRetriable(err) || !(err instanceof CustodyError) ? { status: 'retry', step, error: err } : { status: 'dlq', step, reason: `${err.code}: ${err.message}` };

export function decodeStep(record: BusRecord): StepResult<Envelope> {
  try {
    return ok(parseEnvelope(record.value));
  } catch (err) {
    // Bytes that are not a valid envelope will never become one: dead-letter, whatever the error class.
    return { status: 'dlq', step: 'decode', reason: errorMessage(err) };
  }
}

export interface Archived {
  envelope: Envelope;
  archive: ArchiveRef;
  lock: Lock;
  created: boolean;
}

/**
 * Write-once put. When the key already exists (redelivery, or a retried batch) the stored envelope
 * wins: it is read back so the index describes exactly what the archive holds.
 */
export async function archiveStep(store: ArchiveStore, policy: LockPolicy, envelope: Envelope, bytes: Buffer): Promise<StepResult<Archived>> {
  try {
    const lock = await policy.lockFor(envelope);
    const key = recordKey(envelope.tenant, envelope.id);
    const put = await store.put({
      key,
      body: bytes,
      contentType: 'application/json',
      retainUntil: lock.retainUntil,
      legalHold: lock.holds.length > 0,
      metadata: { 'custody-tenant': envelope.tenant, 'custody-envelope-sha256': envelope.integrity.sha256 },
    });
    const archive = { key, versionId: put.versionId, sha256: put.sha256 };
    if (put.created) return ok({ envelope, archive, lock, created: true });
    const stored = await store.get(key, put.versionId);
    return ok({ envelope: parseEnvelope(stored.body), archive, lock, created: false });
  } catch (err) {
    return failed('archive', err);
  }
}

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A webhook delivery's bytes, written once by content: a redelivery (or the same bytes from another
 * record) finds them stored and only raises their lock when the new one reaches further.
 */
export async function rawStep(store: ArchiveStore, policy: LockPolicy, record: BusRecord): Promise<StepResult<null>> {
  const { tenant, sha256, content_type: contentType, received_at: receivedAt } = record.headers;
  if (!tenant || !TENANT.test(tenant)) return { status: 'dlq', step: 'raw', reason: 'raw delivery without a valid tenant header' };
  const actual = createHash('sha256').update(record.value).digest('hex');
  if (sha256 !== actual) return { status: 'dlq', step: 'raw', reason: `raw delivery hashes to ${actual}, header says ${sha256 ?? 'nothing'}` };
  try {
    const received = receivedAt && !Number.isNaN(Date.parse(receivedAt)) ? new Date(receivedAt) : new Date();
    const lock = await policy.lockForRaw(tenant, received);
    const key = rawKey(tenant, actual);
    const legalHold = lock.holds.length > 0;
    const existing = await store.head(key);
    if (!existing) {
      await store.put({ key, body: record.value, contentType: servedMediaType(contentType), retainUntil: lock.retainUntil, legalHold, metadata: { 'custody-tenant': tenant } });
      return ok(null);
    }
    await raiseLock(store, existing, { retainUntil: lock.retainUntil, legalHold });
    return ok(null);
  } catch (err) {
    return failed('raw', err);
  }
}
