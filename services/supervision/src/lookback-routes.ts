import type { LookbackTable } from '@custody/control';
import { NotFoundError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import type { Lookback } from '@custody/supervision';
import { z } from 'zod';
import type { LookbackJobs } from './lookback-jobs';
import { LookbackParams, LookbackRequest, LookbackView } from './schemas';

const view = ({ tenant: _t, ...l }: Lookback) => l;

export function lookbackRoutes(deps: { lookbacks: LookbackTable; jobs: LookbackJobs }): Route[] {
  return [
    route({
      method: 'POST',
      url: '/v1/supervision/lookbacks',
      summary: 'Run lookbacks',
      description:
        '`{policyId, version?, from, to, raiseAlerts?, draft?}`: runs the policy version over the records sent in the range as a resumable job (202); its result is identified by `inputsHash` = SHA-256 of (policy version, normalizer version, corpus manifest) and the same inputs give the same `resultSha256`. With `draft` it is a dry run: the draft is screened beside the version, nothing is raised, and the result lists the hits it would add and drop',
      access: { roles: ['compliance'], audit: 'supervision.lookbacks.start' },
      schema: { body: LookbackRequest, response: { 202: z.object({ lookback: LookbackView }) } },
      invalid: { code: 'invalid_request', what: 'lookback' },
      handler: async (req, p) => {
        const lookback = await deps.jobs.request(p.tenant, p.keyId, req.body);
        return {
          ...json(202, { lookback: view(lookback) }),
          target: lookback.id,
          details: { policy: lookback.policyId, version: lookback.version, draft: lookback.draftVersion ?? null, from: lookback.from, to: lookback.to },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/lookbacks',
      summary: 'List lookbacks',
      access: { roles: ['compliance', 'auditor'], audit: 'supervision.lookbacks.list' },
      schema: { response: { 200: z.object({ lookbacks: z.array(LookbackView) }) } },
      handler: async (_req, p) =>
        json(200, {
          lookbacks: deps.lookbacks
            .values()
            .filter((l) => l.tenant === p.tenant)
            .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))
            .map(view),
        }),
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/lookbacks/:id',
      summary: 'Read lookbacks',
      description: 'Progress (`job`), and once done the result: inputsHash, corpusSha256, resultSha256, counts, and a dry run’s diff',
      access: { roles: ['compliance', 'auditor'], audit: 'supervision.lookbacks.read' },
      schema: { params: LookbackParams, response: { 200: z.object({ lookback: LookbackView }) } },
      handler: async (req, p) => {
        const l = deps.lookbacks.get(req.params.id);
        if (!l || l.tenant !== p.tenant) throw new NotFoundError(`no lookback ${req.params.id}`);
        return { ...json(200, { lookback: view(l) }), target: l.id };
      },
    }),
  ];
}
