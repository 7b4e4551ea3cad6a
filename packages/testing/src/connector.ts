import { createHash } from 'node:crypto';
import { mediaContexts, normalizePayload, type AnyConnector, type MediaContext } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';

/**
 * Normalizes a payload as the gateway treats it: nothing usable at all is a rejection of the body
 * (with the first event's code); otherwise the sealed envelopes of the valid events.
 */
export function runConnector(
  connector: AnyConnector,
  body: Buffer | string,
  contentType: string,
  ctx: { tenant: string; receivedAt: Date },
  config?: unknown,
): Envelope[] {
  const { envelopes, rejected } = normalizePayload(connector, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), contentType, ctx, config);
  if (envelopes.length === 0 && rejected.length > 0) throw new RejectedInputError(rejected[0].code, rejected.map((r) => r.reason).join('; '));
  return envelopes;
}

/** Runs `fn`, expects a RejectedInputError with `code` (any code when undefined) and `status`, returns it for further checks. */
export function rejection(fn: () => unknown, code: string | undefined, status = 400): RejectedInputError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RejectedInputError);
  const err = caught as RejectedInputError;
  expect({ code: err.code, status: err.status }).toEqual({ code: code ?? expect.any(String), status });
  return err;
}

/**
 * What a webhook record keeps of its delivery: a reference (the bytes are archived once, not copied
 * into every record) that names exactly these bytes and the record's event in them.
 */
export function deliveryRef(body: Buffer | string, contentType: string) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return { contentType, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, path: expect.any(String) };
}

/** The media context the runtime builds when the operator points `connector` at `baseUrl` (CUSTODY_VENDOR_BASE_URLS; a local fake vendor here). */
export function operatorMedia(connector: AnyConnector, baseUrl: string, opts: { instance?: string; localDir?: string } = {}): MediaContext {
  const instance = opts.instance ?? 'test-instance';
  return mediaContexts({ baseUrls: { [connector.id]: baseUrl }, mediaDirs: opts.localDir ? { [instance]: opts.localDir } : {} }).contextFor(
    connector,
    instance,
  );
}
