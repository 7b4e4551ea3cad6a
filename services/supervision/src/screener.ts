import type { ArchiveStore } from '@custody/archive-store';
import {
  actOnResults,
  classify,
  deadLetter,
  ok,
  type Bus,
  type BusRecord,
  type DeadLetterMetrics,
  type DeadLetterSink,
  type StepResult,
  type Subscription,
} from '@custody/bus';
import type { AlertTable, SamplingPlanTable } from '@custody/control';
import { parseEnvelope, sha256Hex } from '@custody/envelope';
import { IntegrityError } from '@custody/errors';
import type { AuditSink } from '@custody/http';
import type { Logger } from '@custody/logger';
import { LogAppend, type LogLeaf } from '@custody/record-log';
import { hitAlerts, inPopulation, periodOf, sampleAlert, type Alert } from '@custody/supervision';
import { raiseAlerts } from './alert-sink';
import type { DirectoryView } from './directory-view';
import type { PolicyCache } from './policy-cache';
import type { SeedCache } from './seed-cache';

export interface ScreenerDeps {
  bus: Bus;
  store: ArchiveStore;
  /** Where the archivers announce each stored version (the record log's topic). */
  topic: string;
  dlq: string;
  groupId: string;
  alerts: AlertTable;
  plans: SamplingPlanTable;
  policies: PolicyCache;
  seeds: SeedCache;
  directory: DirectoryView;
  audit: AuditSink;
  logger: Logger;
  metrics?: DeadLetterMetrics;
}

/**
 * Screening at capture: every record version the archivers stored, as announced on the record-log
 * topic, is read back from WORM (its bytes hashed against what the archiver recorded, the envelope
 * against its integrity hash), screened by each of its tenant's policies in force and drawn by each
 * sampling plan, and its alerts raised; the batch is committed only after that. A version that does
 * not read back as announced is dead-lettered with the reason; an outage retries the batch.
 */
export class Screener {
  private subscription?: Subscription;
  private starting?: Promise<Subscription>;
  private readonly sink: DeadLetterSink;

  constructor(private readonly deps: ScreenerDeps) {
    this.sink = { bus: deps.bus, topic: deps.dlq, logger: deps.logger, metrics: deps.metrics };
  }

  async start(): Promise<void> {
    this.starting = this.deps.bus.subscribe({
      groupId: this.deps.groupId,
      topics: [this.deps.topic],
      fromBeginning: true,
      onBatch: (r) => this.handleBatch(r),
    });
    this.subscription = await this.starting;
  }

  /** Stops the consumer, also one still joining its group when the process stops (a start in flight is awaited, then stopped). */
  async stop(): Promise<void> {
    const subscription = this.subscription ?? (await this.starting?.catch(() => undefined));
    await subscription?.stop();
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    const results: Array<StepResult<null>> = [];
    for (const r of records) {
      results.push(await this.screenMessage(r));
      // the batch is retried whole (raising an alert again changes nothing): screening on would only fail again
      if (results.at(-1)!.status === 'retry') break;
    }
    await actOnResults(this.sink, records, results);
  }

  private async screenMessage(r: BusRecord): Promise<StepResult<null>> {
    let append: LogAppend;
    try {
      append = LogAppend.parse(JSON.parse(r.value.toString('utf8')));
    } catch (err) {
      return deadLetter('screen_decode', `not a record-log announcement: ${(err as Error).message.slice(0, 300)}`);
    }
    try {
      for (const leaf of append.leaves) if (leaf.kind === 'record') await this.screenLeaf(append.tenant, leaf);
      return ok(null);
    } catch (err) {
      return classify('screen', err);
    }
  }

  private async screenLeaf(tenant: string, leaf: LogLeaf): Promise<void> {
    const stored = await this.deps.store.get(leaf.key, leaf.versionId);
    const actual = sha256Hex(stored.body);
    if (actual !== leaf.sha256) throw new IntegrityError(`record ${leaf.id}: stored bytes hash to ${actual}, the archiver recorded ${leaf.sha256}`);
    const envelope = parseEnvelope(stored.body);
    if (envelope.tenant !== tenant || envelope.id !== leaf.id) throw new IntegrityError(`record ${leaf.id}: the stored envelope names another tenant or id`);
    const at = new Date().toISOString();
    const version = { key: leaf.key, versionId: leaf.versionId, sha256: actual };
    const employees = [envelope.sender, ...envelope.recipients].flatMap((p) => (p.employeeId ? [p.employeeId] : []));
    const groups = [...new Set(employees.flatMap((e) => this.deps.directory.groupsOf(tenant, e)))];
    const alerts: Alert[] = hitAlerts(envelope, version, await this.deps.policies.policiesOf(tenant), groups, 'capture', at);
    for (const row of this.deps.plans.values()) {
      if (row.tenant !== tenant || !inPopulation(row.plan, employees, (e) => this.deps.directory.groupsOf(tenant, e), envelope.channel)) continue;
      const seed = await this.deps.seeds.seedOf(tenant, row.plan.id, periodOf(new Date(envelope.sentAt), row.plan.period).id);
      const sampled = seed && sampleAlert(envelope, version, row.plan, seed, at);
      if (sampled) alerts.push(sampled);
    }
    await raiseAlerts(this.deps, alerts);
  }
}
