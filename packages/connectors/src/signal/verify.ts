import { verifyBearer, type WebhookRequest } from '@custody/connector-kit';
import type { SignalConfig } from './types';

/**
 * signal-cli has no webhook signature: its daemon exposes JSON-RPC/SSE inside the firm's network and
 * a forwarder there posts each notification here. That forwarder proves itself with a shared secret
 * (`Authorization: Bearer <sharedSecret>`, over TLS).
 */
export function verifySignalBearer(req: WebhookRequest, config: SignalConfig): void {
  verifyBearer(req.headers, config.sharedSecret);
}
