import { randomUUID } from 'node:crypto';
import { certificateKey, parseKey, tenantPrefix, type ArchiveObject, type ArchiveStore } from '@custody/archive-store';
import type { HoldTable } from '@custody/control';
import { LockedError, NotFoundError, errorMessage } from '@custody/errors';
import { LogReader } from '@custody/record-log';
import type { Logger } from '@custody/logger';
import type { SearchIndex } from '@custody/search-index';

export interface DispositionDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
  logger: Logger;
}

export interface DisposedObject {
  key: string;
  versionId: string;
  sha256: string;
  size: number;
  retainUntil: string | null;
  reason: string;
}

export interface DispositionCertificate {
  schema: 'custody.disposition-certificate/v1';
  runId: string;
  tenant: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  policyVersion: number | null;
  rule: string;
  disposed: DisposedObject[];
  kept: { retained: number; legalHold: number; activeHold: number; refusedByStore: number; refusedByLog: number };
  certificate?: { key: string; versionId: string; sha256: string };
}

/** What proves the archive whole rather than being part of it: kept past any retention. */
const EVIDENCE = new Set<ArchiveObject['kind']>([
  'certificate',
  'log-leaves',
  'log-tile',
  'checkpoint',
  'verification',
  'reconciliation',
  'policy-version',
  'sampling-seed',
  'lookback',
]);

/** Certificates are evidence of disposition and are kept at least this long. */
const CERTIFICATE_YEARS = 10;

/**
 * Deletes exactly the object versions whose retention has passed and that no hold covers, and
 * nothing else: every version is judged on its own lock as the store reports it, records also on
 * the active holds the index lists for them, and the store itself still refuses anything locked.
 * The certificate (what, why, hashes, when, under which settings version) is archived to WORM.
 */
export async function runDisposition(
  deps: DispositionDeps,
  opts: { tenant: string; dryRun: boolean; policyVersion: number | null; now?: Date },
): Promise<DispositionCertificate> {
  const now = opts.now ?? new Date();
  const cert: DispositionCertificate = {
    schema: 'custody.disposition-certificate/v1',
    runId: `disp-${now.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
    tenant: opts.tenant,
    dryRun: opts.dryRun,
    startedAt: now.toISOString(),
    finishedAt: '',
    policyVersion: opts.policyVersion,
    rule: 'retain-until passed, S3 legal hold off, no active legal hold on the record',
    disposed: [],
    kept: { retained: 0, legalHold: 0, activeHold: 0, refusedByStore: 0, refusedByLog: 0 },
  };
  const active = new Set(
    deps.holds
      .values()
      .filter((h) => h.tenant === opts.tenant && h.status === 'active')
      .map((h) => h.id),
  );
  const logger = deps.logger.child({ tenant: opts.tenant, run: cert.runId });
  const log = new LogReader(deps.store, opts.tenant);
  const disposedRecords: string[] = [];
  for await (const v of deps.store.list(tenantPrefix(opts.tenant))) {
    // what the key names decides: evidence (certificates, the record log, verification reports) is
    // never disposed of, records are checked against holds
    const object = parseKey(v.key);
    if (v.deleteMarker || (object && EVIDENCE.has(object.kind))) continue;
    const info = await deps.store.head(v.key, v.versionId);
    if (!info) continue;
    if (info.legalHold) {
      cert.kept.legalHold++;
      continue;
    }
    if (!info.retainUntil || info.retainUntil > now) {
      cert.kept.retained++;
      continue;
    }
    const recordId = object?.kind === 'record' ? object.id : undefined;
    if (recordId) {
      const doc = await deps.index.get(opts.tenant, recordId);
      if (doc?.holds.some((h) => active.has(h))) {
        cert.kept.activeHold++;
        continue;
      }
      // the lock as stored must be the one the record log recorded when the record was written (or
      // later): a retain-until moved back behind the store's back never makes a record disposable
      const refusal = await refusedByLog(log, doc?.logSequence, v, info.retainUntil);
      if (refusal) {
        cert.kept.refusedByLog++;
        logger.warn({ event: 'disposition_refused_by_log', key: v.key, version: v.versionId, reason: refusal });
        continue;
      }
    }
    if (!opts.dryRun) {
      try {
        await deps.store.deleteVersion(v.key, v.versionId);
      } catch (err) {
        if (!(err instanceof LockedError)) throw err;
        cert.kept.refusedByStore++;
        logger.warn({ event: 'disposition_refused', key: v.key, version: v.versionId, err: errorMessage(err) });
        continue;
      }
    }
    if (recordId) disposedRecords.push(recordId);
    cert.disposed.push({
      key: v.key,
      versionId: v.versionId,
      sha256: info.sha256,
      size: info.size,
      retainUntil: info.retainUntil?.toISOString() ?? null,
      reason: `retention ended ${info.retainUntil.toISOString()}`,
    });
  }
  if (!opts.dryRun && disposedRecords.length) await deps.index.delete(opts.tenant, disposedRecords);
  cert.finishedAt = new Date().toISOString();
  if (!opts.dryRun) {
    const key = certificateKey(opts.tenant, cert.runId);
    const retainUntil = new Date(now.getTime() + CERTIFICATE_YEARS * 365.25 * 86_400_000);
    const put = await deps.store.put({ key, body: Buffer.from(JSON.stringify(cert, null, 2)), contentType: 'application/json', retainUntil, legalHold: false });
    cert.certificate = { key, versionId: put.versionId, sha256: put.sha256 };
  }
  logger.info({ event: 'disposition_finished', dry_run: opts.dryRun, disposed: cert.disposed.length, ...cert.kept });
  return cert;
}

/** Why the record log forbids deleting this version, or undefined when it agrees. */
async function refusedByLog(log: LogReader, sequence: number | undefined, v: { key: string; versionId: string }, stored: Date): Promise<string | undefined> {
  if (sequence === undefined) return 'not in the record log: nothing to check its retention against';
  let leaf;
  try {
    leaf = await log.leafAt(sequence);
  } catch (err) {
    if (err instanceof NotFoundError) return `the index points at leaf ${sequence}, which the record log does not hold`;
    throw err;
  }
  if (leaf.key !== v.key || leaf.versionId !== v.versionId) return `the record log names ${leaf.key} version ${leaf.versionId}`;
  if (stored.getTime() < Date.parse(leaf.retainUntil))
    return `retained until ${stored.toISOString()} in the store, the record log recorded ${leaf.retainUntil}`;
  return undefined;
}
