import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { safeEqual, type WebhookRequest } from '@custody/connector-kit';
import type { WecomArchiveConfig } from './types';

/**
 * Archive records never come from WeCom directly: the Finance SDK runs on the firm's own servers
 * (it needs the firm's RSA private key) and decrypts there. So there is no vendor signature to check.
 * Without a configured sharedSecret the webhook is closed (use the CLI/importer); with one, the
 * firm's puller authenticates with `Authorization: Bearer <sharedSecret>` over TLS.
 */
export function verifyArchivePuller(req: WebhookRequest, config: WecomArchiveConfig): void {
  if (!config.sharedSecret) {
    throw new RejectedInputError('webhook_not_supported', 'wecom-archive takes records through the CLI or importer; configure sharedSecret to accept them over HTTP', 401);
  }
  const header = req.headers.authorization;
  if (!header) throw new RejectedInputError('auth_missing', 'Authorization: Bearer header is missing', 401);
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
  // hashes first: equal-length inputs, so the comparison time says nothing about the secret's length
  if (!safeEqual(sha256(token), sha256(config.sharedSecret))) throw new RejectedInputError('auth_invalid', 'bearer token does not match', 401);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
