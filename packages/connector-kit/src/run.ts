import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { isRawRef, sealEnvelope, type Envelope, type EnvelopeDraft, type RawSource } from '@custody/envelope';
import type { AnyConnector, NormalizeContext } from './connector';
import { collectPayloadDefects, type PayloadDefect } from './json';

/** Unix seconds/millis later than this are treated as forged or corrupt, not as the future. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** One vendor event the connector could not turn into a record; the rest of the payload still goes through. */
export interface RejectedEvent {
  rejected: true;
  code: string;
  reason: string;
  /** Where in the payload the event sits, e.g. entry.0.changes.0.value.messages.1 */
  path: string;
}

export type NormalizeResult = EnvelopeDraft | RejectedEvent;

export function isRejected(r: NormalizeResult): r is RejectedEvent {
  return (r as RejectedEvent).rejected === true;
}

/**
 * Normalizes one event in isolation: a RejectedInputError becomes a RejectedEvent for quarantine
 * instead of failing its neighbours. Other errors are bugs and propagate.
 */
export function isolateEvent(path: string, fn: () => EnvelopeDraft | EnvelopeDraft[]): NormalizeResult[] {
  try {
    const out = fn();
    // a record that references its delivery also says where in it its event is
    return (Array.isArray(out) ? out : [out]).map((d) =>
      isRawRef(d.source.raw) && d.source.raw.path === undefined ? { ...d, source: { ...d.source, raw: { ...d.source.raw, path } } } : d,
    );
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return [{ rejected: true, code: err.code, reason: err.message, path }];
  }
}

export interface NormalizedPayload {
  envelopes: Envelope[];
  rejected: RejectedEvent[];
  /** SHA-256 of the delivery; envelopes that reference it in `source.raw` need its bytes archived once. */
  rawSha256: string;
  /** The vendor's sequence numbers in the delivery (Connector.sequences), for gap detection; empty when it numbers nothing. */
  sequences: number[];
}

/** Bounds on the work one delivery may cause, whatever its byte size. */
export interface DeliveryLimits {
  maxEvents: number;
  /** Sum of the sealed envelopes' JSON sizes. */
  maxEnvelopeBytes: number;
  /**
   * A delivery up to this size that yields one record and nothing refused keeps its bytes inside
   * that record instead of referencing them (unset: always referenced). See capture's sealDelivery.
   */
  inlineRawBytes?: number;
}

/**
 * parse → normalize → seal. A payload that cannot be parsed throws (nothing is emitted); within a
 * parsed payload each event stands alone: valid ones are sealed, invalid ones come back rejected.
 */
export function normalizePayload(
  connector: AnyConnector,
  raw: Buffer,
  contentType: string,
  ctx: Omit<NormalizeContext, 'raw'>,
  config?: unknown,
  /** Applied to each draft before sealing (identity resolution), so the sealed record carries it. */
  enrich: (draft: EnvelopeDraft) => EnvelopeDraft = (d) => d,
  limits: DeliveryLimits = { maxEvents: Infinity, maxEnvelopeBytes: Infinity },
): NormalizedPayload {
  const { value: parsed, defects } = collectPayloadDefects(() => connector.parse(raw, contentType, config));
  const rawSha256 = createHash('sha256').update(raw).digest('hex');
  const results = quarantineDefects(connector.normalize(parsed, { ...ctx, raw: { contentType, body: raw, sha256: rawSha256 } }), defects);
  if (results.length > limits.maxEvents) {
    throw new RejectedInputError('too_many_events', `delivery holds ${results.length} events; at most ${limits.maxEvents} are accepted in one request`, 413);
  }
  const envelopes: Envelope[] = [];
  const rejected: RejectedEvent[] = [];
  let envelopeBytes = 0;
  const inline = results.length === 1 && !isRejected(results[0]) && raw.length <= (limits.inlineRawBytes ?? -1);
  results.forEach((r, i) => {
    if (isRejected(r)) return void rejected.push(r);
    try {
      const env = sealEnvelope(enrich(inline ? { ...r, source: { ...r.source, raw: rawInline(contentType, raw) } } : r));
      envelopeBytes += Buffer.byteLength(JSON.stringify(env));
      envelopes.push(env);
    } catch (err) {
      if (!(err instanceof RejectedInputError)) throw err;
      rejected.push({ rejected: true, code: err.code, reason: err.message, path: `event ${i} (${r.source.externalId})` });
    }
    if (envelopeBytes > limits.maxEnvelopeBytes) {
      throw new RejectedInputError('records_too_large', `delivery normalizes to more than ${limits.maxEnvelopeBytes} bytes of records`, 413);
    }
  });
  return { envelopes, rejected, rawSha256, sequences: connector.sequences?.(parsed) ?? [] };
}

/**
 * Each refused key quarantines the events it sits in: inside an event (its path starts with the
 * event's), or in an object that holds events (the key's object encloses the event's path). A key no
 * event accounts for refuses the delivery, as it would without per-event paths.
 */
function quarantineDefects(results: NormalizeResult[], defects: PayloadDefect[]): NormalizeResult[] {
  if (defects.length === 0) return results;
  const pathOf = (r: NormalizeResult) => (isRejected(r) ? r.path : isRawRef(r.source.raw) ? r.source.raw.path : undefined);
  const holds = (eventPath: string, d: PayloadDefect) => {
    const owner = d.at.includes('.') ? d.at.slice(0, d.at.lastIndexOf('.')) : '';
    return d.at.startsWith(`${eventPath}.`) || owner === '' || eventPath.startsWith(`${owner}.`);
  };
  const unclaimed = defects.find((d) => !results.some((r) => pathOf(r) !== undefined && holds(pathOf(r)!, d)));
  if (unclaimed) throw new RejectedInputError(unclaimed.code, unclaimed.reason);
  return results.map((r) => {
    const path = pathOf(r);
    const defect = isRejected(r) || path === undefined ? undefined : defects.find((d) => holds(path, d));
    return defect ? { rejected: true, code: defect.code, reason: defect.reason, path: path! } : r;
  });
}

/**
 * `source.raw` for a draft: a reference when the payload is a delivery archived once (webhooks),
 * else the bytes themselves (an export file's slice for one event).
 */
export function rawSource(raw: NormalizeContext['raw']): RawSource {
  if (raw.sha256) return { contentType: raw.contentType, sha256: raw.sha256, size: raw.body.length };
  return rawInline(raw.contentType, raw.body);
}

/** Bytes inside the record, exactly: as text only when they round-trip through UTF-8. */
function rawInline(contentType: string, body: Buffer): RawSource {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body)
    ? { contentType, encoding: 'utf8', body: text }
    : { contentType, encoding: 'base64', body: body.toString('base64') };
}

/** Vendor timestamp (unix seconds or millis) → ISO UTC, rejecting forged far-future values. */
export function vendorTime(value: number, unit: 's' | 'ms', receivedAt: Date, field: string): string {
  const ms = unit === 's' ? value * 1000 : value;
  if (!Number.isFinite(ms) || ms <= 0) throw new RejectedInputError('bad_timestamp', `${field}: ${value} is not a valid timestamp`);
  if (ms > receivedAt.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new RejectedInputError('timestamp_in_future', `${field}: ${new Date(ms).toISOString()} is more than 24h after receipt`);
  }
  return new Date(ms).toISOString();
}
