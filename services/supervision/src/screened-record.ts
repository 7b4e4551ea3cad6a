import type { ArchiveStore } from '@custody/archive-store';
import { parseEnvelope, sha256Hex, type Envelope } from '@custody/envelope';
import { IntegrityError } from '@custody/errors';
import type { Alert } from '@custody/supervision';

/** The envelope an alert was raised on, read from WORM at the version screened, its bytes re-hashed against what screening recorded. */
export async function screenedEnvelope(store: ArchiveStore, alert: Alert): Promise<Envelope> {
  const stored = await store.get(alert.record.key, alert.record.versionId);
  if (sha256Hex(stored.body) !== alert.record.sha256) throw new IntegrityError(`record ${alert.record.id}: the version screened no longer hashes as it did`);
  const envelope = parseEnvelope(stored.body);
  if (envelope.tenant !== alert.tenant || envelope.id !== alert.record.id)
    throw new IntegrityError(`record ${alert.record.id}: the stored envelope names another tenant or record`);
  return envelope;
}
