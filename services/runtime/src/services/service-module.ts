import type { ArchiveStore } from '@custody/archive-store';
import type { LockPolicy } from '@custody/policy';
import type { Bus, Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import type { ActivityTracker, ControlPlane, ReconciliationCounter, SilencePolicy, TenantLockPolicy } from '@custody/control';
import type { HoldJobs, DirectoryResolution } from '@custody/governance';
import type { ExportJobs } from '@custody/exports';
import type { Supervision } from '@custody/supervision-service';
import type { ConnectorInstances } from '@custody/connectors';
import type { AuditSink, Limiter, Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import type { SearchIndex } from '@custody/search-index';
import type { custodyMetrics } from '../metrics';
import type { LogKeys } from '../log-signing-key';

/** What every service of a process shares: configuration, adapters, the control plane, the audit sink. */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  topics: Topics;
  adapters: { bus: Bus; store: ArchiveStore; index: SearchIndex };
  control: ControlPlane;
  instances: ConnectorInstances;
  metrics: ReturnType<typeof custodyMetrics>;
  audit: AuditSink;
  /** What the archiver and media worker lock records by (tests may pass their own). */
  lockPolicy: LockPolicy;
  tenantPolicy: TenantLockPolicy;
  holdJobs: HoldJobs;
  exportJobs: ExportJobs;
  /** Screening, sampling, lookbacks and review (run by the API process). */
  supervision: Supervision;
  resolution: DirectoryResolution;
  /** Checkpoint signing and the public keys that verify them. */
  logKeys: LogKeys;
  /** `tenant:preset` pairs the operator released (CUSTODY_RELEASE_PRESETS). */
  releasedPresets: ReadonlySet<string>;
  http: { limiter(perMinute: number): Limiter };
  /** Per connector instance: deliveries counted by this process's gateway, every writer's rows readable. */
  activity: ActivityTracker;
  /** When a connector instance counts as silent (CUSTODY_SILENCE_*). */
  silence: SilencePolicy;
  /** What this process's stages did per tenant, day of receipt and connector, for the daily reconciliation report. */
  reconciliation: ReconciliationCounter;
}

export interface Started {
  /** Consumer groups to join once HTTP is up (see startInBackground). */
  consumers?: Array<{ what: string; start: () => Promise<void> }>;
  stop?(): Promise<void>;
}

/** One of CUSTODY_SERVICES: what it starts and the routes it serves. */
export interface ServiceModule {
  name: string;
  start(ctx: ServiceContext): Promise<Started>;
  routes(ctx: ServiceContext): Route[];
}
