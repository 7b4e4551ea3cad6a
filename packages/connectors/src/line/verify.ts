import { createHmac } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { safeEqual, type WebhookRequest } from '@custody/connector-kit';
import type { LineConfig } from './types';

/** LINE signs the exact request bytes: x-line-signature: base64(HMAC-SHA256(channel secret, body)). */
export function verifyLineSignature(req: WebhookRequest, config: LineConfig): void {
  const header = req.headers['x-line-signature'];
  if (!header) throw new RejectedInputError('signature_missing', 'x-line-signature header is missing', 401);
  if (!safeEqual(header.trim(), signLineBody(config.channelSecret, req.rawBody)))
    throw new RejectedInputError('signature_invalid', 'x-line-signature does not match the body', 401);
}

export function signLineBody(channelSecret: string, body: Buffer | string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}
