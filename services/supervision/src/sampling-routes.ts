import type { AlertTable, SamplingPlanTable } from '@custody/control';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { SamplingPlan, periodOf, type SamplingPlanRow } from '@custody/supervision';
import { z } from 'zod';
import type { SeedCache } from './seed-cache';
import type { SeedKeeper } from './seed-keeper';
import { PeriodParams, PeriodView, PlanParams, PlanView } from './schemas';

export interface SamplingRouteDeps {
  plans: SamplingPlanTable;
  alerts: AlertTable;
  seeds: SeedCache;
  keeper: SeedKeeper;
}

const WRITERS = ['admin', 'compliance'] as const;
const READERS = ['admin', 'compliance', 'auditor'] as const;

/** Sampling plans, and each period's commitment, seed (once over) and sample: what anyone needs to recompute it. */
export function samplingRoutes(deps: SamplingRouteDeps): Route[] {
  const planView = async (row: SamplingPlanRow) => {
    const now = new Date();
    const seed = await deps.seeds.seedOf(row.tenant, row.plan.id, periodOf(now, row.plan.period).id);
    return {
      plan: row.plan,
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt,
      current: seed ? { period: seed.period, commitment: seed.commitment, committedAt: seed.committedAt } : null,
    };
  };
  return [
    route({
      method: 'PUT',
      url: '/v1/admin/supervision/sampling/:id',
      summary: 'Set sampling plans',
      description:
        '`{id, population: {employees, groups, channels}, rate, minimumPerPeriod, period}`: a record of the population is drawn when HMAC-SHA256(period seed, record id) < rate; the seeds of the current and next period are committed to WORM (and their SHA-256 audited) now, and each later one before its period starts. Records captured before a seed was committed are not drawn by it',
      access: { roles: WRITERS, audit: 'supervision.sampling.put' },
      schema: { params: PlanParams, body: SamplingPlan, response: { 200: z.object({ plan: PlanView }) } },
      invalid: { code: 'invalid_request', what: 'sampling plan' },
      handler: async (req, p) => {
        if (req.body.id !== req.params.id) throw new RejectedInputError('invalid_request', `the plan's id is ${req.body.id}, not ${req.params.id}`);
        const key = `${p.tenant}:${req.body.id}`;
        const before = deps.plans.get(key);
        const row: SamplingPlanRow = {
          tenant: p.tenant,
          plan: req.body,
          updatedBy: p.keyId,
          updatedAt: new Date().toISOString(),
          ...(before?.closedThrough && { closedThrough: before.closedThrough }),
        };
        await deps.plans.put(key, row);
        await deps.keeper.ensureSeeds(row);
        return { ...json(200, { plan: await planView(row) }), target: row.plan.id, details: { plan: row.plan } };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/supervision/sampling',
      summary: 'List sampling plans',
      access: { roles: READERS, audit: 'supervision.sampling.list' },
      schema: { response: { 200: z.object({ plans: z.array(PlanView) }) } },
      handler: async (_req, p) => {
        const rows = deps.plans
          .values()
          .filter((r) => r.tenant === p.tenant)
          .sort((a, b) => a.plan.id.localeCompare(b.plan.id));
        return json(200, { plans: await Promise.all(rows.map(planView)) });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/sampling/:id/periods/:period',
      summary: 'Read sampling periods',
      description:
        'The period’s seed commitment (SHA-256) and when it was committed; once the period is over, the seed itself, so anyone recomputes HMAC-SHA256(seed, record id) for every record of the population; and the records drawn',
      access: { roles: ['compliance', 'auditor', 'reviewer'], audit: 'supervision.sampling.period' },
      schema: { params: PeriodParams, response: { 200: PeriodView } },
      handler: async (req, p) => {
        const row = deps.plans.get(`${p.tenant}:${req.params.id}`);
        if (!row) throw new NotFoundError(`no sampling plan ${req.params.id}`);
        const seed = await deps.seeds.seedOf(p.tenant, row.plan.id, req.params.period);
        if (!seed) throw new NotFoundError(`no seed was committed for ${req.params.id} ${req.params.period}`);
        const over = Date.now() >= Date.parse(seed.end);
        const sampled = deps.alerts
          .values()
          .filter((a) => a.tenant === p.tenant && a.sample?.plan === row.plan.id && a.sample.period === seed.period)
          .map((a) => ({ record: a.record.id, score: a.sample!.score, by: a.sample!.by }))
          .sort((a, b) => a.score - b.score || a.record.localeCompare(b.record));
        return {
          ...json(200, {
            plan: row.plan.id,
            period: seed.period,
            start: seed.start,
            end: seed.end,
            commitment: seed.commitment,
            committedAt: seed.committedAt,
            seed: over ? seed.seed : null,
            sampled,
          }),
          target: `${row.plan.id}/${seed.period}`,
          details: { revealed: over },
        };
      },
    }),
  ];
}
