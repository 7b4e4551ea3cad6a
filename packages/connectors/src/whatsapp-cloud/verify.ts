import { RejectedInputError } from '@custody/errors';
import { hmacHex, safeEqual, type HandshakeResponse, type WebhookRequest } from '@custody/connector-kit';
import type { WhatsAppCloudConfig } from './types';

/** Meta signs the exact request bytes: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>. */
export function verifyWhatsAppSignature(req: WebhookRequest, config: WhatsAppCloudConfig): void {
  const header = req.headers['x-hub-signature-256'];
  if (!header) throw new RejectedInputError('signature_missing', 'X-Hub-Signature-256 header is missing', 401);
  const expected = `sha256=${hmacHex('sha256', config.appSecret, req.rawBody)}`;
  if (!safeEqual(header.trim().toLowerCase(), expected)) throw new RejectedInputError('signature_invalid', 'X-Hub-Signature-256 does not match the body', 401);
}

export function signWhatsAppBody(appSecret: string, body: Buffer | string): string {
  return `sha256=${hmacHex('sha256', appSecret, body)}`;
}

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → echo the challenge when the token matches. */
export function whatsAppHandshake(req: WebhookRequest, config: WhatsAppCloudConfig): HandshakeResponse {
  const mode = req.query.get('hub.mode');
  const token = req.query.get('hub.verify_token') ?? '';
  const challenge = req.query.get('hub.challenge') ?? '';
  if (mode !== 'subscribe') return { status: 400, contentType: 'text/plain', body: 'hub.mode must be subscribe' };
  if (!safeEqual(token, config.verifyToken)) return { status: 403, contentType: 'text/plain', body: 'hub.verify_token does not match' };
  if (!/^[\w.-]{1,256}$/.test(challenge)) return { status: 400, contentType: 'text/plain', body: 'hub.challenge is missing or malformed' };
  return { status: 200, contentType: 'text/plain', body: challenge };
}
