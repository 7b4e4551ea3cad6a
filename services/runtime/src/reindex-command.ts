import { BusAuditSink } from '@custody/api';
import { reindexTenant, type ReindexReport } from '@custody/archiver';
import { topicsFor } from '@custody/bus';
import type { Config } from '@custody/config';
import { TenantLockPolicy, controlTopicsFor, openControlPlane } from '@custody/control';
import type { Logger } from '@custody/logger';
import { createAdapters } from './adapters';

/**
 * `custody reindex --tenant <id>`: rebuilds the tenant's index entries from the WORM store (see
 * reindexTenant), outside the server. Embedded mode needs the data directory to itself, as the other
 * maintenance commands do. The run is audited like any other action on a tenant's archive.
 */
export async function reindexCommand(config: Config, logger: Logger, tenant: string, onProgress: (r: ReindexReport) => void): Promise<ReindexReport> {
  const adapters = await createAdapters(config, logger);
  try {
    const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
    await adapters.bus.ensureTopics([{ name: topics.audit }]);
    await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
    const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger);
    try {
      // the archiver's own policy: the same directory resolution and hold coverage as at capture
      const policy = new TenantLockPolicy(
        control.retention,
        control.holds,
        config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400,
        config.CUSTODY_MIN_LOCK_SECONDS,
        (t) => control.directoryOf(t),
      );
      const report = await reindexTenant({ store: adapters.store, index: adapters.index, policy, logger }, tenant, onProgress);
      await new BusAuditSink(adapters.bus, topics.audit).record({
        tenant,
        actor: { keyId: 'cli', role: 'system' },
        action: 'index.rebuild',
        outcome: report.failed.length ? 'failed' : 'ok',
        status: 0,
        target: tenant,
        details: { records: report.records, indexed: report.indexed, failed: report.failed.length, ms: report.ms },
      });
      return report;
    } finally {
      await control.stop();
    }
  } finally {
    await adapters.close();
  }
}
