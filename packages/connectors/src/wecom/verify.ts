import { RejectedInputError } from '@custody/errors';
import { safeEqual, type HandshakeResponse, type WebhookRequest } from '@custody/connector-kit';
import { decrypt, wecomSignature } from './crypto';
import type { WecomConfig } from './types';
import { parseXml, xmlFields } from './xml';

/** The ciphertext of a callback body: `<xml>…<Encrypt><![CDATA[…]]></Encrypt></xml>`. */
export function outerEncrypt(raw: Buffer): string {
  const root = parseXml(raw, 'wecom callback');
  const encrypted = xmlFields(root, 'wecom callback').Encrypt;
  if (root.name !== 'xml' || !encrypted) throw new RejectedInputError('schema_violation', 'wecom callback: <xml><Encrypt> is required');
  return encrypted.trim();
}

/**
 * msg_signature covers token, timestamp, nonce and the ciphertext only: the outer ToUserName and
 * AgentID are unauthenticated, so everything archived comes from the decrypted message. A replayed
 * callback decrypts to the same MsgId and so to the same envelope id: redelivery, not a new record.
 */
export function verifyWecomSignature(req: WebhookRequest, config: WecomConfig): void {
  const signature = req.query.get('msg_signature');
  const timestamp = req.query.get('timestamp');
  const nonce = req.query.get('nonce');
  if (!signature) throw new RejectedInputError('signature_missing', 'msg_signature query parameter is missing', 401);
  if (!timestamp || !nonce) throw new RejectedInputError('signature_missing', 'timestamp and nonce query parameters are required with msg_signature', 401);
  const expected = wecomSignature(config.token, timestamp, nonce, outerEncrypt(req.rawBody));
  if (!safeEqual(signature.trim().toLowerCase(), expected)) throw new RejectedInputError('signature_invalid', 'msg_signature does not match the payload', 401);
}

/** URL verification (验证URL有效性): GET with an encrypted echostr; answer with its plaintext. */
export function wecomHandshake(req: WebhookRequest, config: WecomConfig): HandshakeResponse {
  const text = (status: number, body: string): HandshakeResponse => ({ status, contentType: 'text/plain', body });
  const signature = req.query.get('msg_signature');
  const timestamp = req.query.get('timestamp');
  const nonce = req.query.get('nonce');
  // base64 "+" arrives as a space when the caller leaves it unescaped; base64 never contains spaces
  const echostr = req.query.get('echostr')?.replace(/ /g, '+');
  if (!signature || !timestamp || !nonce || !echostr) return text(400, 'msg_signature, timestamp, nonce and echostr are required');
  if (!safeEqual(signature.trim().toLowerCase(), wecomSignature(config.token, timestamp, nonce, echostr))) return text(401, 'msg_signature does not match');
  let plain: string;
  try {
    plain = decrypt(echostr, config.encodingAesKey, config.corpId, 'echostr').toString('utf8');
  } catch (err) {
    if (!(err instanceof RejectedInputError)) throw err;
    return text(400, err.message);
  }
  if (!/^[\w.~+/=-]{1,512}$/.test(plain)) return text(400, 'decrypted echostr is not a plain token');
  return text(200, plain);
}
