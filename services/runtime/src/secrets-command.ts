import type { Config } from '@custody/config';
import { controlTopicsFor, openControlPlane } from '@custody/control';
import { ConfigError } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { createAdapters } from './adapters';
import { connectorCodec, loadSecretBox } from './secret-keys';

export interface RotateResult {
  keyId: string;
  resealed: string[];
}

/**
 * `custody secrets rotate`: re-saves every connector instance, so its secrets are sealed with the
 * first key of CUSTODY_SECRETS_KEYS (and any still stored in clear get sealed). Afterwards the old
 * keys can be removed. Embedded mode needs the data directory to itself (stop Custody first); on
 * the stack it runs beside the servers, which follow the topic.
 */
export async function rotateSecretsCommand(config: Config, logger: Logger): Promise<RotateResult> {
  const adapters = await createAdapters(config, logger);
  try {
    const box = await loadSecretBox(config, logger);
    if (!box) throw new ConfigError('custody secrets rotate: set CUSTODY_SECRETS_KEYS (the new key first, then the ones in use)');
    const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger, { connectorCodec: connectorCodec(box) });
    try {
      const unreadable = control.connectors.unreadableKeys();
      if (unreadable.length) {
        throw new ConfigError(
          `cannot re-seal: ${unreadable.map((u) => `${u.key}: ${u.reason}`).join('; ')} (add the key they need to CUSTODY_SECRETS_KEYS, after the new one)`,
        );
      }
      const resealed: string[] = [];
      for (const inst of control.connectors.values()) {
        await control.connectors.put(inst.id, inst);
        resealed.push(inst.id);
      }
      return { keyId: box.sealingKeyId, resealed };
    } finally {
      await control.stop();
    }
  } finally {
    await adapters.close();
  }
}
