import type { Config } from '@custody/config';
import { RejectedInputError } from '@custody/errors';
import { ExportJobs, writePackage } from '@custody/exports';
import type { Logger } from '@custody/logger';
import { ExportRequest, type Export } from '@custody/policy';
import { withMaintenanceSession } from './maintenance-session';
import { custodyVersion } from './version';
import { catchUpRecordLog } from './record-log-catch-up';
import { loadLogKeys, publishedKeys } from './log-signing-key';

export type ExportCommand = { tenant: string; out: string } & ({ resume: string } | { request: ExportRequest });

const CLI_ACTOR = { keyId: 'cli', role: 'system' };

/**
 * `custody export`: produces a package on the host, outside the server (embedded mode needs the data
 * directory to itself), then writes it into a directory, every file re-hashed. The export is the same
 * job the API runs — planned, produced by units, written to WORM — so a run stopped anywhere (Ctrl-C,
 * kill -9) continues with `--resume <export id>`. Requested, finished and written-out exports are audited.
 */
export async function exportCommand(config: Config, logger: Logger, cmd: ExportCommand, progress: (e: Export) => void): Promise<Export> {
  return withMaintenanceSession(
    config,
    logger,
    async (session) => {
      const { adapters, control, audit } = session;
      await catchUpRecordLog(config, logger, session);
      const jobs = new ExportJobs({
        store: adapters.store,
        index: adapters.index,
        holds: control.holds,
        exports: control.exports,
        audit,
        logger,
        retentionDays: config.CUSTODY_EXPORT_RETENTION_DAYS,
        custodyVersion: custodyVersion(),
        verificationKeys: publishedKeys(await loadLogKeys(config, logger)),
      });
      let id: string;
      if ('resume' in cmd) {
        const found = control.exports.get(cmd.resume);
        if (!found || found.tenant !== cmd.tenant) throw new RejectedInputError('not_found', `no export ${cmd.resume} of tenant ${cmd.tenant}`, 404);
        id = found.id;
      } else {
        const exp = await jobs.request(cmd.tenant, CLI_ACTOR, cmd.request);
        await audit.record({
          tenant: cmd.tenant,
          actor: CLI_ACTOR,
          action: 'exports.request',
          outcome: 'ok',
          status: 0,
          target: exp.id,
          details: { name: exp.name, scope: exp.scope, formats: exp.formats },
        });
        id = exp.id;
      }
      const ticker = setInterval(() => progress(control.exports.get(id)!), 500);
      try {
        await jobs.start(id);
      } finally {
        clearInterval(ticker);
        await jobs.stop();
      }
      const exp = control.exports.get(id)!;
      progress(exp);
      if (exp.job.phase !== 'done') return exp;
      const written = await writePackage(adapters.store, exp, cmd.out);
      await audit.record({
        tenant: exp.tenant,
        actor: CLI_ACTOR,
        action: 'exports.download',
        outcome: 'ok',
        status: 0,
        target: exp.id,
        details: { name: exp.name, manifestSha256: exp.result!.manifestSha256, files: written.files, to: 'directory' },
      });
      return exp;
      // the export reads the embedded index once, to plan: cached or mapped, its pages would sit in RSS for nothing
    },
    { indexMemory: { cacheMiB: 4, mapMiB: 0 } },
  );
}
