import { createHash, randomBytes } from 'node:crypto';
import { LockedError, errorMessage, isRetriable } from '@custody/errors';
import { canaryKey } from './layout';
import type { ArchiveStore } from './port';
import { S3ArchiveStore } from './s3/s3-archive-store';
import { unguardedWrites } from './s3/unguarded-writes';

/**
 * The WORM conformance probe. S3-compatible servers have been reported to accept the Object Lock
 * headers and still delete (SeaweedFS issue 11333), so Custody trusts no store it has not seen
 * refuse: it writes canaries with a short COMPLIANCE lock and tries to delete one, to overwrite one
 * and to shorten the lock of one. Each check has a canary of its own, so one failure can neither
 * hide nor cause another.
 */

export interface ConformanceFailure {
  /** `lock_accepted`, `delete_refused`, `overwrite_refused` or `retention_not_shortened`. */
  check: string;
  detail: string;
}

export interface ConformanceResult {
  /** The store as the caller named it (bucket and endpoint, or directory; never credentials). */
  store: string;
  ok: boolean;
  /** When the probe started, ISO 8601 UTC. */
  at: string;
  failures: ConformanceFailure[];
}

export interface ConformanceOptions {
  storeName: string;
  now?: () => Date;
  /** How long each canary stays locked: short, so canaries cost little; long enough to outlast the probe. */
  lockSeconds?: number;
}

const DAY_SECONDS = 24 * 60 * 60;
const MIN_LOCK_SECONDS = 60;

/** The store answered in a way a WORM store must not. */
class Nonconforming extends Error {
  constructor(
    readonly check: string,
    detail: string,
  ) {
    super(detail);
  }
}

interface Canary {
  key: string;
  versionId: string;
  sha256: string;
  retainUntil: Date;
}

interface Probe {
  store: ArchiveStore;
  side: StoreSide;
  /** Earlier than the canaries' retain-until and still in the future. */
  shortened: Date;
}

/**
 * Resolves with what the store did wrong, if anything. Rejects only when the store cannot be reached
 * (a retriable error, as the store raised it): an outage says nothing about conformance.
 */
export async function probeWormConformance(store: ArchiveStore, opts: ConformanceOptions): Promise<ConformanceResult> {
  const lockSeconds = opts.lockSeconds ?? DAY_SECONDS;
  if (!(lockSeconds >= MIN_LOCK_SECONDS)) throw new RangeError(`lockSeconds must be at least ${MIN_LOCK_SECONDS}: a lock must outlast the probe`);
  const at = (opts.now ?? (() => new Date()))();
  // whole seconds: S3 keeps retain-until to the second, and the lock check compares what the store reports
  const retainUntil = new Date(Math.ceil(at.getTime() / 1000 + lockSeconds) * 1000);
  const probe: Probe = { store, side: storeSide(store), shortened: new Date(retainUntil.getTime() - Math.floor(lockSeconds / 2) * 1000) };
  const run = randomBytes(8).toString('hex');
  const failures: ConformanceFailure[] = [];
  for (const [check, verify] of CHECKS) {
    try {
      const canary = await writeCanary(store, canaryKey(at.toISOString(), `${run}-${check}`), retainUntil);
      await verify(probe, canary);
    } catch (err) {
      if (isRetriable(err)) throw err;
      const failure = err instanceof Nonconforming ? { check: err.check, detail: err.message } : { check, detail: `unexpected error: ${errorMessage(err)}` };
      failures.push(failure);
      // without a locked canary there is nothing more to try
      if (failure.check === 'lock_accepted') break;
    }
  }
  return { store: opts.storeName, ok: failures.length === 0, at: at.toISOString(), failures };
}

/**
 * Where a check reaches the store itself. For S3 that is past our adapter (unguarded-writes.ts);
 * the local directory adapter is the store, so its port is where the rules are enforced.
 */
interface StoreSide {
  overwrite?(key: string, body: Buffer): Promise<void>;
  setRetention(key: string, versionId: string, until: Date): Promise<void>;
}

function storeSide(store: ArchiveStore): StoreSide {
  if (store instanceof S3ArchiveStore) return unguardedWrites(store);
  return { setRetention: (key, versionId, until) => store.extendRetention(key, versionId, until) };
}

const CHECKS: Array<[string, (p: Probe, c: Canary) => Promise<void>]> = [
  ['delete_refused', deleteRefused],
  ['overwrite_refused', overwriteRefused],
  ['retention_not_shortened', retentionNotShortened],
];

async function writeCanary(store: ArchiveStore, key: string, retainUntil: Date): Promise<Canary> {
  const body = Buffer.from(`custody WORM conformance canary ${key}\n`);
  try {
    const put = await store.put({ key, body, contentType: 'text/plain', retainUntil, legalHold: false });
    const info = await store.head(key, put.versionId);
    // a store that takes the headers and ignores them reports no lock, or a shorter one
    if (info?.retentionMode !== 'COMPLIANCE' || !info.retainUntil || info.retainUntil < retainUntil) {
      const reported = info ? `${info.retentionMode ?? 'no lock'}${info.retainUntil ? ` until ${info.retainUntil.toISOString()}` : ''}` : 'no such version';
      throw new Nonconforming('lock_accepted', `wrote ${key} locked COMPLIANCE until ${retainUntil.toISOString()}; the store reports ${reported}`);
    }
    return { key, versionId: put.versionId, sha256: sha256Hex(body), retainUntil };
  } catch (err) {
    if (isRetriable(err) || err instanceof Nonconforming) throw err;
    throw new Nonconforming('lock_accepted', `the store refused a write locked COMPLIANCE until ${retainUntil.toISOString()}: ${errorMessage(err)}`);
  }
}

/**
 * Deleting the locked version must be refused as locked, and the version must still be there. The
 * port's delete is enough here: the S3 adapter sends it as it is, with no lock check of its own.
 */
async function deleteRefused({ store }: Probe, c: Canary): Promise<void> {
  const refusal = await refusalOf(store.deleteVersion(c.key, c.versionId));
  if (!refusal)
    throw new Nonconforming('delete_refused', `the store accepted deleting ${c.key} version ${c.versionId}, locked until ${c.retainUntil.toISOString()}`);
  mustBeLocked('delete_refused', 'deleting', refusal);
  const info = await store.head(c.key, c.versionId);
  if (!info) throw new Nonconforming('delete_refused', `the store refused deleting ${c.key} version ${c.versionId}, yet the version is gone`);
  if (info.sha256 !== c.sha256) throw new Nonconforming('delete_refused', `${c.key} version ${c.versionId} reports SHA-256 ${info.sha256}, not ${c.sha256}`);
}

/**
 * Writes to the key must leave the locked version's bytes as they were: the port's write-once put
 * (If-None-Match: the store must refuse) and, where the port is not the store, a plain write (which
 * S3 versioning may keep as a newer version, but never in place of the locked one).
 */
async function overwriteRefused({ store, side }: Probe, c: Canary): Promise<void> {
  const other = Buffer.from(`custody WORM conformance overwrite ${c.key}\n`);
  const second = await store.put({ key: c.key, body: other, contentType: 'text/plain', retainUntil: c.retainUntil, legalHold: false });
  if (second.created || second.versionId !== c.versionId) {
    throw new Nonconforming('overwrite_refused', `a write-once put to ${c.key} was stored as version ${second.versionId}: the store ignores If-None-Match`);
  }
  if (side.overwrite) {
    const refusal = await refusalOf(side.overwrite(c.key, other));
    // refusing the plain write outright is stricter than S3 and fine; an outage is not an answer
    if (isRetriable(refusal)) throw refusal;
  }
  const read = await store.get(c.key, c.versionId).catch((err: unknown) => {
    if (isRetriable(err)) throw err;
    throw new Nonconforming('overwrite_refused', `after a write to ${c.key}, version ${c.versionId} cannot be read: ${errorMessage(err)}`);
  });
  const sha256 = sha256Hex(read.body);
  if (sha256 !== c.sha256)
    throw new Nonconforming('overwrite_refused', `after a write to ${c.key}, version ${c.versionId} holds SHA-256 ${sha256}, not ${c.sha256}`);
}

/** Moving retain-until earlier must be refused as locked, and the store must still report the original. */
async function retentionNotShortened({ store, side, shortened }: Probe, c: Canary): Promise<void> {
  const refusal = await refusalOf(side.setRetention(c.key, c.versionId, shortened));
  if (!refusal) {
    throw new Nonconforming(
      'retention_not_shortened',
      `the store accepted moving retain-until of ${c.key} version ${c.versionId} from ${c.retainUntil.toISOString()} to ${shortened.toISOString()}`,
    );
  }
  mustBeLocked('retention_not_shortened', 'shortening retention', refusal);
  const info = await store.head(c.key, c.versionId);
  if (!info?.retainUntil || info.retainUntil < c.retainUntil) {
    throw new Nonconforming(
      'retention_not_shortened',
      `the store refused shortening retention of ${c.key} version ${c.versionId}, yet reports retain-until ${info?.retainUntil?.toISOString() ?? 'none'}`,
    );
  }
}

/** The error `p` rejects with, or undefined when it resolves. */
function refusalOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err ?? new Error('rejected without a reason'),
  );
}

/** An outage propagates as it is; any refusal other than "locked" is the store failing the check. */
function mustBeLocked(check: string, what: string, refusal: unknown): void {
  if (isRetriable(refusal)) throw refusal;
  if (!(refusal instanceof LockedError)) throw new Nonconforming(check, `${what} failed, but not as locked: ${errorMessage(refusal)}`);
}

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
