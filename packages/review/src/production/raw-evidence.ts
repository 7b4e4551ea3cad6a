import { createHash } from 'node:crypto';
import { rawKey, type ArchiveStore } from '@custody/archive-store';
import { isRawRef, type Envelope } from '@custody/envelope';
import { IntegrityError } from '@custody/errors';

/** The vendor evidence a produced record carries, and how it relates to the archived delivery. */
export interface RawEvidence {
  /** SHA-256 of the whole delivery as archived: the part below is proven against it. */
  deliverySha256: string;
  deliverySize: number;
  contentType: string;
  /** Where the record's event sits in the delivery; absent: the delivery is the record's own. */
  path?: string;
  /** The record's own part of the delivery (the whole delivery when it carried only this record). */
  part: Buffer;
}

/**
 * The record's own part of the raw evidence: a delivery that carried several events (several
 * conversations, possibly) is never produced whole; the event at `path` is cut out of it and the
 * whole delivery's hash goes with it, so the part can still be proven against the archive. Inline
 * evidence is the record's own already (it is inside the envelope). undefined: nothing beyond the envelope.
 */
export async function rawEvidence(store: ArchiveStore, env: Envelope, deliveries = new Map<string, Promise<Buffer>>()): Promise<RawEvidence | undefined> {
  const raw = env.source.raw;
  if (!isRawRef(raw)) return undefined;
  // the records of one delivery are usually produced together: it is read and checked once
  let delivery = deliveries.get(raw.sha256);
  if (!delivery) {
    delivery = verifiedDelivery(store, env.tenant, raw.sha256, env.id);
    deliveries.set(raw.sha256, delivery);
  }
  const body = await delivery;
  const base = { deliverySha256: raw.sha256, deliverySize: body.length, contentType: raw.contentType };
  if (raw.path === undefined) return { ...base, part: body };
  return { ...base, path: raw.path, part: Buffer.from(JSON.stringify(eventAt(body, raw.path, env.id))) };
}

async function verifiedDelivery(store: ArchiveStore, tenant: string, sha256: string, recordId: string): Promise<Buffer> {
  const stored = await store.get(rawKey(tenant, sha256));
  const actual = createHash('sha256').update(stored.body).digest('hex');
  if (actual !== sha256) throw new IntegrityError(`delivery ${sha256} of record ${recordId}: archived bytes hash to ${actual}`);
  return stored.body;
}

/** The JSON value at a dotted path (`entry.0.changes.0.value.messages.1`); a path that does not resolve is an integrity failure. */
function eventAt(delivery: Buffer, path: string, recordId: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(delivery.toString('utf8'));
  } catch {
    throw new IntegrityError(`record ${recordId}: its delivery is not JSON, so its event at ${path} cannot be cut out of it`);
  }
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step)) {
      throw new IntegrityError(`record ${recordId}: its delivery has nothing at ${path}`);
    }
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}
