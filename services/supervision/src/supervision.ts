import type { ArchiveStore } from '@custody/archive-store';
import type { Bus, DeadLetterMetrics } from '@custody/bus';
import type { AlertTable, DirectoryTable, LookbackTable, SamplingPlanTable } from '@custody/control';
import type { AuditSink, Principal, Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import type { SearchIndex } from '@custody/search-index';
import type { Alert } from '@custody/supervision';
import { alertActionRoutes, type PlaceHold } from './alert-action-routes';
import { alertRoutes } from './alert-routes';
import { screenedEnvelope } from './screened-record';
import { reviewerScope } from './alert-access';
import { directoryView } from './directory-view';
import { LookbackJobs } from './lookback-jobs';
import { lookbackRoutes } from './lookback-routes';
import { PolicyCache } from './policy-cache';
import { policyListRoutes } from './policy-list-routes';
import { policyRoutes } from './policy-routes';
import { reportRoutes } from './report-routes';
import { samplingRoutes } from './sampling-routes';
import { Screener } from './screener';
import { SeedCache } from './seed-cache';
import { SeedKeeper } from './seed-keeper';

export interface SupervisionDeps {
  bus: Bus;
  store: ArchiveStore;
  index: SearchIndex;
  tables: { alerts: AlertTable; samplingPlans: SamplingPlanTable; lookbacks: LookbackTable; directory: DirectoryTable };
  topics: { recordLog: string; dlq: string };
  /** The screener's consumer group (CUSTODY_SUPERVISION_GROUP). */
  groupId: string;
  audit: AuditSink;
  logger: Logger;
  placeHold: PlaceHold;
  /** Counts what the screener dead-letters, as every consumer's are counted. */
  metrics?: DeadLetterMetrics;
  /** How often sampling plans are visited (seeds ahead, minimums topped up); tests shorten it. */
  samplingIntervalMs?: number;
}

/** Supervision's parts, built once per process: the screener (a consumer), the seed keeper and lookback jobs (background work), and the routes. */
export class Supervision {
  readonly screener: Screener;
  readonly keeper: SeedKeeper;
  readonly lookbacks: LookbackJobs;
  readonly policies: PolicyCache;
  readonly seeds: SeedCache;

  constructor(readonly deps: SupervisionDeps) {
    const directory = directoryView(deps.tables.directory);
    this.policies = new PolicyCache(deps.store);
    this.seeds = new SeedCache(deps.store);
    const common = { store: deps.store, alerts: deps.tables.alerts, directory, audit: deps.audit };
    this.screener = new Screener({
      ...common,
      bus: deps.bus,
      topic: deps.topics.recordLog,
      dlq: deps.topics.dlq,
      groupId: deps.groupId,
      plans: deps.tables.samplingPlans,
      policies: this.policies,
      seeds: this.seeds,
      logger: deps.logger.child({ component: 'screener' }),
      metrics: deps.metrics,
    });
    this.keeper = new SeedKeeper({
      ...common,
      index: deps.index,
      plans: deps.tables.samplingPlans,
      seeds: this.seeds,
      logger: deps.logger.child({ component: 'sampling' }),
      intervalMs: deps.samplingIntervalMs,
    });
    this.lookbacks = new LookbackJobs({ ...common, index: deps.index, lookbacks: deps.tables.lookbacks, logger: deps.logger.child({ component: 'lookback' }) });
  }

  /** Background work of the API process: unfinished lookbacks resume, seeds are kept ahead. */
  startBackground(): void {
    this.lookbacks.resume();
    this.keeper.start();
  }

  async stop(): Promise<void> {
    await this.screener.stop();
    await this.keeper.stop();
    await this.lookbacks.stop();
  }

  /** Whether a reviewer may read a conversation: it holds an alert they may review. */
  reviewerMayRead(p: Principal, conversationId: string): boolean {
    return reviewerScope(this.deps.tables.alerts, directoryView(this.deps.tables.directory))(p, conversationId);
  }

  /** The record's participants who are not employees (their normalized addresses), from the version screened in WORM. */
  async participantsOf(alert: Alert): Promise<string[]> {
    const envelope = await screenedEnvelope(this.deps.store, alert);
    return [...new Set([envelope.sender, ...envelope.recipients].filter((p) => !p.employeeId).map((p) => p.value))].sort();
  }
}

/**
 * Supervision's routes. Its parts are used only inside handlers, never while the routes are
 * declared, so the OpenAPI document is generated from the declarations alone.
 */
export function supervisionRoutes(s: Supervision): Route[] {
  const { store, tables } = s.deps;
  const directory = directoryView(tables.directory);
  return [
    ...policyRoutes({ store, onArchived: (tenant) => s.policies.invalidate(tenant) }),
    ...policyListRoutes({ store }),
    ...alertRoutes({ store, alerts: tables.alerts, directory }),
    ...alertActionRoutes({ alerts: tables.alerts, directory, placeHold: (req) => s.deps.placeHold(req), participantsOf: (a) => s.participantsOf(a) }),
    ...lookbackRoutes({ lookbacks: tables.lookbacks, jobs: s.lookbacks }),
    ...samplingRoutes({ plans: tables.samplingPlans, alerts: tables.alerts, seeds: s.seeds, keeper: s.keeper }),
    ...reportRoutes({ alerts: tables.alerts }),
  ];
}
