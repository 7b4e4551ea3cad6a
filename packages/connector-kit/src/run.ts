import { RejectedInputError } from '@custody/errors';
import { sealEnvelope, type Envelope, type EnvelopeDraft } from '@custody/envelope';
import type { AnyConnector, NormalizeContext } from './connector';

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
    return Array.isArray(out) ? out : [out];
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return [{ rejected: true, code: err.code, reason: err.message, path }];
  }
}

export interface NormalizedPayload {
  envelopes: Envelope[];
  rejected: RejectedEvent[];
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
): NormalizedPayload {
  const parsed = connector.parse(raw, contentType, config);
  const results = connector.normalize(parsed, { ...ctx, raw: { contentType, body: raw } });
  const envelopes: Envelope[] = [];
  const rejected: RejectedEvent[] = [];
  results.forEach((r, i) => {
    if (isRejected(r)) return void rejected.push(r);
    try {
      envelopes.push(sealEnvelope(enrich(r)));
    } catch (err) {
      if (!(err instanceof RejectedInputError)) throw err;
      rejected.push({ rejected: true, code: err.code, reason: err.message, path: `event ${i} (${r.source.externalId})` });
    }
  });
  return { envelopes, rejected };
}

export function rawSource(raw: NormalizeContext['raw']): { contentType: string; encoding: 'utf8' | 'base64'; body: string } {
  const text = raw.body.toString('utf8');
  // keep bytes exactly: only store as text when the bytes round-trip through UTF-8
  return Buffer.from(text, 'utf8').equals(raw.body)
    ? { contentType: raw.contentType, encoding: 'utf8', body: text }
    : { contentType: raw.contentType, encoding: 'base64', body: raw.body.toString('base64') };
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
