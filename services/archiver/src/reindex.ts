import { createHash } from 'node:crypto';
import { parseKey, tenantPrefix, type ArchiveStore } from '@custody/archive-store';
import { listLeafBatches, readLeafBatch } from '@custody/record-log';
import { deadLetter, ok, type StepResult } from '@custody/bus';
import { CustodyError, errorMessage, mapLimit } from '@custody/errors';
import { parseEnvelope } from '@custody/envelope';
import type { Logger } from '@custody/logger';
import type { LockPolicy } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { indexStep, type Archived } from './steps';

export interface ReindexDeps {
  store: ArchiveStore;
  index: SearchIndex;
  policy: LockPolicy;
  logger: Logger;
}

export interface ReindexReport {
  tenant: string;
  /** Record objects found in the archive (newest version of each key). */
  records: number;
  indexed: number;
  /** Records that could not be indexed: read failed verification, or the index refused the document. */
  failed: Array<{ key: string; reason: string }>;
  ms: number;
}

const BATCH = 500;
const READS_IN_FLIGHT = 8;
/** Failures listed in the report; past this only counted (a damaged store should not flood the output). */
const FAILURES_LISTED = 1000;
const PROGRESS_EVERY_MS = 10_000;

/**
 * Rebuilds a tenant's index entries from the WORM store, the record of truth: every archived record
 * is read back, its bytes and integrity hash re-checked, and indexed the way the archiver indexes it
 * at capture (current directory resolution, the holds that cover it now, revision links). Upserts
 * only, so running it again, or over an index that already holds some of the records, is safe; an
 * entry whose record is gone from the archive is left alone (disposition removes both).
 * The reason it exists: the index is a projection, and a projection lost, damaged, or written by an
 * older version of the mapping can always be rebuilt from what the archive holds.
 */
export async function reindexTenant(deps: ReindexDeps, tenant: string, onProgress?: (report: ReindexReport) => void): Promise<ReindexReport> {
  const started = Date.now();
  const report: ReindexReport = { tenant, records: 0, indexed: 0, failed: [], ms: 0 };
  let failedCount = 0;
  let lastProgress = started;
  const flush = async (batch: Array<{ key: string; versionId: string }>) => {
    const read = await mapLimit(batch, READS_IN_FLIGHT, (ref) => readRecord(deps, tenant, ref));
    const results = await indexStep(deps.index, read);
    // where each record sits in the record log comes back too: its proof starts there
    const sequences = new Map(
      results.flatMap((r) => {
        const sequence = r.status === 'ok' && r.value ? logged.get(r.value.archive.key)?.sequence : undefined;
        return r.status === 'ok' && r.value && sequence !== undefined ? [[r.value.envelope.id, sequence] as const] : [];
      }),
    );
    if (sequences.size) await deps.index.setLogSequences(tenant, sequences);
    for (const [i, r] of results.entries()) {
      if (r.status === 'ok') report.indexed++;
      else if (r.status === 'retry') throw r.error;
      else if (failedCount++ < FAILURES_LISTED) report.failed.push({ key: batch[i].key, reason: r.reason });
    }
    report.records += batch.length;
    if (onProgress && Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      onProgress({ ...report, ms: Date.now() - started });
    }
  };
  // the version of each record is the one its record log names, never "the newest" (a version forged
  // beside it is not indexed); a record archived before the log existed keeps its only version
  const logged = await loggedVersions(deps.store, tenant);
  let batch: Array<{ key: string; versionId: string }> = [];
  for await (const v of deps.store.list(`${tenantPrefix(tenant)}records/`)) {
    if (v.deleteMarker || parseKey(v.key)?.kind !== 'record') continue;
    const named = logged.get(v.key);
    if (named ? named.versionId !== v.versionId : !v.isLatest) {
      if (named && failedCount++ < FAILURES_LISTED)
        report.failed.push({ key: v.key, reason: `version ${v.versionId} is not the one the record log names (${named.versionId})` });
      continue;
    }
    batch.push({ key: v.key, versionId: v.versionId });
    if (batch.length >= BATCH) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  await deps.index.refresh();
  report.ms = Date.now() - started;
  if (failedCount > report.failed.length) deps.logger.warn({ event: 'reindex_failures_truncated', tenant, failed: failedCount, listed: report.failed.length });
  return report;
}

/** One archived record, verified, with the lock the archiver would give it now; a bad record is reported alone. */
async function readRecord(deps: ReindexDeps, tenant: string, ref: { key: string; versionId: string }): Promise<StepResult<Archived>> {
  try {
    const { info, body } = await deps.store.get(ref.key, ref.versionId);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== info.sha256) return deadLetter('reindex', `${ref.key} reads back with SHA-256 ${actual}, stored as ${info.sha256}`);
    const envelope = parseEnvelope(body);
    if (envelope.tenant !== tenant) return deadLetter('reindex', `${ref.key} holds a record of tenant ${envelope.tenant}`);
    const lock = await deps.policy.lockFor(envelope);
    return ok({
      envelope,
      archive: { key: ref.key, versionId: ref.versionId, sha256: info.sha256 },
      lock,
      created: false,
      retainUntil: info.retainUntil ?? lock.retainUntil,
    });
  } catch (err) {
    // a record that fails its checks is reported and skipped; an outage stops the run (it can simply be run again)
    if (err instanceof CustodyError && !err.retriable) return deadLetter('reindex', errorMessage(err));
    throw err;
  }
}

/**
 * The version and position the record log names for each record key of the tenant. A version logged
 * twice (a batch redelivered after a crash) keeps the position of its latest leaf, as the log writer
 * leaves it in the index when it appends the repeat: either leaf proves the same version.
 */
async function loggedVersions(store: ArchiveStore, tenant: string): Promise<Map<string, { versionId: string; sequence: number }>> {
  const out = new Map<string, { versionId: string; sequence: number }>();
  for (const b of await listLeafBatches(store, tenant)) {
    for (const leaf of (await readLeafBatch(store, tenant, b.key, b.versionId)).leaves) {
      if (leaf.kind === 'record') out.set(leaf.key, { versionId: leaf.versionId, sequence: leaf.sequence });
    }
  }
  return out;
}
