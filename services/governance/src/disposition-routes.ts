import type { RetentionTable } from '@custody/control';
import { json, type Route, audited, readBody, requireRole, type AuditedDeps } from '@custody/http';
import { z } from 'zod';
import { runDisposition, type DispositionDeps } from './disposition';

/** Deleting is irreversible: an empty body, or one without `dryRun`, only lists what would go. */
const Body = z.object({ dryRun: z.boolean().default(true).describe('List what would be disposed of and delete nothing (the default); false deletes') }).strict();

/** On-demand disposition for the caller's tenant (the scheduler runs the same function). */
export function dispositionRoutes(deps: AuditedDeps & DispositionDeps & { retention: RetentionTable }): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/admin/disposition',
      handler: audited(deps, 'disposition.run', async (p, req) => {
        requireRole(p, ['admin'], 'run disposition');
        const { dryRun } = await readBody(req, Body, 'disposition');
        const cert = await runDisposition(deps, { tenant: p.tenant, dryRun, policyVersion: deps.retention.get(p.tenant)?.version ?? null });
        return { response: json(200, cert), target: cert.runId, details: { dryRun: cert.dryRun, disposed: cert.disposed.length, kept: cert.kept, certificate: cert.certificate ?? null } };
      }),
    },
  ];
}
