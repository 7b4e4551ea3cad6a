import { randomUUID } from 'node:crypto';
import type { ArchiveStore } from '@custody/archive-store';
import type { HoldTable } from '@custody/control';
import { errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { holdCovers, type Hold, type HoldScope } from '@custody/policy';
import type { IndexDoc, SearchIndex, SearchQuery } from '@custody/search-index';
import { recordObjects } from './record-locks';

export interface HoldJobDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
  logger: Logger;
}

const PAGE = 200;
const PROGRESS_EVERY = 50;

/** The searches that together find every candidate; holdCovers then decides on each document. */
function candidateQueries(scope: HoldScope): SearchQuery[] {
  const base: SearchQuery = { from: scope.from, to: scope.to, text: scope.query, size: PAGE };
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

const subjectOf = (d: IndexDoc) => ({ employeeIds: d.employeeIds, participants: d.participants, channel: d.channel, sentAt: d.sentAt, text: d.text });

/**
 * Places and releases holds as resumable jobs. Every step is idempotent (legal hold ON/OFF, the
 * index hold list as a set), so a job interrupted by a restart simply runs again from the start.
 */
export class HoldJobs {
  private readonly running = new Map<string, Promise<void>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HoldJobDeps) {}

  async place(input: { tenant: string; matter: string; reason: string; scope: HoldScope; placedBy: string }): Promise<Hold> {
    const now = new Date().toISOString();
    const hold: Hold = {
      id: `hold-${randomUUID()}`,
      ...input,
      status: 'active',
      placedAt: now,
      job: { kind: 'place', state: 'running', processed: 0, matched: 0, updatedAt: now },
    };
    // in the table first: from here on the archiver locks new matching records at write time
    await this.deps.holds.put(hold.id, hold);
    this.start(hold.id);
    return hold;
  }

  async release(hold: Hold, releasedBy: string, releaseReason: string): Promise<Hold> {
    const now = new Date().toISOString();
    const released: Hold = { ...hold, status: 'released', releasedBy, releasedAt: now, releaseReason, job: { kind: 'release', state: 'running', processed: 0, matched: 0, updatedAt: now } };
    await this.deps.holds.put(hold.id, released);
    this.start(hold.id);
    return released;
  }

  /** Picks up jobs a previous process did not finish. */
  resume(): void {
    for (const h of this.deps.holds.values()) if (h.job.state === 'running') this.start(h.id);
  }

  /** For tests and the CLI: resolves when the hold's current job has finished. */
  async settled(holdId: string): Promise<void> {
    await this.running.get(holdId);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Jobs run one at a time: two holds touching the same record would otherwise each read its hold
   * list and write it back without the other's id.
   */
  private start(holdId: string): void {
    if (this.running.has(holdId)) return;
    const job = this.queue.then(() => this.run(holdId)).finally(() => this.running.delete(holdId));
    this.queue = job.catch(() => undefined);
    this.running.set(holdId, job);
  }

  private async run(holdId: string): Promise<void> {
    const hold = this.deps.holds.get(holdId)!;
    const progress = { processed: 0, matched: 0 };
    const log = this.deps.logger.child({ hold: holdId, tenant: hold.tenant, job: hold.job.kind });
    try {
      if (hold.job.kind === 'place') {
        // twice: a record written while the first sweep ran is caught by the second
        for (let sweep = 0; sweep < 2; sweep++) await this.sweepPlace(hold, progress);
      } else {
        await this.sweepRelease(hold, progress);
      }
      // counts of held records read right after "done" must include this job's updates
      await this.deps.index.refresh();
      await this.report(holdId, { state: 'done', ...progress });
      log.info({ event: 'hold_job_done', ...progress });
    } catch (err) {
      await this.report(holdId, { state: 'failed', ...progress, error: errorMessage(err) }).catch(() => undefined);
      log.error({ event: 'hold_job_failed', err: errorMessage(err) });
    }
  }

  private async sweepPlace(hold: Hold, progress: { processed: number; matched: number }): Promise<void> {
    await this.deps.index.refresh();
    const seen = new Set<string>();
    for (const query of candidateQueries(hold.scope)) {
      for await (const docs of pages(this.deps.index, hold.tenant, query)) {
        const update = new Map<string, string[]>();
        for (const doc of docs) {
          if (seen.has(doc.id)) continue;
          seen.add(doc.id);
          progress.processed++;
          if (!holdCovers(hold.scope, subjectOf(doc))) continue;
          if (doc.holds.includes(hold.id)) continue;
          const objects = await recordObjects(this.deps.store, hold.tenant, doc.id, doc.archive.versionId);
          for (const o of [...objects.own, ...objects.blobs]) await this.deps.store.setLegalHold(o.key, o.versionId, true);
          update.set(doc.id, [...new Set([...doc.holds, hold.id])]);
          progress.matched++;
          if (progress.matched % PROGRESS_EVERY === 0) await this.report(hold.id, { state: 'running', ...progress });
        }
        await this.deps.index.setHolds(hold.tenant, update);
      }
    }
  }

  private async sweepRelease(hold: Hold, progress: { processed: number; matched: number }): Promise<void> {
    await this.deps.index.refresh();
    const active = new Set(this.deps.holds.values().filter((h) => h.tenant === hold.tenant && h.status === 'active').map((h) => h.id));
    // Blobs can be shared by records of different matters; they keep their hold while any hold is active.
    const releaseBlobs = active.size === 0;
    const first = await this.deps.index.search(hold.tenant, { holdId: hold.id, size: 1 });
    // each page removes its documents from the result set; more rounds than pages means updates are not landing
    for (let round = 0; round <= Math.ceil(first.total / PAGE) + 2; round++) {
      const page = await this.deps.index.search(hold.tenant, { holdId: hold.id, size: PAGE });
      if (page.hits.length === 0) return;
      const update = new Map<string, string[]>();
      for (const doc of page.hits) {
        progress.processed++;
        const remaining = doc.holds.filter((h) => h !== hold.id);
        if (!remaining.some((h) => active.has(h))) {
          const objects = await recordObjects(this.deps.store, hold.tenant, doc.id, doc.archive.versionId);
          for (const o of [...objects.own, ...(releaseBlobs ? objects.blobs : [])]) await this.deps.store.setLegalHold(o.key, o.versionId, false);
          progress.matched++;
        }
        update.set(doc.id, remaining);
      }
      await this.deps.index.setHolds(hold.tenant, update);
      await this.deps.index.refresh();
      await this.report(hold.id, { state: 'running', ...progress });
    }
    throw new Error(`release of ${hold.id}: index still lists held records after every page was updated`);
  }

  private async report(holdId: string, job: { state: 'running' | 'done' | 'failed'; processed: number; matched: number; error?: string }): Promise<void> {
    const current = this.deps.holds.get(holdId)!;
    await this.deps.holds.put(holdId, { ...current, job: { ...current.job, ...job, updatedAt: new Date().toISOString() } });
  }
}
