import type { Bus } from '@custody/bus';
import { ApiKeyRecord, ConnectorInstance } from '@custody/config';
import type { Logger } from '@custody/logger';
import { ControlTable } from './control-table';

export interface ControlTopics {
  apiKeys: string;
  connectors: string;
}

export function controlTopicsFor(suffix = ''): ControlTopics {
  const s = suffix ? `.${suffix}` : '';
  return { apiKeys: `custody.control.api-keys.v1${s}`, connectors: `custody.control.connectors.v1${s}` };
}

/** API keys by the SHA-256 of their token. */
export type ApiKeyTable = ControlTable<ApiKeyRecord>;
/** Connector instances by instance id. */
export type ConnectorTable = ControlTable<ConnectorInstance>;

export async function openControlPlane(bus: Bus, topics: ControlTopics, logger: Logger): Promise<{ apiKeys: ApiKeyTable; connectors: ConnectorTable; stop(): Promise<void> }> {
  const apiKeys = new ControlTable(bus, topics.apiKeys, ApiKeyRecord, logger);
  const connectors = new ControlTable(bus, topics.connectors, ConnectorInstance, logger);
  await Promise.all([apiKeys.start(), connectors.start()]);
  return { apiKeys, connectors, stop: async () => void (await Promise.all([apiKeys.stop(), connectors.stop()])) };
}
