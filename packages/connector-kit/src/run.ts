import { RejectedInputError } from '@custody/errors';
import { sealEnvelope, type Envelope } from '@custody/envelope';
import type { AnyConnector, NormalizeContext } from './connector';

/** Unix seconds/millis later than this are treated as forged or corrupt, not as the future. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** parse → normalize → seal. Everything a connector emits passes the envelope contract or nothing is emitted. */
export function normalizePayload(connector: AnyConnector, raw: Buffer, contentType: string, ctx: Omit<NormalizeContext, 'raw'>): Envelope[] {
  const parsed = connector.parse(raw, contentType);
  const drafts = connector.normalize(parsed, { ...ctx, raw: { contentType, body: raw } });
  return drafts.map((d) => sealEnvelope(d));
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
