import type { AnyConnector } from '@custody/connector-kit';
import type { ConnectorInstance } from '@custody/config';
import { ConfigError } from '@custody/errors';
import { formatIssues } from '@custody/envelope';
import { getConnector } from '@custody/connectors';

export interface ResolvedInstance {
  id: string;
  tenant: string;
  connector: AnyConnector;
  config: unknown;
}

/** Checks each configured instance against its connector's own schema at start-up, not at the first webhook. */
export function resolveInstances(instances: ConnectorInstance[]): Map<string, ResolvedInstance> {
  const out = new Map<string, ResolvedInstance>();
  for (const inst of instances) {
    if (out.has(inst.id)) throw new ConfigError(`CUSTODY_CONNECTORS: instance id "${inst.id}" appears twice`);
    let connector: AnyConnector;
    try {
      connector = getConnector(inst.connector);
    } catch (err) {
      throw new ConfigError(`CUSTODY_CONNECTORS[${inst.id}]: ${(err as Error).message}`);
    }
    const parsed = connector.configSchema.safeParse(inst.config);
    if (!parsed.success) throw new ConfigError(`CUSTODY_CONNECTORS[${inst.id}].config: ${formatIssues(parsed.error.issues)}`);
    out.set(inst.id, { id: inst.id, tenant: inst.tenant, connector, config: parsed.data });
  }
  return out;
}
