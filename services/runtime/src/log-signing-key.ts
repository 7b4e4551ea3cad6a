import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '@custody/config';
import { writeFileAtomic } from '@custody/durable-fs';
import { ConfigError } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { publicKeyFromBase64, signingKeyFromSeed, type PublicKey, type SigningKey } from '@custody/record-log';

export const LOG_SIGNING_KEY_FILE = 'log-signing.key';

export interface LogKeys {
  /** Signs checkpoints; absent in stack mode without CUSTODY_LOG_SIGNING_KEY. */
  signing?: SigningKey;
  /** Every key a checkpoint may be signed with: the current one and the earlier ones still trusted. */
  trusted: PublicKey[];
  /** The same, with the raw key as published at /v1/verification/keys. */
  published: Array<PublicKey & { publicKeyBase64: string }>;
}

/**
 * The checkpoint signing key. CUSTODY_LOG_SIGNING_KEY comes first (production supplies it from a
 * secret manager or KMS). Embedded mode without it generates a seed on first start into
 * `<data dir>/log-signing.key` (0600), so a single node signs out of the box; stack mode without it
 * logs leaves but signs nothing, and says so, since processes must share one key.
 */
export async function loadLogKeys(config: Config, logger: Logger): Promise<LogKeys> {
  const earlier = config.CUSTODY_LOG_TRUSTED_KEYS.map((raw) => ({ ...publicKeyFromBase64(raw.toString('base64')), publicKeyBase64: raw.toString('base64') }));
  let seed: Buffer | undefined = config.CUSTODY_LOG_SIGNING_KEY;
  if (!seed && config.CUSTODY_MODE === 'embedded') seed = await localSeed(join(resolve(config.CUSTODY_DATA_DIR), LOG_SIGNING_KEY_FILE), logger);
  if (!seed) {
    logger.warn({ event: 'log_signing_key_missing', hint: 'CUSTODY_LOG_SIGNING_KEY is unset: record logs grow but no checkpoint is signed' });
    return { trusted: earlier, published: earlier };
  }
  const signing = signingKeyFromSeed(seed);
  const published = [
    { ...publicKeyFromBase64(signing.publicKeyBase64), publicKeyBase64: signing.publicKeyBase64 },
    ...earlier.filter((k) => k.keyId !== signing.keyId),
  ];
  return { signing, trusted: published, published };
}

async function localSeed(file: string, logger: Logger): Promise<Buffer> {
  try {
    const seed = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (seed.length !== 32) throw new ConfigError(`log signing key file ${file} does not hold base64 of 32 bytes`);
    return seed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw err instanceof ConfigError ? err : new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const seed = randomBytes(32);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // durable before the first checkpoint is signed with it: its public key is what verifies them
  await writeFileAtomic(file, `${seed.toString('base64')}\n`, 0o600);
  const key = signingKeyFromSeed(seed);
  logger.warn({ event: 'log_signing_key_generated', file, key_id: key.keyId, hint: 'production: supply CUSTODY_LOG_SIGNING_KEY from a secret manager or KMS' });
  return seed;
}

/** The keys as /v1/verification/keys and export packages publish them. */
export function publishedKeys(keys: LogKeys): Array<{ keyId: string; algorithm: 'ed25519'; publicKey: string }> {
  return keys.published.map((k) => ({ keyId: k.keyId, algorithm: 'ed25519' as const, publicKey: k.publicKeyBase64 }));
}
