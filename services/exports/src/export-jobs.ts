import { RecordVersions } from '@custody/review';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { exportKey, type ArchiveStore } from '@custody/archive-store';
import { JobRunner, type ExportTable, type HoldTable } from '@custody/control';
import { errorMessage } from '@custody/errors';
import type { AuditSink } from '@custody/http';
import type { Logger } from '@custody/logger';
import type { Export, ExportJob, ExportRequest, ExportResult } from '@custody/policy';
import type { SearchIndex } from '@custody/search-index';
import { finishPackage } from './finish';
import { PackageWriter } from './package-writer';
import { PLAN_PATH, unitLedgerPath } from './paths';
import { planScope, unitsOf, type PlannedRecord } from './plan';
import { produceUnit } from './unit';

export interface ExportJobDeps {
  store: ArchiveStore;
  index: SearchIndex;
  holds: HoldTable;
  exports: ExportTable;
  audit: AuditSink;
  logger: Logger;
  /** How long packages stay locked (CUSTODY_EXPORT_RETENTION_DAYS). */
  retentionDays: number;
  custodyVersion: string;
  /** The checkpoint signing keys Custody publishes, copied into every package beside its proofs. */
  verificationKeys: Array<{ keyId: string; algorithm: 'ed25519'; publicKey: string }>;
  /** Backoff between attempts after a retriable failure (tests shorten it). */
  retry?: { initialMs: number; maxMs: number };
}

/** Progress is written to the control table at most this often: it is a compacted topic, not a log. */
const PROGRESS_EVERY_MS = 1_000;

export const CERTIFICATE_PATH = 'certificate.json';

/**
 * Runs exports as resumable jobs: the plan (the records in scope) is fixed in WORM first, then each
 * unit (a conversation's UTC day) is produced and its ledger written, then the package is finished
 * from the ledgers. A job stopped anywhere — a restart, kill -9 — starts again at the first unit
 * without a ledger, and finishes with the same bytes. A retriable failure (an outage) retries with
 * backoff; anything else (a record that fails verification, a scope that cannot be met) fails the
 * export with its reason, audited.
 */
export class ExportJobs {
  private readonly runner: JobRunner<Export, ExportJob, ExportResult>;

  constructor(private readonly deps: ExportJobDeps) {
    this.runner = new JobRunner({
      table: deps.exports,
      logger: deps.logger,
      name: 'export',
      retry: deps.retry,
      clearOnEnd: ['etaAt'],
      produce: async (exp, signal) => {
        const writer = new PackageWriter(this.deps.store, exp.tenant, exp.id, this.retainUntil(exp));
        try {
          return await this.produce(exp, writer, signal);
        } finally {
          await writer.close();
        }
      },
      done: async (exp, result) => {
        await this.audit(exp, 'exports.completed', 'ok', {
          manifestSha256: result.manifestSha256,
          records: result.records,
          files: result.files,
          bytes: result.bytes,
        });
        const log = this.deps.logger.child({ export: exp.id, tenant: exp.tenant });
        log.info({ event: 'export_done', records: result.records, files: result.files, bytes: result.bytes, manifest_sha256: result.manifestSha256 });
      },
      failed: (exp, err) => this.audit(exp, 'exports.failed', 'failed', { error: errorMessage(err) }),
    });
  }

  async request(tenant: string, by: { keyId: string; role: string }, req: ExportRequest): Promise<Export> {
    const now = new Date().toISOString();
    const exp: Export = {
      id: `exp-${randomUUID()}`,
      tenant,
      ...req,
      requestedBy: by.keyId,
      requestedRole: by.role,
      requestedAt: now,
      job: { phase: 'planning', total: 0, done: 0, updatedAt: now },
    };
    await this.deps.exports.put(exp.id, exp);
    void this.start(exp.id);
    return exp;
  }

  /** Picks up the exports a previous process did not finish. */
  resume(): void {
    this.runner.resume();
  }

  /** Starts (or continues) one export; its promise settles when the job ends. */
  start(id: string): Promise<void> {
    return this.runner.start(id);
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  /** The job's phases; undefined when stopped (it resumes at the next start). */
  private async produce(exp: Export, writer: PackageWriter, signal: AbortSignal): Promise<ExportResult | undefined> {
    const plan = await this.planOf(exp, writer);
    const units = unitsOf(plan);
    const done = await this.unitsDone(exp);
    const historyOf = new Map<string, PlannedRecord[]>();
    for (const r of plan) {
      if (!r.target) continue;
      const list = historyOf.get(r.target);
      if (list) list.push(r);
      else historyOf.set(r.target, [r]);
    }
    const ctx = {
      store: this.deps.store,
      versions: new RecordVersions(this.deps.store, this.deps.index, exp.tenant),
      exp,
      writer,
      generator: `Custody ${this.deps.custodyVersion}`,
      plan: { ids: new Set(plan.map((r) => r.id)), historyOf },
    };
    let next = 1;
    let produced = 0;
    const startedAt = Date.now();
    let producedHere = 0;
    let reportedAt = 0;
    await this.update(exp.id, { phase: 'producing', total: plan.length });
    for (const unit of units) {
      if (signal.aborted) return undefined;
      if (done.has(unit.seq)) {
        // numbering goes on from the last unit done before this run: only that ledger is read
        if (!done.has(unit.seq + 1) && unit.seq + 1 < units.length) {
          const ledger = await this.deps.store.get(exportKey(exp.tenant, exp.id, unitLedgerPath(unit.seq)));
          next = (JSON.parse(ledger.body.toString('utf8')) as { next: number }).next;
        }
      } else {
        const ledger = await produceUnit(ctx, unit, next);
        await writer.putJobObject(unitLedgerPath(unit.seq), Buffer.from(JSON.stringify(ledger)));
        next = ledger.next;
        producedHere += unit.records.length;
      }
      produced += unit.records.length;
      if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
        reportedAt = Date.now();
        const msPerRecord = producedHere ? (Date.now() - startedAt) / producedHere : undefined;
        const etaAt = msPerRecord === undefined ? undefined : new Date(Date.now() + (plan.length - produced) * msPerRecord).toISOString();
        await this.update(exp.id, { done: produced, etaAt });
      }
    }
    await this.update(exp.id, { phase: 'finishing', done: produced, etaAt: undefined });
    const summary = await finishPackage({
      store: this.deps.store,
      exp,
      writer,
      custodyVersion: this.deps.custodyVersion,
      plan,
      units,
      proofs: { index: this.deps.index, keys: this.deps.verificationKeys },
    });
    const completedAt = new Date().toISOString();
    const certificate = {
      schema: 'custody.export-certificate/v1',
      export: { id: exp.id, tenant: exp.tenant, name: exp.name, scope: exp.scope, formats: exp.formats },
      requestedBy: { keyId: exp.requestedBy, role: exp.requestedRole },
      requestedAt: exp.requestedAt,
      completedAt,
      manifest: { key: exportKey(exp.tenant, exp.id, `package/${summary.manifest.path}`), sha256: summary.manifest.sha256, size: summary.manifest.size },
      counts: { records: summary.records, documents: summary.documents, files: summary.files, bytes: summary.bytes },
      custodyVersion: this.deps.custodyVersion,
    };
    // written once: a job finishing again after a crash keeps the first certificate
    const cert = await writer.putJobObject(CERTIFICATE_PATH, Buffer.from(`${JSON.stringify(certificate, null, 2)}\n`), 'application/json', {
      keepExisting: true,
    });
    return {
      manifestSha256: summary.manifest.sha256,
      files: summary.files,
      bytes: summary.bytes,
      records: summary.records,
      documents: summary.documents,
      certificateKey: exportKey(exp.tenant, exp.id, cert.path),
      completedAt,
    };
  }

  /** The plan in WORM, or made now and written there before anything is produced. */
  private async planOf(exp: Export, writer: PackageWriter): Promise<PlannedRecord[]> {
    const key = exportKey(exp.tenant, exp.id, PLAN_PATH);
    if (await this.deps.store.head(key)) {
      const { body } = await this.deps.store.getStream(key);
      const plan: PlannedRecord[] = [];
      // one string per conversation id and kind, as planning made them (see planned)
      const shared = new Map<string, string>();
      const once = (s: string) => shared.get(s) ?? (shared.set(s, s), s);
      for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
        if (!line) continue;
        const r = JSON.parse(line) as PlannedRecord;
        plan.push({ ...r, conversationId: once(r.conversationId), kind: once(r.kind) });
      }
      return plan;
    }
    const plan = await planScope({ store: this.deps.store, index: this.deps.index, holds: this.deps.holds }, exp);
    await writer.putJobObject(PLAN_PATH, Buffer.from(plan.map((r) => `${JSON.stringify(r)}\n`).join('')), 'application/x-ndjson');
    return plan;
  }

  private async unitsDone(exp: Export): Promise<Set<number>> {
    const done = new Set<number>();
    for await (const v of this.deps.store.list(exportKey(exp.tenant, exp.id, 'job/units/'))) {
      const m = /\/(\d{8})\.json$/.exec(v.key);
      if (m && !v.deleteMarker) done.add(Number(m[1]));
    }
    return done;
  }

  private retainUntil(exp: Export): Date {
    return new Date(Date.parse(exp.requestedAt) + this.deps.retentionDays * 86_400_000);
  }

  private update(id: string, job: Partial<ExportJob>): Promise<void> {
    return this.runner.update(id, job);
  }

  private async audit(exp: Export, action: string, outcome: 'ok' | 'failed', details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({
      tenant: exp.tenant,
      actor: { keyId: exp.requestedBy, role: exp.requestedRole },
      action,
      outcome,
      status: 0,
      target: exp.id,
      details: { name: exp.name, ...details },
    });
  }
}
