import { parseConnectorConfig, type AnyConnector } from '@custody/connector-kit';
import type { ConnectorInstance } from '@custody/config';
import { ConfigError } from '@custody/errors';
import { getConnector } from './registry';

export interface ResolvedInstance {
  id: string;
  tenant: string;
  connector: AnyConnector;
  config: unknown;
}

/**
 * Looks connector instances up by id (the webhook path): configured ones plus those admins created.
 * The gateway receives with them, the media worker fetches attachments with their credentials.
 */
export interface ConnectorInstances {
  get(id: string): ResolvedInstance | undefined;
}

/** Checks an instance against its connector's own schema; RejectedInputError names what is wrong, never a secret. */
export function resolveInstance(inst: ConnectorInstance): ResolvedInstance {
  const connector = getConnector(inst.connector);
  const config = parseConnectorConfig(connector.configSchema, inst.config, `connector ${inst.id} (${inst.connector}): config`);
  return { id: inst.id, tenant: inst.tenant, connector, config };
}

/**
 * Configured instances are checked at start-up (a bad one stops start-up); dynamic ones were
 * checked when an admin saved them and are resolved again on use.
 */
export function connectorInstances(configured: ConnectorInstance[], dynamic?: { get(id: string): ConnectorInstance | undefined }): ConnectorInstances {
  const fixed = new Map<string, ResolvedInstance>();
  for (const inst of configured) {
    if (fixed.has(inst.id)) throw new ConfigError(`CUSTODY_CONNECTORS: instance id "${inst.id}" appears twice`);
    try {
      fixed.set(inst.id, resolveInstance(inst));
    } catch (err) {
      throw new ConfigError(`CUSTODY_CONNECTORS[${inst.id}]: ${(err as Error).message}`);
    }
  }
  return {
    get(id) {
      const f = fixed.get(id);
      if (f) return f;
      const d = dynamic?.get(id);
      return d ? resolveInstance(d) : undefined;
    },
  };
}
