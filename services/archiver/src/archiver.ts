import type { ArchiveStore } from '@custody/archive-store';
import { actOnResults, type Bus, type BusRecord, type DeadLetterMetrics, type DeadLetterSink, type StepResult, type Subscription } from '@custody/bus';
import { mapLimit } from '@custody/errors';
import type { Envelope } from '@custody/envelope';
import type { Logger } from '@custody/logger';
import type { SearchIndex } from '@custody/search-index';
import type { LockPolicy } from '@custody/policy';
import { logAppendMessages } from '@custody/record-log';
import { settledRecords, type SettledRecord } from './settled';
import { archiveStep, decodeStep, indexStep, rawStep, recordLeaf, type Archived } from './steps';

export interface ArchiverMetrics extends DeadLetterMetrics {
  archived(envelope: Envelope, created: boolean, ms: number): void;
  indexed(envelopes: Envelope[], ms: number): void;
}

export interface ArchiverDeps {
  bus: Bus;
  store: ArchiveStore;
  index: SearchIndex;
  policy: LockPolicy;
  topics: { customerData: string; raw: string; dlq: string; recordLog: string };
  groupId: string;
  concurrency: number;
  logger: Logger;
  metrics?: ArchiverMetrics;
  /** Each committed batch's customer records and what became of them (the daily reconciliation counts them). */
  onSettled?(records: SettledRecord[]): void;
}

/**
 * customer-data → S3 (write-once, locked) → OpenSearch → commit. The bus commits a batch only when
 * handleBatch resolves; any retry result makes it throw so nothing past an outage is committed.
 */
export class Archiver {
  private subscription?: Subscription;
  private readonly sink: DeadLetterSink;

  constructor(private readonly deps: ArchiverDeps) {
    this.sink = { bus: deps.bus, topic: deps.topics.dlq, logger: deps.logger, metrics: deps.metrics };
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: this.deps.groupId,
      topics: [this.deps.topics.customerData, this.deps.topics.raw],
      fromBeginning: true,
      onBatch: (records) => this.handleBatch(records),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    // raw deliveries need no decoding or index entry: they are stored, and their result joins the batch's
    const decoded = records.map((r) => (r.topic === this.deps.topics.raw ? null : decodeStep(r)));
    const archived = await mapLimit(decoded, this.deps.concurrency, async (d, i): Promise<StepResult<Archived | null>> => {
      if (d === null) return rawStep(this.deps.store, this.deps.policy, records[i]);
      if (d.status !== 'ok') return d;
      const started = Date.now();
      const r = await archiveStep(this.deps.store, this.deps.policy, d.value, records[i].value);
      if (r.status === 'ok') this.deps.metrics?.archived(r.value.envelope, r.value.created, Date.now() - started);
      return r;
    });
    const results = await indexStep(this.deps.index, archived, (envelopes, ms) => this.deps.metrics?.indexed(envelopes, ms));
    // every stored version goes to its tenant's record log before the batch is committed: a crash in
    // between redelivers the batch, and the writer takes a repeated leaf as the same version again
    // (a batch that will be retried announces its versions when it succeeds)
    const leaves = results.flatMap((r) => (r.status === 'ok' && r.value ? [{ tenant: r.value.envelope.tenant, leaf: recordLeaf(r.value) }] : []));
    if (leaves.length && !results.some((r) => r.status === 'retry')) await this.deps.bus.publish(this.deps.topics.recordLog, logAppendMessages(leaves));
    const deadLettered = await actOnResults(this.sink, records, results);
    this.deps.onSettled?.(settledRecords(records, archived, results));
    this.deps.logger.debug({ event: 'batch_archived', records: records.length, dead_lettered: deadLettered });
  }
}
