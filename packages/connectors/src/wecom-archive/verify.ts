import { RejectedInputError } from '@custody/errors';
import { verifyBearer, type WebhookRequest } from '@custody/connector-kit';
import type { WecomArchiveConfig } from './types';

/**
 * Archive records never come from WeCom directly: the Finance SDK runs on the firm's own servers
 * (it needs the firm's RSA private key) and decrypts there. So there is no vendor signature to check.
 * Without a configured sharedSecret the webhook is closed (use the CLI/importer); with one, the
 * firm's puller authenticates with `Authorization: Bearer <sharedSecret>` over TLS.
 */
export function verifyArchivePuller(req: WebhookRequest, config: WecomArchiveConfig): void {
  if (!config.sharedSecret) {
    throw new RejectedInputError(
      'webhook_not_supported',
      'wecom-archive takes records through the CLI or importer; configure sharedSecret to accept them over HTTP',
      401,
    );
  }
  verifyBearer(req.headers, config.sharedSecret);
}
