import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { safeEqual, type WebhookRequest } from '@custody/connector-kit';
import type { SignalConfig } from './types';

/**
 * signal-cli has no webhook signature: its daemon exposes JSON-RPC/SSE inside the firm's network and
 * a forwarder there posts each notification here. That forwarder proves itself with a shared secret
 * (`Authorization: Bearer <sharedSecret>`, over TLS). The token authenticates the sender, not the body.
 */
export function verifySignalBearer(req: WebhookRequest, config: SignalConfig): void {
  const header = req.headers.authorization;
  if (!header) throw new RejectedInputError('auth_missing', 'Authorization: Bearer header is missing', 401);
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
  // hashes first: equal-length inputs, so the comparison time says nothing about the secret's length
  if (!safeEqual(sha256(token), sha256(config.sharedSecret))) throw new RejectedInputError('auth_invalid', 'bearer token does not match', 401);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
