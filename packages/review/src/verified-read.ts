import { parseEnvelope, sha256Hex, type Envelope } from '@custody/envelope';
import { CustodyError, IntegrityError } from '@custody/errors';
import type { RecordVersions } from './record-versions';

/** A record as the WORM store holds it, both hashes re-checked. */
export interface VerifiedRecord {
  envelope: Envelope;
  archive: {
    key: string;
    versionId?: string;
    sha256: string;
    size: number;
    retentionMode: string | null;
    retainUntil: string | null;
    legalHold: boolean;
  };
  /** `recordLog`: the bytes hash to what the tenant's record log recorded (`pending` until the writer appends it). */
  verification: { objectSha256: 'match'; envelopeIntegrity: 'match'; recordLog: 'match' | 'pending'; logSequence?: number };
}

/**
 * Reads the tenant's record `id` from the archive store at the version its record log names (see
 * RecordVersions), never the index's copy: the object's bytes are hashed against what the store and
 * the log recorded, and parsing re-checks the envelope's integrity hash. A record of another tenant
 * is not found under this tenant, so it is the same 404.
 */
export async function readVerified(versions: RecordVersions, id: string): Promise<VerifiedRecord> {
  return (await readVerifiedBytes(versions, id)).record;
}

/** readVerified, with the object's bytes as archived (what a native production copies byte for byte). */
export async function readVerifiedBytes(versions: RecordVersions, id: string): Promise<{ record: VerifiedRecord; bytes: Buffer }> {
  const tenant = versions.tenant;
  const at = await versions.locate(id);
  let stored;
  try {
    stored = await versions.store.get(at.key, at.versionId);
  } catch (err) {
    if (err instanceof CustodyError && err.code === 'not_found')
      throw new IntegrityError(`record ${id}: version ${at.versionId} is gone from the archive store`);
    throw err;
  }
  const actual = sha256Hex(stored.body);
  if (stored.info.sha256 && actual !== stored.info.sha256) {
    throw new IntegrityError(`record ${id}: archived bytes hash to ${actual}, store recorded ${stored.info.sha256}`);
  }
  // a version rewritten with its hashes recomputed still differs from what was logged when it was written
  if (actual !== at.sha256) throw new IntegrityError(`record ${id}: archived bytes hash to ${actual}, the record log recorded ${at.sha256}`);
  const envelope = parseEnvelope(stored.body);
  if (envelope.tenant !== tenant || envelope.id !== id) throw new IntegrityError(`record ${id}: archived envelope names another tenant or id`);
  const record: VerifiedRecord = {
    envelope,
    archive: {
      key: stored.info.key,
      versionId: stored.info.versionId,
      sha256: actual,
      size: stored.info.size,
      retentionMode: stored.info.retentionMode ?? null,
      retainUntil: stored.info.retainUntil?.toISOString() ?? null,
      legalHold: stored.info.legalHold,
    },
    verification: {
      objectSha256: 'match',
      envelopeIntegrity: 'match',
      recordLog: at.sequence === undefined ? 'pending' : 'match',
      ...(at.sequence !== undefined && { logSequence: at.sequence }),
    },
  };
  return { record, bytes: stored.body };
}
