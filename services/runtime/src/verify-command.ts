import type { Config } from '@custody/config';
import type { Logger } from '@custody/logger';
import { archiveVerificationReport, verifyTenant, type VerificationReport, type VerifyOptions } from '@custody/record-log';
import { allDocs } from '@custody/search-index';
import { loadLogKeys } from './log-signing-key';
import { withMaintenanceSession } from './maintenance-session';
import { catchUpRecordLog } from './record-log-catch-up';

export interface VerifyCommand {
  tenant: string;
  from?: Date;
  to?: Date;
  sample?: number;
  audit?: boolean;
}

/**
 * `custody verify --tenant <id>`: verifies the tenant's archive from the WORM store (verifyTenant),
 * checks the index against it, archives the report to WORM and audits the run. Embedded mode needs
 * the data directory to itself, as the other maintenance commands do (POST /v1/admin/verify runs the
 * same check inside the server).
 */
export async function verifyCommand(
  config: Config,
  logger: Logger,
  cmd: VerifyCommand,
  onProgress: VerifyOptions['onProgress'],
): Promise<{ report: VerificationReport; archived: { key: string; versionId: string; sha256: string } }> {
  return withMaintenanceSession(config, logger, async (session) => {
    const { adapters, audit } = session;
    await catchUpRecordLog(config, logger, session);
    const keys = await loadLogKeys(config, logger);
    const report = await verifyTenant(adapters.store, {
      tenant: cmd.tenant,
      trusted: keys.trusted,
      from: cmd.from,
      to: cmd.to,
      sample: cmd.sample,
      audit: cmd.audit,
      indexed: async function* () {
        for await (const doc of allDocs(adapters.index, cmd.tenant))
          yield { id: doc.id, key: doc.archive.key, versionId: doc.archive.versionId, logSequence: doc.logSequence };
      },
      onProgress,
    });
    const archived = await archiveVerificationReport(adapters.store, report);
    await audit.record({
      tenant: cmd.tenant,
      actor: { keyId: 'cli', role: 'system' },
      action: 'archive.verify',
      outcome: report.ok ? 'ok' : 'failed',
      status: 0,
      target: report.runId,
      details: { report: archived.key, sha256: archived.sha256, problems: report.problems.length, logSize: report.log.size },
    });
    return { report, archived };
  });
}
