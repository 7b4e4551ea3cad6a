/**
 * The one capture path. Every record Custody takes in goes through its two halves:
 * - seal (no side effect): `sealDelivery` for a vendor payload (the gateway, `custody normalize`),
 *   `sealImportItem` for an export's item (`custody import`, which also stores the item's files);
 * - publish: `publishCaptured` puts the records on the bus and quarantines what was refused.
 * `capture` joins them for a webhook delivery.
 */
import type { Bus } from '@custody/bus';
import type { RejectedEvent } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { publishCaptured, type CaptureTopics } from './publish';
import { quarantine } from './quarantine';
import { sealDelivery, type Delivery, type SealOptions } from './seal';

export type CaptureOutcome =
  | { accepted: Envelope[]; quarantined: RejectedEvent[]; /** The vendor's sequence numbers in the delivery (gap detection). */ sequences: number[] }
  /** The delivery as a whole was refused; its exact bytes are in the quarantine topic. */
  | { refused: RejectedInputError };

export interface CaptureDeps {
  bus: Bus;
  topics: CaptureTopics;
}

/**
 * Seals a delivery and publishes what it yields. A delivery refused as a whole (unparseable, over
 * its limits, or without a single usable event) is quarantined with its exact bytes and reason. An
 * authentic delivery is never dropped: if the bus refuses, this throws and the vendor redelivers.
 */
export async function capture(
  deps: CaptureDeps,
  d: Delivery & { instance?: string },
  opts: SealOptions & { onQuarantined?(r: RejectedEvent): void } = {},
): Promise<CaptureOutcome> {
  const origin = { tenant: d.tenant, connector: d.connector.id, instance: d.instance, stage: 'normalize', receivedAt: d.receivedAt };
  const refuse = async (err: RejectedInputError): Promise<CaptureOutcome> => {
    await quarantine(deps.bus, deps.topics.quarantine, { ...origin, raw: d.raw, code: err.code, reason: err.message, contentType: d.contentType });
    return { refused: err };
  };
  let sealed;
  try {
    sealed = sealDelivery(d, opts);
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return refuse(err);
  }
  const { envelopes, rejected, rawSha256, sequences } = sealed;
  // nothing usable at all: the body itself violates the vendor schema
  if (envelopes.length === 0 && rejected.length > 0) {
    return refuse(
      new RejectedInputError(
        rejected[0].code,
        rejected
          .map((r) => r.reason)
          .join('; ')
          .slice(0, 2000),
      ),
    );
  }
  await publishCaptured(
    deps.bus,
    deps.topics,
    origin,
    { envelopes, rejected, delivery: { raw: d.raw, sha256: rawSha256, contentType: d.contentType } },
    opts.onQuarantined,
  );
  return { accepted: envelopes, quarantined: rejected, sequences };
}
