import { errorMessage, withRetry, type BackoffOptions } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { isProgrammingError } from './consumer-results';
import type { BatchContext, BatchHandler, BusRecord } from './port';

/** A batch retried this many times, or for this long, is stalled: its partition makes no progress. */
export interface StallPolicy {
  attempts: number;
  ms: number;
}

export const DEFAULT_STALL: StallPolicy = { attempts: 10, ms: 60_000 };

/** Jittered backoff between attempts of a failed batch, forever: nothing past an outage is committed. */
const BATCH_BACKOFF: Omit<BackoffOptions, 'signal'> = { initialMs: 200, maxMs: 10_000, maxAttempts: Infinity };

export interface StalledBatchCount {
  group: string;
  /** Batches (one per partition) of the group currently stalled. */
  batches: number;
}

interface Retrying {
  since: number;
  attempts: number;
  stalled: boolean;
}

/** Thrown inside the retry when the consumer no longer owns the batch (rebalance): stop, do not retry. */
class BatchReleased extends Error {}

/**
 * The one batch-retry loop of both bus adapters. A handler that throws gets the same batch again,
 * with jittered backoff (withRetry), until it resolves, the subscription stops or the consumer loses
 * the partition. It also keeps, per consumer group, which batches are being retried, so a batch
 * retried past the stall policy shows on /metrics (custody_bus_stalled_batches) and in the log
 * (batch_stalled, once; batch_recovered when it finally goes through).
 */
export class BatchRetries {
  private readonly groups = new Map<string, Map<string, Retrying>>();

  constructor(
    private readonly policy: StallPolicy = DEFAULT_STALL,
    private readonly now: () => number = Date.now,
  ) {}

  /** A subscribed group: reported (with 0) from now on. */
  watch(group: string): void {
    if (!this.groups.has(group)) this.groups.set(group, new Map());
  }

  forget(group: string): void {
    this.groups.delete(group);
  }

  /** Stalled batches per subscribed group, read when scraped. */
  stalled(): StalledBatchCount[] {
    const now = this.now();
    return [...this.groups].map(([group, batches]) => ({ group, batches: [...batches.values()].filter((b) => this.isStalled(b, now)).length }));
  }

  /**
   * Runs `onBatch` until it resolves (true), or until the subscription stops or `stillOwned` says
   * the batch went to another consumer (false: leave it uncommitted for whoever reads it next).
   */
  async run(
    group: string,
    onBatch: BatchHandler,
    records: BusRecord[],
    ctx: BatchContext,
    log: Logger,
    stillOwned: () => boolean = () => true,
  ): Promise<boolean> {
    const first = records[0];
    const where = { topic: first.topic, partition: first.partition, first_offset: first.offset };
    const batchKey = `${first.topic}/${first.partition}`;
    const released = new BatchReleased();
    let retrying: Retrying | undefined;
    try {
      await withRetry(
        async (attempt) => {
          if (attempt > 0) {
            if (!stillOwned()) throw released;
            await ctx.heartbeat().catch(() => undefined);
          }
          await onBatch(records, ctx);
        },
        (err) => err !== released,
        { ...BATCH_BACKOFF, signal: ctx.signal },
        (err, attempt, delay) => {
          retrying ??= this.track(group, batchKey);
          retrying.attempts = attempt;
          // a bug in a handler retries forever like an outage (the port's contract), but is not merely a warning
          const level = isProgrammingError(err) ? 'error' : 'warn';
          log[level]({ event: 'batch_retry', ...where, attempt, delay_ms: delay, err: errorMessage(err) }, 'batch failed; retrying without commit');
          if (!retrying.stalled && this.isStalled(retrying, this.now())) {
            retrying.stalled = true;
            log.error(
              { event: 'batch_stalled', ...where, attempts: attempt, retrying_ms: this.now() - retrying.since, err: errorMessage(err) },
              'a batch keeps failing: its partition makes no progress until the cause is fixed',
            );
          }
        },
      );
      if (retrying?.stalled)
        log.warn(
          { event: 'batch_recovered', ...where, attempts: retrying.attempts + 1, retrying_ms: this.now() - retrying.since },
          'a stalled batch went through',
        );
      return true;
    } catch (err) {
      if (err === released || ctx.signal.aborted) return false;
      throw err; // unreachable: every other failure is retried without limit
    } finally {
      if (retrying) this.groups.get(group)?.delete(batchKey);
    }
  }

  private track(group: string, batchKey: string): Retrying {
    const retrying: Retrying = { since: this.now(), attempts: 0, stalled: false };
    // a group that stopped meanwhile is not brought back into the report
    this.groups.get(group)?.set(batchKey, retrying);
    return retrying;
  }

  private isStalled(b: Retrying, now: number): boolean {
    return b.attempts >= this.policy.attempts || now - b.since >= this.policy.ms;
  }
}
