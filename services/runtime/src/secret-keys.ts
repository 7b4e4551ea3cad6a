import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@custody/durable-fs';
import { dirname, join, resolve } from 'node:path';
import { SecretKeyList, type Config } from '@custody/config';
import { SecretBox, connectorSecretsCodec, formatSecretKeys, newSecretKey, type SecretKey } from '@custody/control';
import { connectorSecretFields } from '@custody/connectors';
import { ConfigError } from '@custody/errors';
import type { Logger } from '@custody/logger';

export const SECRETS_KEY_FILE = 'secrets.key';

/** How connector instances are stored: the secrets each connector declares, sealed with `box`. */
export function connectorCodec(box: SecretBox | undefined) {
  return connectorSecretsCodec(box, (connector) => connectorSecretFields.get(connector) ?? []);
}

/**
 * The keys that seal connector secrets. CUSTODY_SECRETS_KEYS comes first (production supplies it
 * from a secret manager or KMS). Embedded mode without it generates a key on first start into
 * `<data dir>/secrets.key` (0600), so a single node works out of the box; that file's key stays
 * usable for opening once keys are configured, so moving to configured keys is: set them, re-save
 * (`custody secrets rotate`), delete the file. Stack mode without keys stores no connector secret.
 */
export async function loadSecretBox(config: Config, logger: Logger): Promise<SecretBox | undefined> {
  const configured = config.CUSTODY_SECRETS_KEYS ?? [];
  if (config.CUSTODY_MODE !== 'embedded') {
    if (configured.length) return new SecretBox(configured);
    logger.warn({ event: 'secrets_key_missing', hint: 'CUSTODY_SECRETS_KEYS is unset: connectors with secrets cannot be saved through the API' });
    return undefined;
  }
  const file = join(resolve(config.CUSTODY_DATA_DIR), SECRETS_KEY_FILE);
  let local = await readKeyFile(file);
  if (!local && configured.length === 0) {
    local = [newSecretKey(`local-${randomBytes(4).toString('hex')}`)];
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeKeyFile(file, local);
    logger.warn({ event: 'secrets_key_generated', file, key_id: local[0].id, hint: 'production: supply CUSTODY_SECRETS_KEYS from a secret manager or KMS' });
  }
  const fromFile = (local ?? []).filter((k) => !configured.some((c) => c.id === k.id && c.key.equals(k.key)));
  return new SecretBox([...configured, ...fromFile]);
}

async function readKeyFile(file: string): Promise<SecretKey[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the secrets key file ${file}: ${(err as Error).message}`);
  }
  const parsed = SecretKeyList.safeParse(text.trim());
  if (!parsed.success) throw new ConfigError(`secrets key file ${file} is not keyId:base64key (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  return parsed.data;
}

/**
 * 0600 from the first byte, and durable before any secret is sealed with it: losing the file after
 * a crash would lose every connector secret. The data directory lock makes this process the only writer.
 */
async function writeKeyFile(file: string, keys: SecretKey[]): Promise<void> {
  await writeFileAtomic(file, `${formatSecretKeys(keys)}\n`, 0o600);
}
