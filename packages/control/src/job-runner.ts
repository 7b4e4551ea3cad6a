import { CustodyError, backoffDelay, errorMessage, sleep } from '@custody/errors';
import type { Logger } from '@custody/logger';
import type { ControlTable } from './control-table';

/** What the runner reads and writes of a job's row: its phase, and how its attempts went. */
export interface JobState {
  phase: string;
  attempts?: number;
  error?: string;
  updatedAt: string;
}

export interface JobRow<Job extends JobState, Result> {
  id: string;
  tenant: string;
  job: Job;
  result?: Result;
}

export interface JobRunnerOptions<Row extends JobRow<Job, Result>, Job extends JobState, Result> {
  table: ControlTable<Row>;
  logger: Logger;
  /** What the jobs are (`export`, `lookback`): their log events are `<name>_job_crashed`, `<name>_job_retry` and `<name>_failed`. */
  name: string;
  retry?: { initialMs: number; maxMs: number };
  /** The job's work from wherever it stands; undefined when it stopped (it resumes at the next start). */
  produce(row: Row, signal: AbortSignal): Promise<Result | undefined>;
  /** After the row says done: what else finishing means (the audit event, a log line). */
  done(row: Row, result: Result): Promise<void>;
  /** After the row says failed (a failure that is not retriable). */
  failed(row: Row, err: unknown): Promise<void>;
  /** Fields the row's job clears when it ends (an ETA). */
  clearOnEnd?: ReadonlyArray<keyof Job>;
}

const RETRY = { initialMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Jobs whose rows live in a control table and whose work resumes from what it left in WORM: one
 * run per job in this process, resumed at start, stopped at a page boundary (the job's `produce`
 * checks the signal); a retriable failure (an outage) retries with jittered backoff, recording the
 * attempt on the row; any other failure ends the job `failed` with its reason.
 */
export class JobRunner<Row extends JobRow<Job, Result>, Job extends JobState, Result> {
  private readonly running = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly opts: JobRunnerOptions<Row, Job, Result>) {}

  /** Picks up the jobs a previous process did not finish. */
  resume(): void {
    for (const row of this.opts.table.values()) if (row.job.phase !== 'done' && row.job.phase !== 'failed') void this.start(row.id);
  }

  /** Starts (or continues) one job; its promise settles when the job ends or stops. */
  start(id: string): Promise<void> {
    let job = this.running.get(id);
    if (!job) {
      job = this.run(id).catch((err) => this.opts.logger.error({ event: `${this.opts.name}_job_crashed`, [this.opts.name]: id, err: errorMessage(err) }));
      this.running.set(id, job);
      void job.then(() => this.running.delete(id));
    }
    return job;
  }

  async stop(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Merges `job` into the row's job (undefined clears a field), and sets the result when given. */
  async update(id: string, job: Partial<Job>, result?: Result): Promise<void> {
    const current = this.opts.table.get(id);
    if (!current) return;
    const merged = { ...current.job, ...job, updatedAt: new Date().toISOString() };
    for (const k of Object.keys(merged) as Array<keyof Job>) if (merged[k] === undefined) delete merged[k];
    await this.opts.table.put(id, { ...current, job: merged, ...(result !== undefined && { result }) });
  }

  private async run(id: string): Promise<void> {
    const signal = this.closing.signal;
    const cleared = Object.fromEntries((this.opts.clearOnEnd ?? []).map((k) => [k, undefined])) as Partial<Job>;
    for (let attempt = 0; !signal.aborted; attempt++) {
      const row = this.opts.table.get(id);
      if (!row || row.job.phase === 'done' || row.job.phase === 'failed') return;
      try {
        const result = await this.opts.produce(row, signal);
        if (result === undefined) return;
        await this.update(id, { ...cleared, phase: 'done', error: undefined }, result);
        await this.opts.done(row, result);
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof CustodyError && err.retriable) {
          const delayMs = backoffDelay(attempt, this.opts.retry ?? RETRY);
          await this.update(id, { attempts: attempt + 1, error: errorMessage(err) } as Partial<Job>).catch(() => undefined);
          this.opts.logger.warn({
            event: `${this.opts.name}_job_retry`,
            [this.opts.name]: id,
            attempt: attempt + 1,
            delay_ms: delayMs,
            err: errorMessage(err),
          });
          await sleep(delayMs, signal);
          continue;
        }
        await this.update(id, { ...cleared, phase: 'failed', error: errorMessage(err) });
        await this.opts.failed(row, err);
        this.opts.logger.error({ event: `${this.opts.name}_failed`, [this.opts.name]: id, tenant: row.tenant, err: errorMessage(err) });
        return;
      }
    }
  }
}
