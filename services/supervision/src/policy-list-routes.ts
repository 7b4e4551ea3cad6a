import type { ArchiveStore } from '@custody/archive-store';
import { json, route, type Route } from '@custody/http';
import { currentPolicies, starterPacks } from '@custody/supervision';
import { z } from 'zod';

const READERS = ['admin', 'compliance', 'auditor', 'reviewer'] as const;

/** The tenant's policies in force, and the starter packs a tenant may enable (archive one as a version with PUT). */
export function policyListRoutes(deps: { store: ArchiveStore }): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/admin/supervision/policies',
      summary: 'List supervision policies',
      description: 'Each policy of the tenant with the version in force, read from WORM',
      access: { roles: READERS, audit: 'supervision.policies.list' },
      schema: {
        response: {
          200: z.object({
            policies: z.array(
              z.object({ policyId: z.string(), name: z.string(), severity: z.string(), version: z.string(), archivedAt: z.string(), rules: z.number().int() }),
            ),
          }),
        },
      },
      handler: async (_req, p) => {
        const policies = (await currentPolicies(deps.store, p.tenant)).map((v) => ({
          policyId: v.policyId,
          name: v.policy.name,
          severity: v.policy.severity,
          version: v.version,
          archivedAt: v.archivedAt,
          rules: v.policy.rules.length,
        }));
        return json(200, { policies });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/supervision/starter-packs',
      summary: 'List supervision starter packs',
      description:
        'The packs shipped with Custody (guarantees, complaints, off-channel, evidence destruction, gifts and entertainment, MNPI; six languages), each with its YAML source to PUT as a policy',
      access: { roles: ['admin', 'compliance'], audit: 'supervision.starter_packs.list' },
      schema: { response: { 200: z.object({ packs: z.array(z.object({ id: z.string(), name: z.string(), source: z.string() })) }) } },
      handler: async () => json(200, { packs: starterPacks().map((p) => ({ id: p.id, name: p.policy.name, source: p.source })) }),
    }),
  ];
}
