import type { ConnectorInstance } from '@custody/config';
import {
  buildReconciliationReport,
  connectorHealth,
  countsOfDay,
  utcDay,
  type ControlTable,
  type InstanceActivity,
  type ReconciliationCountsRow,
  type SilencePolicy,
} from '@custody/control';
import { json, route, type Route } from '@custody/http';
import { z } from 'zod';

/** How long the route waits for the bus to tell a group's lag before it answers without it. */
const LAG_TIMEOUT_MS = 2_000;

export interface HealthDeps {
  /** Instances the tenants' admins created. */
  connectors: ControlTable<ConnectorInstance>;
  /** Instances configured by the operator (CUSTODY_CONNECTORS). */
  configured?: readonly ConnectorInstance[];
  /** Connector activity by instance id, merged over every gateway. */
  activity: () => Map<string, InstanceActivity>;
  silence: SilencePolicy;
  /** Every writer's reconciliation count rows. */
  counts: () => ReconciliationCountsRow[];
  /** The pipeline's consumer groups and the topics each reads. */
  consumers: ReadonlyArray<{ group: string; topics: string[] }>;
  /** Records of `topics` the group has not committed (the bus's own count, as /metrics reads it). */
  lag(group: string, topics: string[]): Promise<number>;
  now?: () => Date;
}

const Health = z.object({
  consumers: z
    .array(
      z.object({
        group: z.string().describe('Consumer group: the archiver, the audit archiver, the record log, the attachment fetcher'),
        lagRecords: z
          .number()
          .int()
          .nullable()
          .describe(
            'Records on its topics not yet committed, over every tenant (operational, not tenant data); a group no process runs counts everything. null when the bus did not answer in 2 s',
          ),
      }),
    )
    .describe("The pipeline's backlog: growing lag means records wait to be archived"),
  today: z
    .object({
      day: z.string().describe('The UTC day under way, YYYY-MM-DD'),
      received: z.number().int(),
      quarantined: z.number().int(),
      archived: z.number().int(),
      duplicates: z.number().int(),
      deadLettered: z.number().int(),
      indexed: z.number().int(),
      unaccounted: z.number().int().describe('received − quarantined − archived − duplicates − deadLettered: still in flight, or lost'),
      notIndexed: z.number().int().describe('archived + duplicates − indexed: archived records the search index has not taken'),
    })
    .describe("The tenant's counts so far today, over every connector: the totals of GET /v1/admin/reconciliation?date=<today>"),
  connectors: z
    .array(
      z.object({
        id: z.string().describe('The instance: its name (as in GET /v1/admin/connectors), or the operator-configured id'),
        connector: z.string().describe('Connector type'),
        lastEventAt: z.string().nullable().describe('When it last delivered an authentic webhook; null when never'),
        silent: z.boolean().describe('Normally busy and quiet for CUSTODY_SILENCE_AFTER_MINUTES (see GET /v1/admin/connectors/:id/health)'),
        since: z.string().nullable().describe('When silent: since when; else null'),
        quarantinedToday: z
          .number()
          .int()
          .describe("Inputs refused at capture today by the tenant's connectors of this type: counts are kept per connector type, not per instance"),
        deadLetteredToday: z
          .number()
          .int()
          .describe("Records of the tenant's connectors of this type dead-lettered today before the store took them: per connector type, not per instance"),
      }),
    )
    .describe("The tenant's connector instances, by id"),
});

/** The tenant's connector instances, each under the id its admins know it by. */
function instancesOf(deps: HealthDeps, tenant: string): Array<{ id: string; inst: ConnectorInstance }> {
  const created = deps.connectors
    .values()
    .filter((c) => c.tenant === tenant)
    .map((inst) => ({ id: inst.name ?? inst.id, inst }));
  const configured = (deps.configured ?? []).filter((c) => c.tenant === tenant).map((inst) => ({ id: inst.id, inst }));
  return [...created, ...configured].sort((a, b) => a.id.localeCompare(b.id));
}

/** One group's lag, or null when the bus cannot say in time: the rest of the view is still worth having. */
async function lagOf(deps: HealthDeps, group: string, topics: string[]): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LAG_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([deps.lag(group, topics), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The pipeline's health at a glance for the console's dashboard: backlog, today's counts, the tenant's connectors. */
export function healthRoutes(deps: HealthDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/admin/health',
      summary: 'Read the pipeline health',
      description:
        "`{consumers: [{group, lagRecords}], today: {day, received, quarantined, archived, duplicates, deadLettered, indexed, unaccounted, notIndexed}, connectors: [{id, connector, lastEventAt, silent, since, quarantinedToday, deadLetteredToday}]}`: consumer lag (process-wide; null when the bus does not answer), the tenant's counts so far today, and its connector instances with today's quarantined and dead-lettered counts of their connector type",
      access: { roles: ['admin', 'compliance', 'auditor'], audit: 'health.read' },
      schema: { response: { 200: Health } },
      handler: async (_req, p) => {
        const now = deps.now?.() ?? new Date();
        const day = utcDay(now)!;
        const consumers = await Promise.all(deps.consumers.map(async (c) => ({ group: c.group, lagRecords: await lagOf(deps, c.group, c.topics) })));
        // the day's report as GET /v1/admin/reconciliation makes it, without the checkpoint it does not need here
        const report = buildReconciliationReport({
          tenant: p.tenant,
          day,
          counts: countsOfDay(deps.counts(), p.tenant, day),
          activity: [],
          recordLog: null,
          generatedAt: now,
          final: false,
        });
        const { differences, ...totals } = report.totals;
        const byType = new Map(report.connectors.map((c) => [c.connector, c]));
        const activity = deps.activity();
        const connectors = instancesOf(deps, p.tenant).map(({ id, inst }) => {
          const health = connectorHealth(activity.get(inst.id), now, deps.silence);
          const counts = byType.get(inst.connector);
          return {
            id,
            connector: inst.connector,
            lastEventAt: health.lastEventAt,
            silent: health.silent,
            since: health.since,
            quarantinedToday: counts?.quarantined ?? 0,
            deadLetteredToday: counts?.deadLettered ?? 0,
          };
        });
        return json(200, { consumers, today: { day, ...totals, ...differences }, connectors });
      },
    }),
  ];
}
