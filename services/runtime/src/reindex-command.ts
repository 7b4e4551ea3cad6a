import { reindexTenant, type ReindexReport } from '@custody/archiver';
import type { Config } from '@custody/config';
import type { Logger } from '@custody/logger';
import { tenantLockPolicy, withMaintenanceSession } from './maintenance-session';

/**
 * `custody reindex --tenant <id>`: rebuilds the tenant's index entries from the WORM store (see
 * reindexTenant), outside the server. Embedded mode needs the data directory to itself, as the other
 * maintenance commands do. The run is audited like any other action on a tenant's archive.
 */
export async function reindexCommand(config: Config, logger: Logger, tenant: string, onProgress: (r: ReindexReport) => void): Promise<ReindexReport> {
  return withMaintenanceSession(config, logger, async ({ adapters, control, audit }) => {
    // the archiver's own policy: the same directory resolution and hold coverage as at capture
    const policy = tenantLockPolicy(config, control);
    const report = await reindexTenant({ store: adapters.store, index: adapters.index, policy, logger }, tenant, onProgress);
    await audit.record({
      tenant,
      actor: { keyId: 'cli', role: 'system' },
      action: 'index.rebuild',
      outcome: report.failed.length ? 'failed' : 'ok',
      status: 0,
      target: tenant,
      details: { records: report.records, indexed: report.indexed, failed: report.failed.length, ms: report.ms },
    });
    return report;
  });
}
