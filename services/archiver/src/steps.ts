import type { ArchiveStore } from '@custody/archive-store';
import { classify, deadLetter, ok, retry, type BusRecord, type StepResult } from '@custody/bus';
import { DependencyUnavailableError, errorMessage } from '@custody/errors';
import { parseEnvelope, servedMediaType, type Envelope } from '@custody/envelope';
import { toIndexDoc, type ArchiveRef, type SearchIndex } from '@custody/search-index';
import { createHash } from 'node:crypto';
import { rawKey, recordKey, raiseLock } from '@custody/archive-store';
import type { Lock, LockPolicy } from '@custody/policy';
import type { LogLeaf } from '@custody/record-log';
import { linkRevisions } from './revisions';

/** The record log's leaf for an archived record version. */
export function recordLeaf(a: Archived): LogLeaf {
  return {
    kind: 'record',
    id: a.envelope.id,
    key: a.archive.key,
    versionId: a.archive.versionId,
    sha256: a.archive.sha256,
    envelopeSha256: a.envelope.integrity.sha256,
    channel: a.envelope.channel,
    type: a.envelope.kind,
    retainUntil: a.retainUntil.toISOString(),
  };
}

/* Each step decides a StepResult per record (the bus's one result model); only the batch handler acts on them. */

export function decodeStep(record: BusRecord): StepResult<Envelope> {
  try {
    return ok(parseEnvelope(record.value));
  } catch (err) {
    // Bytes that are not a valid envelope will never become one: dead-letter, whatever the error class
    // (JSON.parse's SyntaxError here is the data's, not a bug: no cause, so it is not logged as one)
    return deadLetter('decode', errorMessage(err));
  }
}

export interface Archived {
  envelope: Envelope;
  archive: ArchiveRef;
  lock: Lock;
  created: boolean;
  /** The retain-until the stored version was written with (a redelivery finds the first write's). */
  retainUntil: Date;
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
    if (put.created) return ok({ envelope, archive, lock, created: true, retainUntil: lock.retainUntil });
    const stored = await store.get(key, put.versionId);
    return ok({ envelope: parseEnvelope(stored.body), archive, lock, created: false, retainUntil: stored.info.retainUntil ?? lock.retainUntil });
  } catch (err) {
    return classify('archive', err);
  }
}

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A webhook delivery's bytes, written once by content: a redelivery (or the same bytes from another
 * record) finds them stored and only raises their lock when the new one reaches further.
 */
export async function rawStep(store: ArchiveStore, policy: LockPolicy, record: BusRecord): Promise<StepResult<null>> {
  const { tenant, sha256, content_type: contentType, received_at: receivedAt } = record.headers;
  if (!tenant || !TENANT.test(tenant)) return deadLetter('raw', 'raw delivery without a valid tenant header');
  const actual = createHash('sha256').update(record.value).digest('hex');
  if (sha256 !== actual) return deadLetter('raw', `raw delivery hashes to ${actual}, header says ${sha256 ?? 'nothing'}`);
  try {
    const received = receivedAt && !Number.isNaN(Date.parse(receivedAt)) ? new Date(receivedAt) : new Date();
    const lock = await policy.lockForRaw(tenant, received);
    const key = rawKey(tenant, actual);
    const legalHold = lock.holds.length > 0;
    // put first: a delivery is almost always new, and the write-once put refuses an existing key by
    // itself, so a head before every put only doubled the requests (bytes are at most the body limit)
    const put = await store.put({
      key,
      body: record.value,
      contentType: servedMediaType(contentType),
      retainUntil: lock.retainUntil,
      legalHold,
      metadata: { 'custody-tenant': tenant },
    });
    if (put.created) return ok(null);
    const existing = await store.head(key, put.versionId);
    if (!existing) throw new DependencyUnavailableError('archive', `raw delivery ${key} refused as existing, but head found nothing`);
    await raiseLock(store, existing, { retainUntil: lock.retainUntil, legalHold });
    return ok(null);
  } catch (err) {
    return classify('raw', err);
  }
}

/**
 * One bulk request for every record the batch archived, then the revision marks on the originals.
 * A failed request (or failed marks) retries the batch; a per-document failure decides that
 * record alone. `onIndexed` gets what was indexed and how long it took (metrics).
 */
export async function indexStep(
  index: SearchIndex,
  archived: StepResult<Archived | null>[],
  onIndexed?: (envelopes: Envelope[], ms: number) => void,
): Promise<StepResult<Archived | null>[]> {
  const ready = archived.flatMap((r) => (r.status === 'ok' && r.value ? [r.value] : []));
  if (ready.length === 0) return archived;
  const retryAll = (err: unknown) => archived.map((r) => (r.status === 'ok' && r.value ? retry('index', err) : r));
  const started = Date.now();
  let failures;
  try {
    failures = await index.bulkUpsert(ready.map((a) => toIndexDoc({ ...a.envelope, ...a.lock.resolved }, a.archive, a.lock.holds)));
  } catch (err) {
    return retryAll(err);
  }
  const byId = new Map(failures.map((f) => [f.id, f]));
  const indexed = ready.filter((a) => !byId.has(a.envelope.id)).map((a) => a.envelope);
  try {
    await linkRevisions(index, indexed);
  } catch (err) {
    // the marks are a union: running the batch again adds nothing twice
    return retryAll(err);
  }
  onIndexed?.(indexed, Date.now() - started);
  return archived.map((r) => {
    if (r.status !== 'ok' || !r.value) return r;
    const f = byId.get(r.value.envelope.id);
    if (!f) return ok(r.value);
    return f.retriable ? retry('index', new DependencyUnavailableError('opensearch', f.reason)) : deadLetter('index', f.reason);
  });
}
