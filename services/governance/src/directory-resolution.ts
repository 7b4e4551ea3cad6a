import type { ArchiveStore } from '@custody/archive-store';
import { normalizeIdentifier } from '@custody/connector-kit';
import type { HoldTable, PendingResolutionTable } from '@custody/control';
import { parseEnvelope } from '@custody/envelope';
import { backoffDelay, errorMessage, sleep } from '@custody/errors';
import { resolveAgain, type Directory, type Employee } from '@custody/identity';
import type { Logger } from '@custody/logger';
import { holdCovers } from '@custody/policy';
import { resolutionOf, type IndexDoc, type Resolution, type SearchIndex } from '@custody/search-index';
import { holdSubjectOfDoc, setRecordLegalHold, type HoldJobs } from './hold-jobs';

export interface DirectoryResolutionDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
  /** Where changes wait until their pass is done (a restart resumes them). */
  pending: PendingResolutionTable;
  jobs: HoldJobs;
  directoryOf(tenant: string): Directory;
  logger: Logger;
  retry?: { initialMs: number; maxMs: number };
}

const PAGE = 500;
const RETRY = { initialMs: 1_000, maxMs: 5 * 60_000 };

/** How identifiers are compared when picking candidates (the directory's own match decides). */
const loose = (value: string) => normalizeIdentifier(value).toLowerCase();

interface Pending {
  employeeIds: Set<string>;
  identifiers: Set<string>;
}

const sameResolution = (d: IndexDoc, r: Resolution) =>
  d.direction === r.direction &&
  JSON.stringify([...d.employeeIds].sort()) === JSON.stringify([...r.employeeIds].sort()) &&
  JSON.stringify([...d.unmapped].sort()) === JSON.stringify([...r.unmapped].sort());

/**
 * Keeps the index's resolution of existing records in step with the directory. When an employee's
 * entry changes, every record of the tenant that names one of their old or new identifiers (or is
 * attributed to them) is resolved again from its archived envelope, and the index document gets
 * the new employeeIds, unmapped and direction. Active holds are then judged on the new resolution:
 * a custodian hold covers the person's earlier records from now on (legal hold set in WORM and in
 * the index). A record that stops matching keeps its holds: releasing is legal's decision.
 *
 * Changes arriving while a tenant's pass runs are folded into the next pass. Passes run in the
 * hold-job queue, so they never interleave with a hold's placement or release.
 */
export class DirectoryResolution {
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();
  private rows: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DirectoryResolutionDeps) {}

  /**
   * Called with the entry as it was and as it is (either may be absent). The change is also recorded
   * in the control plane until its pass is done, so a pass cut short by a restart is run again.
   */
  async changed(tenant: string, entries: Array<Employee | undefined>): Promise<void> {
    const present = entries.filter((e): e is Employee => Boolean(e));
    const work: Pending = {
      employeeIds: new Set(present.map((e) => e.employeeId)),
      identifiers: new Set(present.flatMap((e) => e.identifiers.map((i) => loose(i.value)))),
    };
    await this.row(async () => {
      // in this process first: an outage of the control plane delays only the record of the change
      this.enqueue(tenant, work);
      const stored = this.deps.pending.get(tenant);
      await this.deps.pending.put(tenant, {
        tenant,
        employeeIds: [...new Set([...(stored?.employeeIds ?? []), ...work.employeeIds])].sort(),
        identifiers: [...new Set([...(stored?.identifiers ?? []), ...work.identifiers])].sort(),
      });
    });
  }

  /** Pending rows are read, merged and removed one change at a time, so none is lost between two writes. */
  private row(fn: () => Promise<void>): Promise<void> {
    const run = this.rows.then(fn);
    this.rows = run.catch(() => undefined);
    return run;
  }

  /** Runs the passes a previous process recorded and did not finish. */
  resume(): void {
    for (const p of this.deps.pending.values()) this.enqueue(p.tenant, { employeeIds: new Set(p.employeeIds), identifiers: new Set(p.identifiers) });
  }

  private enqueue(tenant: string, work: Pending): void {
    const p = this.pending.get(tenant) ?? { employeeIds: new Set(), identifiers: new Set() };
    work.employeeIds.forEach((e) => p.employeeIds.add(e));
    work.identifiers.forEach((i) => p.identifiers.add(i));
    this.pending.set(tenant, p);
    if (!this.running.has(tenant)) this.drain(tenant);
  }

  async stop(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  private drain(tenant: string): void {
    const run = (async () => {
      for (let work = this.pending.get(tenant); work && !this.closing.signal.aborted; work = this.pending.get(tenant)) {
        this.pending.delete(tenant);
        await this.passWithRetry(tenant, work);
      }
      // everything recorded has been applied, unless a change came in meanwhile (then it is pending again)
      await this.row(async () => {
        if (!this.closing.signal.aborted && !this.pending.has(tenant)) await this.deps.pending.remove(tenant);
      });
    })()
      .catch((err) => this.deps.logger.error({ event: 'directory_reresolve_failed', tenant, err: errorMessage(err) }))
      .finally(() => {
        this.running.delete(tenant);
        // a change enqueued while this drain was finishing found it still running
        if (this.pending.has(tenant) && !this.closing.signal.aborted) this.drain(tenant);
      });
    this.running.set(tenant, run);
  }

  private async passWithRetry(tenant: string, work: Pending): Promise<void> {
    const log = this.deps.logger.child({ tenant });
    for (let attempt = 0; !this.closing.signal.aborted; attempt++) {
      try {
        const result = await this.deps.jobs.exclusive(() => this.pass(tenant, work));
        log.info({ event: 'directory_reresolved', employees: work.employeeIds.size, ...result });
        return;
      } catch (err) {
        if (this.closing.signal.aborted) return;
        const delayMs = backoffDelay(attempt, this.deps.retry ?? RETRY);
        log.warn({ event: 'directory_reresolve_retry', attempt: attempt + 1, delay_ms: delayMs, err: errorMessage(err) });
        await sleep(delayMs, this.closing.signal);
      }
    }
  }

  private async pass(tenant: string, work: Pending): Promise<{ examined: number; changed: number; newlyHeld: number }> {
    const directory = this.deps.directoryOf(tenant);
    const counts = { examined: 0, changed: 0, newlyHeld: 0 };
    await this.deps.index.refresh();
    let cursor: string | undefined;
    do {
      if (this.closing.signal.aborted) throw new Error('stopping');
      const page = await this.deps.index.search(tenant, { size: PAGE, cursor });
      const resolutions = new Map<string, Resolution>();
      const marks = new Map<string, string[]>();
      const active = this.deps.holds.values().filter((h) => h.tenant === tenant && h.status === 'active');
      for (const doc of page.hits) {
        counts.examined++;
        if (!doc.employeeIds.some((e) => work.employeeIds.has(e)) && !doc.participants.some((v) => work.identifiers.has(loose(v)))) continue;
        const env = parseEnvelope((await this.deps.store.get(doc.archive.key, doc.archive.versionId)).body);
        const resolution = resolutionOf(resolveAgain(env, directory));
        if (sameResolution(doc, resolution)) continue;
        counts.changed++;
        resolutions.set(doc.id, resolution);
        const covering = active.filter((h) => !doc.holds.includes(h.id) && holdCovers(h.scope, holdSubjectOfDoc({ ...doc, ...resolution })));
        if (covering.length) marks.set(doc.id, [...doc.holds, ...covering.map((h) => h.id)]);
      }
      // index marks before WORM flags, as a placement does: a release finds whatever was locked by its marks
      await this.deps.index.setHolds(tenant, marks);
      for (const id of marks.keys())
        await setRecordLegalHold(
          this.deps.store,
          tenant,
          page.hits.find((d) => d.id === id)!,
          true,
        );
      counts.newlyHeld += marks.size;
      await this.deps.index.setResolution(tenant, resolutions);
      cursor = page.cursor;
    } while (cursor);
    await this.deps.index.refresh();
    return counts;
  }
}
