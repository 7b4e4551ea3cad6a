import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError, RejectedInputError } from '@custody/errors';

/**
 * WeCom's callback encryption (加解密方案): AESKey = base64(EncodingAESKey + "="), AES-256-CBC with
 * IV = the key's first 16 bytes, PKCS#7 padded to a multiple of 32 bytes (not AES's 16), over
 * random(16) ‖ msg_len(4, big-endian) ‖ msg ‖ receiveid. `encrypt` exists for tests and tools that
 * must produce payloads exactly as WeCom does.
 */
const PAD_BLOCK = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface WecomKeys {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

export function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new ConfigError('wecom: encodingAesKey must be 43 base64 characters (a 32-byte key)');
  return key;
}

/** msg_signature = sha1 over the lexicographically sorted concatenation of token, timestamp, nonce, ciphertext. */
export function wecomSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join(''), 'utf8').digest('hex');
}

export function encrypt(plaintext: string | Buffer, encodingAesKey: string, receiveId: string, random: Buffer = randomBytes(16)): string {
  const msg = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = PAD_BLOCK - (body.length % PAD_BLOCK);
  const key = aesKey(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** Decrypts and checks padding, length and receiveid; returns the message bytes. */
export function decrypt(encrypted: string, encodingAesKey: string, receiveId: string, field = 'Encrypt'): Buffer {
  const fail = (reason: string) => new RejectedInputError('decrypt_failed', `wecom: ${field}: ${reason}`);
  if (encrypted.length === 0 || !BASE64.test(encrypted)) throw fail('not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length % 16 !== 0) throw fail('ciphertext is not a whole number of AES blocks');
  const key = aesKey(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > PAD_BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad))
    throw fail('bad padding (wrong EncodingAESKey?)');
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw fail('too short');
  const msgLen = content.readUInt32BE(16);
  if (20 + msgLen > content.length) throw fail('message length exceeds the decrypted data');
  const rid = content.subarray(20 + msgLen).toString('utf8');
  if (rid !== receiveId) throw new RejectedInputError('receiveid_mismatch', `wecom: ${field}: decrypted receiveid is not the configured corpId`);
  return content.subarray(20, 20 + msgLen);
}

/** A complete callback as WeCom POSTs it: the outer XML and the query string carrying msg_signature. */
export function encryptCallback(
  messageXml: string,
  keys: WecomKeys,
  opts: { agentId?: string; timestamp?: string; nonce?: string } = {},
): { body: string; query: string } {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE());
  const enc = encrypt(messageXml, keys.encodingAesKey, keys.corpId);
  const agent = opts.agentId ? `<AgentID><![CDATA[${opts.agentId}]]></AgentID>` : '';
  const body = `<xml><ToUserName><![CDATA[${keys.corpId}]]></ToUserName>${agent}<Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
  const query = new URLSearchParams({ msg_signature: wecomSignature(keys.token, timestamp, nonce, enc), timestamp, nonce }).toString();
  return { body, query };
}
