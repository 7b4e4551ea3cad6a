import type { RetentionTable } from '@custody/control';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';
import { runDisposition, type DispositionDeps } from './disposition';

/** Deleting is irreversible: an empty body, or one without `dryRun`, only lists what would go. */
const Body = z
  .object({ dryRun: z.boolean().default(true).describe('List what would be disposed of and delete nothing (the default); false deletes') })
  .strict();

/** On-demand disposition for the caller's tenant (the scheduler runs the same function). */
export function dispositionRoutes(deps: DispositionDeps & { retention: RetentionTable }): Route[] {
  return [
    route({
      method: 'POST',
      url: '/v1/admin/disposition',
      summary: 'Run disposition',
      description: '`{dryRun}` (default `true`: lists, deletes nothing; `false` deletes) → the disposition certificate',
      access: { roles: ['admin'], audit: 'disposition.run' },
      schema: {
        body: Body,
        response: { 200: z.looseObject({ runId: z.string(), dryRun: z.boolean(), disposed: z.array(z.unknown()), kept: z.looseObject({}) }) },
      },
      invalid: { code: 'invalid_request', what: 'disposition' },
      handler: async (req, p) => {
        const cert = await runDisposition(deps, { tenant: p.tenant, dryRun: req.body.dryRun, policyVersion: deps.retention.get(p.tenant)?.version ?? null });
        return {
          ...json(200, cert),
          target: cert.runId,
          details: { dryRun: cert.dryRun, disposed: cert.disposed.length, kept: cert.kept, certificate: cert.certificate ?? null },
        };
      },
    }),
  ];
}
