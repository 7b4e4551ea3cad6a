import type { Config } from '@custody/config';
import { runDisposition, type DispositionCertificate } from '@custody/governance';
import type { Logger } from '@custody/logger';
import { withMaintenanceSession } from './maintenance-session';

/**
 * `custody disposition --tenant <id> [--execute]`: one run (a dry run without --execute) against the configured store, outside
 * the server. Embedded mode needs the data directory to itself (stop Custody, or call
 * POST /v1/admin/disposition on the running instance).
 */
export async function dispositionCommand(config: Config, logger: Logger, tenant: string, dryRun: boolean): Promise<DispositionCertificate> {
  return withMaintenanceSession(config, logger, async ({ adapters, control, audit }) => {
    const cert = await runDisposition(
      { store: adapters.store, index: adapters.index, holds: control.holds, logger },
      { tenant, dryRun, policyVersion: control.retention.get(tenant)?.version ?? null },
    );
    await audit.record({
      tenant,
      actor: { keyId: 'cli', role: 'system' },
      action: 'disposition.run',
      outcome: 'ok',
      status: 0,
      target: cert.runId,
      details: { dryRun, disposed: cert.disposed.length, kept: cert.kept, certificate: cert.certificate ?? null },
    });
    return cert;
  });
}
