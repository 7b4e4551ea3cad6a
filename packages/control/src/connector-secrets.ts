import type { ConnectorInstance } from '@custody/config';
import { ConfigError, RejectedInputError } from '@custody/errors';
import type { RowCodec } from './control-table';
import { SecretBox } from './secret-box';

/** Binds a sealed value to its tenant, instance and field: moved anywhere else it does not open. */
const aadOf = (inst: ConnectorInstance, field: string) => `custody.connector-secret/v1\0${inst.tenant}\0${inst.id}\0${field}`;

/**
 * Seals the settings each connector declares secret before an instance reaches the control topic,
 * and opens them when the topic is read, so the topic (files under the embedded data directory, a
 * Kafka topic on the stack) never holds them in clear. Without a key nothing secret is stored.
 * Values stored in clear before sealing existed are read as they are until re-saved.
 */
export function connectorSecretsCodec(box: SecretBox | undefined, secretFieldsOf: (connector: string) => readonly string[]): RowCodec<ConnectorInstance> {
  const secretsIn = (inst: ConnectorInstance) => secretFieldsOf(inst.connector).filter((f) => inst.config[f] !== undefined);
  return {
    encode(inst) {
      const fields = secretsIn(inst);
      if (fields.length === 0) return inst;
      if (!box) {
        throw new RejectedInputError(
          'secrets_key_missing',
          `connector ${inst.id}: secret settings (${fields.join(', ')}) are never stored in clear and no key seals them: the operator must set CUSTODY_SECRETS_KEYS`,
        );
      }
      const config = { ...inst.config };
      for (const f of fields) config[f] = box.seal(JSON.stringify(config[f]), aadOf(inst, f));
      return { ...inst, config };
    },
    decode(stored) {
      const fields = secretsIn(stored).filter((f) => SecretBox.isSealed(stored.config[f]));
      if (fields.length === 0) return stored;
      if (!box)
        throw new ConfigError(
          `connector ${stored.id}: its secret settings are sealed with key "${SecretBox.keyIdOf(stored.config[fields[0]] as string)}" and CUSTODY_SECRETS_KEYS is not set`,
        );
      const config = { ...stored.config };
      for (const f of fields) config[f] = JSON.parse(box.open(config[f] as string, aadOf(stored, f))) as unknown;
      return { ...stored, config };
    },
  };
}
