import type { Bus } from '@custody/bus';
import { ApiKeyRecord, ConnectorInstance, KeyGrant } from '@custody/config';
import type { Logger } from '@custody/logger';
import { Directory, Employee, PendingResolution } from '@custody/identity';
import { Export, Hold, RetentionSettings } from '@custody/policy';
import { Alert, Lookback, SamplingPlanRow } from '@custody/supervision';
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
  alerts: string;
  samplingPlans: string;
  lookbacks: string;
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
    alerts: `custody.control.supervision-alerts.v1${s}`,
    samplingPlans: `custody.control.supervision-sampling.v1${s}`,
    lookbacks: `custody.control.supervision-lookbacks.v1${s}`,
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
/** Supervision alerts by alert id (the id names its tenant's record: see alertId). */
export type AlertTable = ControlTable<Alert>;
/** Sampling plans by `${tenant}:${plan id}`. */
export type SamplingPlanTable = ControlTable<SamplingPlanRow>;
/** Lookback jobs by id. */
export type LookbackTable = ControlTable<Lookback>;
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
  alerts: AlertTable;
  samplingPlans: SamplingPlanTable;
  lookbacks: LookbackTable;
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
  const alerts = new ControlTable(bus, topics.alerts, Alert, logger);
  const samplingPlans = new ControlTable(bus, topics.samplingPlans, SamplingPlanRow, logger);
  const lookbacks = new ControlTable(bus, topics.lookbacks, Lookback, logger);
  const tables = [apiKeys, keyGrants, connectors, directory, retention, holds, resolution, exports, activity, reconciliation, alerts, samplingPlans, lookbacks];
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
    alerts,
    samplingPlans,
    lookbacks,
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
