import { recordKey, type ArchiveStore } from '@custody/archive-store';
import { parseEnvelope, sha256Hex, type Envelope } from '@custody/envelope';
import { CustodyError, IntegrityError, NotFoundError } from '@custody/errors';

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
  verification: { objectSha256: 'match'; envelopeIntegrity: 'match' };
}

/**
 * Reads the tenant's record `id` from the archive store, never the index: the object's bytes are
 * hashed against what the store recorded, and parsing re-checks the envelope's integrity hash. A
 * record of another tenant is not found under this tenant's key, so it is the same 404.
 */
export async function readVerified(store: ArchiveStore, tenant: string, id: string): Promise<VerifiedRecord> {
  return (await readVerifiedBytes(store, tenant, id)).record;
}

/** readVerified, with the object's bytes as archived (what a native production copies byte for byte). */
export async function readVerifiedBytes(store: ArchiveStore, tenant: string, id: string): Promise<{ record: VerifiedRecord; bytes: Buffer }> {
  let stored;
  try {
    stored = await store.get(recordKey(tenant, id));
  } catch (err) {
    if (err instanceof CustodyError && err.code === 'not_found') throw new NotFoundError(`no record ${id}`);
    throw err;
  }
  const actual = sha256Hex(stored.body);
  if (stored.info.sha256 && actual !== stored.info.sha256) {
    throw new IntegrityError(`record ${id}: archived bytes hash to ${actual}, store recorded ${stored.info.sha256}`);
  }
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
    verification: { objectSha256: 'match', envelopeIntegrity: 'match' },
  };
  return { record, bytes: stored.body };
}
