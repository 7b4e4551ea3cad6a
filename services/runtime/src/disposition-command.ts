import { BusAuditSink } from '@custody/api';
import { topicsFor } from '@custody/bus';
import type { Config } from '@custody/config';
import { controlTopicsFor, openControlPlane } from '@custody/control';
import { runDisposition, type DispositionCertificate } from '@custody/governance';
import type { Logger } from '@custody/logger';
import { createAdapters } from './adapters';

/**
 * `custody disposition --tenant <id> [--execute]`: one run (a dry run without --execute) against the configured store, outside
 * the server. Embedded mode needs the data directory to itself (stop Custody, or call
 * POST /v1/admin/disposition on the running instance).
 */
export async function dispositionCommand(config: Config, logger: Logger, tenant: string, dryRun: boolean): Promise<DispositionCertificate> {
  const adapters = await createAdapters(config, logger);
  try {
    const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
    await adapters.bus.ensureTopics([{ name: topics.audit }]);
    await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
    const control = await openControlPlane(adapters.bus, controlTopicsFor(config.CUSTODY_TOPIC_SUFFIX), logger);
    try {
      const cert = await runDisposition(
        { store: adapters.store, index: adapters.index, holds: control.holds, logger },
        { tenant, dryRun, policyVersion: control.retention.get(tenant)?.version ?? null },
      );
      await new BusAuditSink(adapters.bus, topics.audit).record({
        tenant,
        actor: { keyId: 'cli', role: 'system' },
        action: 'disposition.run',
        outcome: 'ok',
        status: 0,
        target: cert.runId,
        details: { dryRun, disposed: cert.disposed.length, kept: cert.kept, certificate: cert.certificate ?? null },
      });
      return cert;
    } finally {
      await control.stop();
    }
  } finally {
    await adapters.close();
  }
}
