import type { Bus } from '@custody/bus';
import { ApiKeyRecord, ConnectorInstance, KeyGrant } from '@custody/config';
import type { Logger } from '@custody/logger';
import { Directory, Employee, PendingResolution } from '@custody/identity';
import { Export, Hold, RetentionSettings } from '@custody/policy';
import { ConnectorActivityRow, type ConnectorActivityTable } from './connector-activity';
import { ControlTable, type RowCodec } from './control-table';
import { ReconciliationCountsRow, type ReconciliationCountsTable } from './reconciliation-counts';

export interface ControlTopics {
  apiKeys: string;
  keyGrants: string;
  connectors: string;
  directory: string;
  retention: string;
  holds: string;
  resolution: string;
  exports: string;
  activity: string;
  reconciliation: string;
}

export function controlTopicsFor(suffix = ''): ControlTopics {
  const s = suffix ? `.${suffix}` : '';
  return {
    apiKeys: `custody.control.api-keys.v1${s}`,
    keyGrants: `custody.control.key-grants.v1${s}`,
    connectors: `custody.control.connectors.v1${s}`,
    directory: `custody.control.directory.v1${s}`,
    retention: `custody.control.retention.v1${s}`,
    holds: `custody.control.holds.v1${s}`,
    resolution: `custody.control.directory-resolution.v1${s}`,
    exports: `custody.control.exports.v1${s}`,
    activity: `custody.control.connector-activity.v1${s}`,
    reconciliation: `custody.control.reconciliation.v1${s}`,
  };
}

/** API keys by the SHA-256 of their token. */
export type ApiKeyTable = ControlTable<ApiKeyRecord>;
/** Pending key grants by `${tenant}:${id}`. */
export type KeyGrantTable = ControlTable<KeyGrant>;
/** Connector instances by instance id. */
export type ConnectorTable = ControlTable<ConnectorInstance>;
/** Employees by `${tenant}:${employeeId}`. */
export type DirectoryTable = ControlTable<Employee>;
/** Each tenant's current retention settings, by tenant. */
export type RetentionTable = ControlTable<RetentionSettings>;
/** Legal holds by hold id. */
export type HoldTable = ControlTable<Hold>;
/** Exports (productions) by export id. */
export type ExportTable = ControlTable<Export>;
/** Directory changes not yet applied to earlier records, by tenant. */
export type PendingResolutionTable = ControlTable<PendingResolution>;

export interface ControlPlane {
  apiKeys: ApiKeyTable;
  keyGrants: KeyGrantTable;
  connectors: ConnectorTable;
  directory: DirectoryTable;
  retention: RetentionTable;
  holds: HoldTable;
  resolution: PendingResolutionTable;
  exports: ExportTable;
  /** Connector instances' activity (last event, events per hour, sequence gaps), by `${instance}@${writer}`. */
  activity: ConnectorActivityTable;
  /** What each stage counted per tenant, UTC day of receipt and connector, by `${tenant}/${day}/${writer}` (reconciliation-counts.ts). */
  reconciliation: ReconciliationCountsTable;
  /** The tenant's directory as of now, rebuilt only when the table changed. */
  directoryOf(tenant: string): Directory;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Seals connector secrets at rest (connectorSecretsCodec); a process that never reads or writes connector secrets can omit it. */
  connectorCodec?: RowCodec<ConnectorInstance>;
}

export async function openControlPlane(bus: Bus, topics: ControlTopics, logger: Logger, opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const apiKeys = new ControlTable(bus, topics.apiKeys, ApiKeyRecord, logger);
  const keyGrants = new ControlTable(bus, topics.keyGrants, KeyGrant, logger);
  const connectors = new ControlTable(bus, topics.connectors, ConnectorInstance, logger, opts.connectorCodec);
  const directory = new ControlTable(bus, topics.directory, Employee, logger);
  const retention = new ControlTable(bus, topics.retention, RetentionSettings, logger);
  const holds = new ControlTable(bus, topics.holds, Hold, logger);
  const resolution = new ControlTable(bus, topics.resolution, PendingResolution, logger);
  const exports = new ControlTable(bus, topics.exports, Export, logger);
  const activity = new ControlTable(bus, topics.activity, ConnectorActivityRow, logger);
  const reconciliation = new ControlTable(bus, topics.reconciliation, ReconciliationCountsRow, logger);
  const tables = [apiKeys, keyGrants, connectors, directory, retention, holds, resolution, exports, activity, reconciliation];
  await Promise.all(tables.map((t) => t.start()));
  const cache = new Map<string, { version: number; directory: Directory }>();
  return {
    apiKeys,
    keyGrants,
    connectors,
    directory,
    retention,
    holds,
    resolution,
    exports,
    activity,
    reconciliation,
    directoryOf(tenant) {
      const hit = cache.get(tenant);
      if (hit && hit.version === directory.version) return hit.directory;
      const built = new Directory(directory.values().filter((e) => e.tenant === tenant));
      cache.set(tenant, { version: directory.version, directory: built });
      return built;
    },
    stop: async () => void (await Promise.all(tables.map((t) => t.stop()))),
  };
}
