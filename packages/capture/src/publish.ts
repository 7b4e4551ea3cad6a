import type { Bus } from '@custody/bus';
import type { RejectedEvent } from '@custody/connector-kit';
import { isRawRef, type Envelope } from '@custody/envelope';
import { envelopeMessage, rawDeliveryMessage } from './messages';
import { quarantine, type QuarantineEntry } from './quarantine';

export interface CaptureTopics {
  customerData: string;
  quarantine: string;
  /** Webhook deliveries' bytes, archived once and cited by their records. */
  raw: string;
}

/** Where captured records came from, as the bus and the quarantine record it. */
export interface CaptureOrigin {
  tenant: string;
  /** Connector or importer id. */
  connector: string;
  /** The connector instance of a webhook: attachment fetching needs its credentials. */
  instance?: string;
  /** Where events were refused: `normalize` (a webhook's events) or `import` (an export's items). */
  stage: string;
  receivedAt: Date;
}

/** An event refused on its own: quarantined with its own bytes (an export item) or naming its delivery's (a webhook event). */
export type RefusedEvent = RejectedEvent & { raw?: { body: Buffer; contentType?: string } };

export interface Captured {
  envelopes: Envelope[];
  rejected: RefusedEvent[];
  /** The webhook delivery the envelopes cite by SHA-256; export items carry their bytes inline and have none. */
  delivery?: { raw: Buffer; sha256: string; contentType: string };
}

/** Under Kafka's default 1 MB message limit: a larger refused item is quarantined truncated, flagged as such. */
export const MAX_QUARANTINE_BYTES = 900 * 1024;

/**
 * The second half of capture: the records to the bus, the refused events to the quarantine topic.
 * Resolves only once the bus accepted everything, so a caller acknowledges (a webhook's 200, an
 * import's checkpoint) nothing the bus has not taken; on failure it throws and the caller retries.
 */
export async function publishCaptured(
  bus: Bus,
  topics: CaptureTopics,
  origin: CaptureOrigin,
  captured: Captured,
  onQuarantined?: (r: RejectedEvent) => void,
): Promise<void> {
  const { envelopes, rejected, delivery } = captured;
  // The delivery's bytes go first, once, so no record is ever archived citing bytes the bus never took.
  if (delivery && (envelopes.some((e) => isRawRef(e.source.raw)) || rejected.length > 0)) {
    await bus.publish(topics.raw, [rawDeliveryMessage(delivery.raw, delivery.sha256, { ...origin, contentType: delivery.contentType })]);
  }
  await bus.publish(
    topics.customerData,
    envelopes.map((e) => envelopeMessage(e, origin.instance)),
  );
  for (const r of rejected) {
    await quarantine(bus, topics.quarantine, refusedEntry(origin, r, delivery));
    onQuarantined?.(r);
  }
}

/**
 * One bad event: with bytes of its own they are kept (truncated past the bus's message limit);
 * inside a delivery the quarantine record names the delivery by hash and the event by its path, so
 * a delivery of thousands of bad events does not copy its body thousands of times.
 */
function refusedEntry(origin: CaptureOrigin, r: RefusedEvent, delivery: Captured['delivery']): QuarantineEntry {
  const common = {
    code: r.code,
    reason: `${r.path}: ${r.reason}`,
    stage: origin.stage,
    connector: origin.connector,
    instance: origin.instance,
    tenant: origin.tenant,
    receivedAt: origin.receivedAt,
  };
  if (r.raw || !delivery) {
    const body = r.raw?.body ?? Buffer.alloc(0);
    return {
      ...common,
      raw: body.subarray(0, MAX_QUARANTINE_BYTES),
      extra: body.length > MAX_QUARANTINE_BYTES ? { truncated: 'true' } : undefined,
      contentType: r.raw?.contentType,
    };
  }
  return {
    ...common,
    raw: Buffer.from(JSON.stringify({ code: r.code, reason: r.reason, path: r.path, rawSha256: delivery.sha256 })),
    contentType: delivery.contentType,
    extra: { raw_sha256: delivery.sha256, path: r.path.slice(0, 1024) },
  };
}
