import { BusAuditSink } from '@custody/api';
import { topicsFor } from '@custody/bus';
import type { Config } from '@custody/config';
import { TenantLockPolicy, controlTopicsFor, openControlPlane, type ControlPlane } from '@custody/control';
import type { Logger } from '@custody/logger';
import type { IndexMemory } from '@custody/search-index';
import { createAdapters, type Adapters } from './adapters';

export interface MaintenanceSession {
  adapters: Adapters;
  control: ControlPlane;
  /** The audit trail, where the command records what it did. */
  audit: BusAuditSink;
}

/**
 * What a maintenance command (disposition, reindex) runs on, outside the server: the configured
 * adapters with the store and index ready, the control plane read, the audit topic there; all
 * released when `run` ends. Embedded mode needs the data directory to itself (the data-dir lock).
 */
export async function withMaintenanceSession<T>(
  config: Config,
  logger: Logger,
  run: (session: MaintenanceSession) => Promise<T>,
  opts: { indexMemory?: IndexMemory } = {},
): Promise<T> {
  const adapters = await createAdapters(config, logger, opts);
  try {
    const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
    await adapters.bus.ensureTopics([{ name: topics.audit }]);
    await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
    const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger);
    try {
      return await run({ adapters, control, audit: new BusAuditSink(adapters.bus, topics.audit) });
    } finally {
      await control.stop();
    }
  } finally {
    await adapters.close();
  }
}

/** The archiver's lock policy: the tenant's retention and holds, participants resolved by its directory. */
export function tenantLockPolicy(config: Config, control: ControlPlane): TenantLockPolicy {
  return new TenantLockPolicy(control.retention, control.holds, config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, config.CUSTODY_MIN_LOCK_SECONDS, (tenant) =>
    control.directoryOf(tenant),
  );
}
