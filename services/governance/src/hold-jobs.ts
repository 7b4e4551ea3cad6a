import { randomUUID } from 'node:crypto';
import type { ArchiveStore } from '@custody/archive-store';
import type { HoldTable } from '@custody/control';
import { NotFoundError, RejectedInputError, backoffDelay, errorMessage, sleep } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { holdCovers, type Hold, type HoldScope } from '@custody/policy';
import type { IndexDoc, SearchIndex, SearchQuery } from '@custody/search-index';
import { recordObjects } from './record-locks';

export interface HoldJobDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
  logger: Logger;
  /** Backoff between attempts of a failing job (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
}

const PAGE = 200;
/** A failing job waits between attempts, outside the job queue so other holds proceed meanwhile. */
const RETRY = { initialMs: 1_000, maxMs: 5 * 60_000 };

type JobReport = Partial<Pick<Hold['job'], 'total' | 'processed' | 'matched' | 'etaAt' | 'attempts' | 'error'>> & { state: Hold['job']['state'] };

interface Progress {
  total: number;
  processed: number;
  matched: number;
  startedAt: number;
}

/** The searches that together find every candidate; holdCovers then decides on each document. */
/** The searches whose union holds a scope's candidates: one per custodian, else per participant, else per channel (holdCovers then judges each). */
export function candidateQueries(scope: HoldScope, size = PAGE): SearchQuery[] {
  const base: SearchQuery = { from: scope.from, to: scope.to, text: scope.query, size };
  if (scope.custodians.length) return scope.custodians.map((employeeId) => ({ ...base, employeeId }));
  if (scope.participants.length) return scope.participants.map((participant) => ({ ...base, participant }));
  if (scope.channels.length) return scope.channels.map((channel) => ({ ...base, channel }));
  return [base];
}

async function* pages(index: SearchIndex, tenant: string, query: SearchQuery): AsyncGenerator<IndexDoc[]> {
  let cursor: string | undefined;
  do {
    const r = await index.search(tenant, { ...query, cursor });
    if (r.hits.length) yield r.hits;
    cursor = r.cursor;
  } while (cursor);
}

export const holdSubjectOfDoc = (d: IndexDoc) => ({
  employeeIds: d.employeeIds,
  participants: d.participants,
  channel: d.channel,
  sentAt: d.sentAt,
  text: d.text,
});

/** Sets (or clears) the WORM legal hold on every object of a record: its version, manifests and blobs. */
export async function setRecordLegalHold(store: ArchiveStore, tenant: string, doc: IndexDoc, on: boolean, withBlobs = true): Promise<void> {
  const objects = await recordObjects(store, tenant, doc.id, doc.archive.versionId);
  for (const o of [...objects.own, ...(withBlobs ? objects.blobs : [])]) await store.setLegalHold(o.key, o.versionId, on);
}

function eta(p: Progress, now = Date.now()): string | undefined {
  if (p.processed === 0 || p.total <= p.processed) return undefined;
  const msPerRecord = (now - p.startedAt) / p.processed;
  return new Date(now + (p.total - p.processed) * msPerRecord).toISOString();
}

/**
 * Places and releases holds as resumable jobs. Every step is idempotent (legal hold ON/OFF, the
 * index hold list as a set), so a job interrupted by a restart simply runs again from the start.
 *
 * One hold has one current job: releasing a hold whose placement still runs cancels the placement
 * (at a page boundary, after that page's index marks are written) and queues the release behind
 * it, so the release clears every mark the placement made. A failing job retries with jittered
 * backoff until it succeeds or a newer job of the same hold supersedes it.
 */
export class HoldJobs {
  private readonly current = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Row updates of one hold, one at a time: a job's progress report must never undo a release. */
  private readonly writes = new Map<string, Promise<unknown>>();
  private readonly closing = new AbortController();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HoldJobDeps) {}

  async place(input: { tenant: string; matter: string; reason: string; scope: HoldScope; placedBy: string }): Promise<Hold> {
    const now = new Date().toISOString();
    const hold: Hold = {
      id: `hold-${randomUUID()}`,
      ...input,
      status: 'active',
      placedAt: now,
      job: { kind: 'place', state: 'running', total: 0, processed: 0, matched: 0, startedAt: now, updatedAt: now },
    };
    // in the table first: from here on the archiver locks new matching records at write time
    await this.deps.holds.put(hold.id, hold);
    this.start(hold.id);
    return hold;
  }

  /** Releases an active hold of `tenant`: 404 for a hold it cannot see, 409 once released. */
  async release(tenant: string, holdId: string, releasedBy: string, releaseReason: string): Promise<Hold> {
    const released = await this.update(holdId, (hold) => {
      if (!hold || hold.tenant !== tenant) throw new NotFoundError(`no hold ${holdId}`);
      if (hold.status === 'released') throw new RejectedInputError('conflict', `hold ${hold.id} was released at ${hold.releasedAt}`, 409);
      // a placement still running stops here: its later progress reports are dropped, not written over the release
      this.current.get(holdId)?.abort.abort();
      const now = new Date().toISOString();
      return {
        ...hold,
        status: 'released',
        releasedBy,
        releasedAt: now,
        releaseReason,
        job: { kind: 'release', state: 'running', total: 0, processed: 0, matched: 0, startedAt: now, updatedAt: now },
      };
    });
    this.start(holdId);
    return released!;
  }

  /** Picks up jobs a previous process did not finish, and retries those an older version gave up on. */
  resume(): void {
    for (const h of this.deps.holds.values()) if (h.job.state !== 'done') this.start(h.id);
  }

  /** For tests and the CLI: resolves when the hold's current job (and any that superseded it) has finished. */
  async settled(holdId: string): Promise<void> {
    for (let job = this.current.get(holdId); job;) {
      await job.done;
      const next = this.current.get(holdId);
      job = next === job ? undefined : next;
    }
  }

  /** Stops every job at its next page; a job left running resumes at the next start. */
  async stop(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.current.values()].map((j) => j.done));
  }

  /**
   * Runs `fn` in the job queue. Jobs run one at a time: two holds touching the same record would
   * otherwise each read its hold list and write it back without the other's id.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private start(holdId: string): void {
    const previous = this.current.get(holdId);
    previous?.abort.abort();
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.closing.signal]);
    // after the previous job of this hold has let go (it stops at its next page boundary)
    const done = (previous?.done ?? Promise.resolve())
      .then(() => this.run(holdId, signal))
      .catch((err) => {
        this.deps.logger.error({ event: 'hold_job_crashed', hold: holdId, err: errorMessage(err) });
      });
    const job = { abort, done };
    this.current.set(holdId, job);
    void done.then(() => {
      if (this.current.get(holdId) === job) this.current.delete(holdId);
    });
  }

  private async run(holdId: string, signal: AbortSignal): Promise<void> {
    const initial = this.deps.holds.get(holdId);
    if (!initial || signal.aborted) return;
    const kind = initial.job.kind;
    const log = this.deps.logger.child({ hold: holdId, tenant: initial.tenant, job: kind });
    const progress: Progress = { total: 0, processed: 0, matched: 0, startedAt: Date.now() };
    const seen = new Set<string>();
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const finished = await this.exclusive(async () => {
          const hold = this.deps.holds.get(holdId)!;
          if (kind === 'place') {
            // twice: a record written while the first sweep ran is caught by the second
            for (let sweep = 0; sweep < 2; sweep++) if (!(await this.sweepPlace(hold, progress, seen, signal))) return false;
          } else if (!(await this.sweepRelease(hold, progress, signal))) return false;
          // counts of held records read right after "done" must include this job's updates
          await this.deps.index.refresh();
          return true;
        });
        if (!finished) return;
        progress.total = progress.processed;
        await this.report(holdId, signal, { state: 'done', ...progress, etaAt: undefined, error: undefined });
        log.info({ event: 'hold_job_done', processed: progress.processed, matched: progress.matched, attempts: attempt });
        return;
      } catch (err) {
        if (signal.aborted) return;
        const delayMs = backoffDelay(attempt, this.deps.retry ?? RETRY);
        await this.report(holdId, signal, { state: 'running', ...progress, attempts: attempt + 1, error: errorMessage(err) }).catch(() => undefined);
        log.warn({ event: 'hold_job_retry', attempt: attempt + 1, delay_ms: delayMs, err: errorMessage(err) });
        await sleep(delayMs, signal);
      }
    }
  }

  /** One pass over the candidates; false when cancelled (between pages: a page's marks and locks are written whole). */
  private async sweepPlace(hold: Hold, progress: Progress, seen: Set<string>, signal: AbortSignal): Promise<boolean> {
    await this.deps.index.refresh();
    const queries = candidateQueries(hold.scope);
    // an upper bound until done: records matching several custodians are counted once when processed
    const totals = await Promise.all(queries.map(async (q) => (await this.deps.index.search(hold.tenant, { ...q, size: 1 })).total));
    progress.total = Math.max(progress.total, progress.processed + totals.reduce((a, b) => a + b, 0) - seen.size);
    for (const query of queries) {
      for await (const docs of pages(this.deps.index, hold.tenant, query)) {
        if (signal.aborted) return false;
        const fresh = docs.filter((d) => !seen.has(d.id));
        const covered = fresh.filter((d) => holdCovers(hold.scope, holdSubjectOfDoc(d)));
        // index marks first: whatever this job may have locked, a release finds by its marks
        const marks = new Map(covered.filter((d) => !d.holds.includes(hold.id)).map((d) => [d.id, [...new Set([...d.holds, hold.id])]]));
        await this.deps.index.setHolds(hold.tenant, marks);
        for (const doc of covered) await setRecordLegalHold(this.deps.store, hold.tenant, doc, true);
        for (const d of fresh) seen.add(d.id);
        progress.processed += fresh.length;
        progress.matched += covered.length;
        progress.total = Math.max(progress.total, progress.processed);
        await this.report(hold.id, signal, { state: 'running', ...progress, etaAt: eta(progress) });
      }
    }
    return !signal.aborted;
  }

  private async sweepRelease(hold: Hold, progress: Progress, signal: AbortSignal): Promise<boolean> {
    await this.deps.index.refresh();
    const active = new Set(
      this.deps.holds
        .values()
        .filter((h) => h.tenant === hold.tenant && h.status === 'active')
        .map((h) => h.id),
    );
    // Blobs can be shared by records of different matters; they keep their hold while any hold is active.
    const releaseBlobs = active.size === 0;
    const first = await this.deps.index.search(hold.tenant, { holdId: hold.id, size: 1 });
    progress.total = progress.processed + first.total;
    // each page removes its documents from the result set; more rounds than pages means updates are not landing
    for (let round = 0; round <= Math.ceil(first.total / PAGE) + 2; round++) {
      if (signal.aborted) return false;
      const page = await this.deps.index.search(hold.tenant, { holdId: hold.id, size: PAGE });
      if (page.hits.length === 0) return true;
      const update = new Map<string, string[]>();
      for (const doc of page.hits) {
        const remaining = doc.holds.filter((h) => h !== hold.id);
        if (!remaining.some((h) => active.has(h))) {
          await setRecordLegalHold(this.deps.store, hold.tenant, doc, false, releaseBlobs);
          progress.matched++;
        }
        update.set(doc.id, remaining);
      }
      await this.deps.index.setHolds(hold.tenant, update);
      await this.deps.index.refresh();
      progress.processed += page.hits.length;
      progress.total = Math.max(progress.total, progress.processed);
      await this.report(hold.id, signal, { state: 'running', ...progress, etaAt: eta(progress) });
    }
    throw new Error(`release of ${hold.id}: index still lists held records after every page was updated`);
  }

  /** Progress of the hold's current job; dropped once a newer job (a release) has superseded it. */
  private async report(holdId: string, signal: AbortSignal, job: JobReport & { startedAt?: number }): Promise<void> {
    const { startedAt: _started, ...fields } = job;
    await this.update(holdId, (current) =>
      current && !signal.aborted ? { ...current, job: { ...current.job, ...fields, updatedAt: new Date().toISOString() } } : null,
    );
  }

  /** Read-modify-write of one hold's row, serialized per hold; `change` returns null to write nothing. */
  private update(holdId: string, change: (current: Hold | undefined) => Hold | null): Promise<Hold | null> {
    const run = (this.writes.get(holdId) ?? Promise.resolve()).then(async () => {
      const next = change(this.deps.holds.get(holdId));
      if (next) await this.deps.holds.put(holdId, next);
      return next;
    });
    const tail = run.catch(() => undefined);
    this.writes.set(holdId, tail);
    void tail.then(() => {
      if (this.writes.get(holdId) === tail) this.writes.delete(holdId);
    });
    return run;
  }
}
