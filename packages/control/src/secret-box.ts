import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, IntegrityError } from '@custody/errors';

/** An AES-256 key and the id recorded in every ciphertext made with it. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

export const SECRET_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX = 'enc:v1:';
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Seals secrets at rest with AES-256-GCM: `enc:v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url,
 * 96-bit random IV, 128-bit tag). The first key seals; every key opens, so a new key can be put
 * first while values sealed with older ones stay readable until they are re-sealed. `aad` binds a
 * ciphertext to where it belongs (tenant, instance, field): copied elsewhere it does not open.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new ConfigError('CUSTODY_SECRETS_KEYS: at least one key is needed');
    this.byId = new Map();
    for (const k of keys) {
      if (!SECRET_KEY_ID.test(k.id)) throw new ConfigError(`CUSTODY_SECRETS_KEYS: key id "${k.id}" must be 1-32 letters, digits, _ or -`);
      if (k.key.length !== 32) throw new ConfigError(`CUSTODY_SECRETS_KEYS: key "${k.id}" must be 32 bytes (base64 of 32 random bytes), not ${k.key.length}`);
      const prior = this.byId.get(k.id);
      if (prior && !prior.equals(k.key)) throw new ConfigError(`CUSTODY_SECRETS_KEYS: key id "${k.id}" names two different keys`);
      this.byId.set(k.id, k.key);
    }
  }

  /** Id of the key new values are sealed with. */
  get sealingKeyId(): string {
    return this.keys[0].id;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** Id of the key a sealed value needs. */
  static keyIdOf(sealed: string): string {
    return sealed.slice(PREFIX.length).split(':', 1)[0] ?? '';
  }

  seal(plaintext: string, aad: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${id}:${iv.toString('base64url')}:${ct.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
  }

  /** Throws ConfigError when the key is not configured, IntegrityError when the value was altered. */
  open(sealed: string, aad: string): string {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : [];
    const [id, iv, ct, tag] = parts;
    if (parts.length !== 4 || !id || !iv || !tag || ct === undefined || ![iv, ct, tag].every((p) => B64URL.test(p))) {
      throw new IntegrityError('sealed secret is malformed (expected enc:v1:<keyId>:<iv>:<ciphertext>:<tag>)');
    }
    const key = this.byId.get(id);
    if (!key)
      throw new ConfigError(`secret was sealed with key "${id}", which CUSTODY_SECRETS_KEYS does not hold (it holds: ${[...this.byId.keys()].join(', ')})`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new IntegrityError(`sealed secret under key "${id}" is malformed (IV or tag length)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes);
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new IntegrityError(
        `sealed secret failed authentication under key "${id}": it was altered, moved from another field, or the key with that id changed`,
      );
    }
  }
}

/** `keyId:base64key[,keyId:base64key…]`, the form of CUSTODY_SECRETS_KEYS and of the embedded key file. */
export function formatSecretKeys(keys: readonly SecretKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

export function newSecretKey(id: string): SecretKey {
  return { id, key: randomBytes(32) };
}
