import { CustodyError, DependencyUnavailableError, errorMessage, isRetriable } from '@custody/errors';
import type { Logger } from '@custody/logger';
import type { Bus, BusRecord, OutgoingMessage } from './port';

/**
 * The one result model of every bus consumer (archiver, audit archiver, media worker). A step
 * decides, per record, what should happen; it never acts. The batch handler hands all results to
 * `actOnResults`, the one place results become effects:
 *  - ok: done, the bus may commit past the record;
 *  - dlq: the record will never succeed as it is: it goes to the dead-letter topic with the reason;
 *  - retry: an outage: the whole batch is retried, nothing past it is committed.
 */
export type StepResult<T> =
  | { status: 'ok'; value: T }
  | {
      status: 'dlq';
      step: string;
      reason: string;
      /** The error behind the reason, when there was one: a programming error is logged with its stack. */
      cause?: unknown;
      /** Headers the dead letter carries besides the dlq_* ones (the media worker's attempt count). */
      headers?: Record<string, string>;
    }
  | { status: 'retry'; step: string; error: unknown };

export type DeadLetterResult = Extract<StepResult<never>, { status: 'dlq' }>;

export const ok = <T>(value: T): StepResult<T> => ({ status: 'ok', value });
export const deadLetter = (step: string, reason: string, more: Pick<DeadLetterResult, 'cause' | 'headers'> = {}): StepResult<never> => ({
  status: 'dlq',
  step,
  reason,
  ...more,
});
export const retry = (step: string, error: unknown): StepResult<never> => ({ status: 'retry', step, error });

/**
 * Bugs, not outages: the same record fails the same way on every attempt, so retrying would only
 * stall its partition. kafkajs's own retrier refuses to retry these names for the same reason.
 * Compared by name too, because errors thrown by Node's internals come from another realm under jest.
 */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);

export function isProgrammingError(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError) return true;
  return typeof err === 'object' && err !== null && PROGRAMMING_ERRORS.has((err as { name?: unknown }).name as string);
}

/**
 * The classifier: what a step's failure means for its record.
 *  - a retriable Custody error (DependencyUnavailableError): an outage → retry;
 *  - any other Custody error (rejected input, integrity, locked, …): the data → dlq;
 *  - a programming error: a bug that fails every attempt alike → dlq, kept for replay once fixed;
 *  - anything else a client library threw unwrapped: treated as an outage → retry (the stalled-batch
 *    gauge and the bus's batch_stalled log say so if it never clears).
 */
export function classify(step: string, err: unknown): StepResult<never> {
  if (isRetriable(err)) return retry(step, err);
  if (err instanceof CustodyError) return deadLetter(step, `${err.code}: ${err.message}`, { cause: err });
  if (isProgrammingError(err)) return deadLetter(step, `${(err as Error).name}: ${errorMessage(err)}`, { cause: err });
  return retry(step, err);
}

/** Where a record was read from; one that hopped through a retry topic names its first topic. */
export interface RecordSource {
  topic: string;
  partition: number | string;
  offset: string;
}

export interface DeadLetterMetrics {
  deadLettered(step: string, headers: Record<string, string>): void;
}

/** Where and how one consumer dead-letters. */
export interface DeadLetterSink {
  bus: Bus;
  /** The dead-letter topic. */
  topic: string;
  logger: Logger;
  metrics?: DeadLetterMetrics;
  /** Where a record was first read (default: where this consumer read it). */
  origin?: (record: BusRecord) => RecordSource;
}

/** Reasons are cut so one pathological error message cannot make the dead letter too large for the topic. */
const MAX_REASON = 2000;

/** The dead letter of `record`: its original key, bytes and headers, plus why, where and when. */
export function deadLetterMessage(record: BusRecord, result: DeadLetterResult, source: RecordSource = record): OutgoingMessage {
  return {
    key: record.key ?? undefined,
    value: record.value,
    headers: {
      ...record.headers,
      ...result.headers,
      dlq_reason: result.reason.slice(0, MAX_REASON),
      dlq_step: result.step,
      dlq_source_topic: source.topic,
      dlq_source_partition: String(source.partition),
      dlq_source_offset: source.offset,
      dlq_at: new Date().toISOString(),
    },
  };
}

/**
 * The one function that acts on a batch's results (`results[i]` is the result of `records[i]`).
 * Any retry: throws a retriable error and dead-letters nothing, so the bus retries the whole batch
 * without commit. Otherwise every dlq result is published to the dead-letter topic (durably, before
 * the bus may commit), counted and logged. Resolves with the number of records dead-lettered.
 */
export async function actOnResults(sink: DeadLetterSink, records: BusRecord[], results: Array<StepResult<unknown>>): Promise<number> {
  const outage = results.find((r) => r.status === 'retry');
  if (outage?.status === 'retry') throw new DependencyUnavailableError(`step ${outage.step}`, errorMessage(outage.error), outage.error);
  const dead = results.flatMap((r, i) => (r.status === 'dlq' ? [{ record: records[i], result: r }] : []));
  if (dead.length === 0) return 0;
  await sink.bus.publish(
    sink.topic,
    dead.map(({ record, result }) => deadLetterMessage(record, result, sink.origin?.(record))),
  );
  for (const { record, result } of dead) {
    sink.metrics?.deadLettered(result.step, record.headers);
    const fields = {
      event: 'record_dead_lettered',
      step: result.step,
      reason: result.reason,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
    };
    // a bug deserves more than a warning: it is what has to be fixed before the dead letters are replayed
    if (isProgrammingError(result.cause)) sink.logger.error({ ...fields, err: result.cause }, 'record dead-lettered by a programming error');
    else sink.logger.warn(fields);
  }
  return dead.length;
}
