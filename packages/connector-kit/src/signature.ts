import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';

export function hmacHex(algorithm: 'sha256' | 'sha1', secret: string | Buffer, data: Buffer | string): string {
  return createHmac(algorithm, secret).update(data).digest('hex');
}

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * For senders inside the firm's network that have no vendor signature (signal-cli forwarders,
 * archive pullers): `Authorization: Bearer <secret>`. It authenticates the sender, not the body
 * (TLS protects the bytes). Hashed first so the comparison time says nothing about the secret's length.
 */
export function verifyBearer(headers: Record<string, string | undefined>, secret: string): void {
  const header = headers.authorization;
  if (!header) throw new RejectedInputError('auth_missing', 'Authorization: Bearer header is missing', 401);
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  if (!safeEqual(digest(token), digest(secret))) throw new RejectedInputError('auth_invalid', 'bearer token does not match', 401);
}
