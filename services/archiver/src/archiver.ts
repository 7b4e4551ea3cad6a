import type { ArchiveStore } from '@custody/archive-store';
import type { Bus, BusRecord, Subscription } from '@custody/bus';
import { DependencyUnavailableError, errorMessage, mapLimit } from '@custody/errors';
import type { Envelope } from '@custody/envelope';
import type { Logger } from '@custody/logger';
import { toIndexDoc, type SearchIndex } from '@custody/search-index';
import type { LockPolicy } from '@custody/policy';
import { linkRevisions } from './revisions';
import { archiveStep, decodeStep, ok, rawStep, type Archived, type StepResult } from './steps';

export interface ArchiverMetrics {
  archived(envelope: Envelope, created: boolean, ms: number): void;
  indexed(envelopes: Envelope[], ms: number): void;
  deadLettered(step: string, headers: Record<string, string>): void;
}

export interface ArchiverDeps {
  bus: Bus;
  store: ArchiveStore;
  index: SearchIndex;
  policy: LockPolicy;
  topics: { customerData: string; raw: string; dlq: string };
  groupId: string;
  concurrency: number;
  logger: Logger;
  metrics?: ArchiverMetrics;
}

/**
 * customer-data → S3 (write-once, locked) → OpenSearch → commit. The bus commits a batch only when
 * handleBatch resolves; any retry result makes it throw so nothing past an outage is committed.
 */
export class Archiver {
  private subscription?: Subscription;

  constructor(private readonly deps: ArchiverDeps) {}

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
      if (d === null) return rawStep(this.deps.store, this.deps.policy, records[i]!);
      if (d.status !== 'ok') return d;
      const started = Date.now();
      const r = await archiveStep(this.deps.store, this.deps.policy, d.value, records[i]!.value);
      if (r.status === 'ok') this.deps.metrics?.archived(r.value.envelope, r.value.created, Date.now() - started);
      return r;
    });
    const results = await this.indexStep(archived);
    await this.act(records, results);
  }

  private async indexStep(archived: StepResult<Archived | null>[]): Promise<StepResult<Archived | null>[]> {
    const ready = archived.flatMap((r) => (r.status === 'ok' && r.value ? [r.value] : []));
    if (ready.length === 0) return archived;
    const started = Date.now();
    let failures;
    try {
      failures = await this.deps.index.bulkUpsert(ready.map((a) => toIndexDoc({ ...a.envelope, ...a.lock.resolved }, a.archive, a.lock.holds)));
    } catch (err) {
      return archived.map((r) => (r.status === 'ok' && r.value ? { status: 'retry', step: 'index', error: err } : r));
    }
    const byId = new Map(failures.map((f) => [f.id, f]));
    const indexed = ready.filter((a) => !byId.has(a.envelope.id)).map((a) => a.envelope);
    try {
      await linkRevisions(this.deps.index, indexed);
    } catch (err) {
      // the marks are a union: running the batch again adds nothing twice
      return archived.map((r) => (r.status === 'ok' && r.value ? { status: 'retry', step: 'index', error: err } : r));
    }
    this.deps.metrics?.indexed(indexed, Date.now() - started);
    return archived.map((r) => {
      if (r.status !== 'ok' || !r.value) return r;
      const f = byId.get(r.value.envelope.id);
      if (!f) return ok(r.value);
      return f.retriable ? { status: 'retry', step: 'index', error: new DependencyUnavailableError('opensearch', f.reason) } : { status: 'dlq', step: 'index', reason: f.reason };
    });
  }

  /** The one place results become effects: retry the batch, or dead-letter and let the bus commit. */
  private async act(records: BusRecord[], results: StepResult<Archived | null>[]): Promise<void> {
    const retry = results.find((r) => r.status === 'retry');
    if (retry && retry.status === 'retry') {
      throw new DependencyUnavailableError('archiver', `step ${retry.step}: ${errorMessage(retry.error)}`, retry.error);
    }
    const dead = results.flatMap((r, i) => (r.status === 'dlq' ? [{ record: records[i]!, step: r.step, reason: r.reason }] : []));
    if (dead.length) {
      await this.deps.bus.publish(
        this.deps.topics.dlq,
        dead.map(({ record, step, reason }) => ({
          key: record.key ?? undefined,
          value: record.value,
          headers: {
            ...record.headers,
            dlq_reason: reason.slice(0, 2000),
            dlq_step: step,
            dlq_source_topic: record.topic,
            dlq_source_partition: String(record.partition),
            dlq_source_offset: record.offset,
            dlq_at: new Date().toISOString(),
          },
        })),
      );
      for (const d of dead) {
        this.deps.metrics?.deadLettered(d.step, d.record.headers);
        this.deps.logger.warn({ event: 'record_dead_lettered', step: d.step, reason: d.reason, topic: d.record.topic, partition: d.record.partition, offset: d.record.offset });
      }
    }
    this.deps.logger.debug({ event: 'batch_archived', records: records.length, dead_lettered: dead.length });
  }
}
