import type { ArchiveStore } from '@custody/archive-store';
import type { AlertTable, SamplingPlanTable } from '@custody/control';
import { errorMessage } from '@custody/errors';
import type { AuditSink } from '@custody/http';
import type { Logger } from '@custody/logger';
import type { IndexDoc, SearchIndex } from '@custody/search-index';
import {
  alertId,
  commitSeed,
  inPopulation,
  newAlert,
  periodOf,
  LowestScores,
  sampleScore,
  type Alert,
  type CommittedSeed,
  type SamplingPlanRow,
} from '@custody/supervision';
import { SUPERVISION_ACTOR, raiseAlerts } from './alert-sink';
import type { DirectoryView } from './directory-view';
import type { SeedCache } from './seed-cache';

export interface SeedKeeperDeps {
  store: ArchiveStore;
  index: SearchIndex;
  plans: SamplingPlanTable;
  alerts: AlertTable;
  seeds: SeedCache;
  directory: DirectoryView;
  audit: AuditSink;
  logger: Logger;
  /** How often plans are visited (tests shorten it). */
  intervalMs?: number;
}

const INTERVAL_MS = 60_000;
const SEARCH_PAGE = 500;

/**
 * Keeps every sampling plan's seeds committed ahead: the current period's (when a plan starts
 * mid-period, records captured before the commit are not drawn: see sampleAlert) and the next
 * one's, each in WORM with an audit event naming its SHA-256 before the period starts. When a
 * period with a minimum has ended, tops its sample up with the lowest-scoring records of the
 * population, the same list anyone recomputes from the revealed seed (periodSample).
 */
export class SeedKeeper {
  private timer?: NodeJS.Timeout;
  private visiting?: Promise<void>;
  constructor(private readonly deps: SeedKeeperDeps) {}

  start(): void {
    const tick = () => {
      this.visiting ??= this.visitAll().finally(() => (this.visiting = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs ?? INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.visiting;
  }

  async visitAll(now = new Date()): Promise<void> {
    for (const row of this.deps.plans.values()) {
      try {
        await this.ensureSeeds(row, now);
        await this.topUp(row, now);
      } catch (err) {
        this.deps.logger.warn({ event: 'sampling_visit_failed', tenant: row.tenant, plan: row.plan.id, err: errorMessage(err) });
      }
    }
  }

  /** Commits the current and the next period's seeds of a plan (idempotent); the current one's is returned. */
  async ensureSeeds(row: SamplingPlanRow, now = new Date()): Promise<CommittedSeed> {
    const current = periodOf(now, row.plan.period);
    const seeds = [];
    for (const at of [now, current.end]) {
      const seed = await commitSeed(this.deps.store, row.tenant, row.plan.id, row.plan.period, at);
      if (seed.created)
        await this.deps.audit.record({
          tenant: row.tenant,
          actor: SUPERVISION_ACTOR,
          action: 'supervision.sampling.seed_committed',
          outcome: 'ok',
          status: 0,
          target: `${row.plan.id}/${seed.period}`,
          details: { plan: row.plan.id, period: seed.period, start: seed.start, end: seed.end, commitment: seed.commitment, committedAt: seed.committedAt },
        });
      this.deps.seeds.remember(row.tenant, seed);
      seeds.push(seed);
    }
    return seeds[0];
  }

  /** The ended period before now, topped up to the plan's minimum once. */
  private async topUp(row: SamplingPlanRow, now: Date): Promise<void> {
    const ended = periodOf(new Date(periodOf(now, row.plan.period).start.getTime() - 1), row.plan.period);
    if (row.plan.minimumPerPeriod === 0 || row.closedThrough === ended.id) return;
    const seed = await this.deps.seeds.seedOf(row.tenant, row.plan.id, ended.id);
    if (seed) {
      const { lowest, size } = await this.lowestOfPopulation(row, ended.start, ended.end, seed);
      const alerts: Alert[] = lowest.map(({ id, score, item: d }) =>
        newAlert({
          id: alertId(row.tenant, { plan: row.plan.id }, id),
          tenant: row.tenant,
          kind: 'sample',
          queue: row.plan.id,
          record: {
            id,
            conversation: d.conversationId,
            channel: d.channel,
            kind: d.kind,
            direction: d.direction,
            sentAt: d.sentAt,
            employeeIds: [...d.employeeIds].sort(),
            key: d.archive.key,
            versionId: d.archive.versionId ?? '',
            sha256: d.archive.sha256,
          },
          sample: { plan: row.plan.id, period: ended.id, score, by: score < row.plan.rate ? 'rate' : 'minimum' },
          raisedAt: now.toISOString(),
          source: 'sampling',
        }),
      );
      // records under the rate were drawn at capture: raising them again changes nothing (one alert per plan and record)
      const raised = await raiseAlerts(this.deps, alerts);
      this.deps.logger.info({
        event: 'sampling_period_closed',
        tenant: row.tenant,
        plan: row.plan.id,
        period: ended.id,
        population: size,
        raised: raised.length,
      });
    }
    const latest = this.deps.plans.get(`${row.tenant}:${row.plan.id}`);
    if (latest) await this.deps.plans.put(`${row.tenant}:${row.plan.id}`, { ...latest, closedThrough: ended.id });
  }

  /**
   * The `minimumPerPeriod` lowest-scoring records of the plan's population in a period (sent in it,
   * captured after the seed was committed): periodSample's minimum, in one pass over the index with
   * memory bounded by the minimum.
   */
  private async lowestOfPopulation(row: SamplingPlanRow, start: Date, end: Date, seed: CommittedSeed) {
    const lowest = new LowestScores<IndexDoc>(row.plan.minimumPerPeriod);
    let size = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.index.search(row.tenant, { from: start.toISOString(), to: end.toISOString(), size: SEARCH_PAGE, sort: 'oldest', cursor });
      for (const d of page.hits) {
        if (d.capturedAt < seed.committedAt || !inPopulation(row.plan, d.employeeIds, (e) => this.deps.directory.groupsOf(row.tenant, e), d.channel)) continue;
        size++;
        lowest.add(d.id, sampleScore(seed.seed, d.id), d);
      }
      cursor = page.cursor;
    } while (cursor);
    return { lowest: lowest.list(), size };
  }
}
