import { storeBlob, type ArchiveStore } from '@custody/archive-store';
import { normalizePayload, type AnyConnector, type DeliveryLimits, type ImportItem, type NormalizedPayload, type RejectedEvent } from '@custody/connector-kit';
import { sealEnvelope, type Envelope, type EnvelopeDraft } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { resolveIdentities, type Directory } from '@custody/identity';
import type { LockPolicy } from '@custody/policy';

/** One vendor payload as it arrived: a webhook's body, or a file given to `custody normalize`. */
export interface Delivery {
  connector: AnyConnector;
  /** The instance's connector settings; none when only payloads readable without them are expected. */
  config?: unknown;
  raw: Buffer;
  contentType: string;
  tenant: string;
  receivedAt: Date;
}

export interface SealOptions {
  /** The tenant's employee directory: participants are resolved before sealing, so the record carries them. */
  directory?: Directory;
  limits?: DeliveryLimits;
}

/**
 * A delivery that yields one record and nothing refused keeps its bytes inside that record: the
 * record is then self-contained (locked and held with the bytes it came from), and the archive
 * writes one object for it instead of two — the record, and the delivery archived once for its
 * records to cite — while most webhooks carry one event. Up to this size only: a record is read whole.
 */
export const INLINE_RAW_MAX_BYTES = 64 * 1024;

/**
 * The first half of capture, with no side effect: parse → normalize → enrich → seal. What the
 * gateway publishes and what `custody normalize` prints are the same records. A delivery refused as
 * a whole (unparseable, over its limits) throws RejectedInputError; each refused event comes back
 * in `rejected`.
 */
export function sealDelivery(d: Delivery, opts: SealOptions = {}): NormalizedPayload {
  const { directory } = opts;
  const enrich = directory ? (draft: EnvelopeDraft) => resolveIdentities(draft, directory) : undefined;
  const limits = { maxEvents: Infinity, maxEnvelopeBytes: Infinity, ...opts.limits, inlineRawBytes: INLINE_RAW_MAX_BYTES };
  return normalizePayload(d.connector, d.raw, d.contentType, { tenant: d.tenant, receivedAt: d.receivedAt }, d.config, enrich, limits);
}

export interface ImportSealDeps {
  /** Where the item's attachment files are stored as blobs. */
  store: ArchiveStore;
  /** The archiver's policy: a blob is locked at least as long as the record that refers to it. */
  policy: LockPolicy;
  directory?: Directory;
}

/**
 * An export item's record: enriched and sealed once to validate it and learn its lock before
 * anything is stored, then its attachment files (whose content is in the export, not fetched later)
 * stored as WORM blobs under that lock, then sealed naming their blobs. A record the contract
 * refuses comes back rejected, for quarantine, and stores nothing.
 */
export async function sealImportItem(item: ImportItem, draft: EnvelopeDraft, deps: ImportSealDeps): Promise<Envelope | RejectedEvent> {
  const at = `position ${item.position} (${draft.source.externalId})`;
  const { directory } = deps;
  try {
    const enriched = directory ? resolveIdentities(draft, directory) : draft;
    const lock = await deps.policy.lockFor(sealEnvelope(enriched));
    const attachments = [];
    for (const att of enriched.attachments ?? []) {
      const path = item.files && Object.hasOwn(item.files, att.id) ? item.files[att.id] : undefined;
      if (!path) {
        attachments.push(att);
        continue;
      }
      const blob = await storeBlob(deps.store, {
        tenant: draft.tenant,
        source: { path },
        contentType: att.mimeType,
        retainUntil: lock.retainUntil,
        legalHold: lock.holds.length > 0,
      });
      attachments.push({ ...att, storageKey: blob.storageKey, sha256: blob.sha256, size: blob.size });
    }
    return sealEnvelope({ ...enriched, attachments: enriched.attachments && attachments });
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return { rejected: true, code: err.code, reason: err.message, path: at };
  }
}
