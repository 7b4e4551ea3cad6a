import { createHash, randomUUID } from 'node:crypto';
import type { ArchiveStore } from '@custody/archive-store';
import { JobRunner, type AlertTable, type LookbackTable } from '@custody/control';
import { sha256Hex } from '@custody/envelope';
import { IntegrityError, NotFoundError, RejectedInputError, errorMessage, mapLimit } from '@custody/errors';
import type { AuditSink } from '@custody/http';
import type { Logger } from '@custody/logger';
import { RecordVersions, readVerified } from '@custody/review';
import type { SearchIndex } from '@custody/search-index';
import {
  NORMALIZER_VERSION,
  canonicalPolicyJson,
  contentAddress,
  hitAlerts,
  parsePolicy,
  policyHistory,
  readPolicyVersion,
  screenEnvelope,
  type Lookback,
  type LookbackRequest,
  type LookbackResult,
  type Policy,
  type PolicyVersionRecord,
  type Screening,
  type Alert,
} from '@custody/supervision';
import { raiseAlerts } from './alert-sink';
import type { DirectoryView } from './directory-view';
import { corpusChunks, planCorpus, readCorpusManifest, type CorpusEntry } from './lookback-corpus';
import { LookbackStore } from './lookback-store';

export interface LookbackJobDeps {
  store: ArchiveStore;
  index: SearchIndex;
  lookbacks: LookbackTable;
  alerts: AlertTable;
  directory: DirectoryView;
  audit: AuditSink;
  logger: Logger;
  retry?: { initialMs: number; maxMs: number };
  /** Records screened per page (tests make pages small to stop a job between two). */
  pageSize?: number;
}

/** Records screened per page: each page is one WORM object, and where a resumed job goes on from. */
const PAGE_SIZE = 500;
/** Pages per corpus chunk: a chunk is what the job holds of the corpus at a time. */
const PAGES_PER_CHUNK = 20;
const READ_CONCURRENCY = 8;

const pagePath = (n: number, draft = false) => `${draft ? 'draft-pages' : 'pages'}/${String(n).padStart(6, '0')}.jsonl`;
const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);
const hitKeys = (s: Screening) => s.hits.map((h) => `${s.record} ${h.ruleId}/${h.zone}`);

/**
 * Lookbacks: a policy version run over a range of history as a resumable job. The corpus (every
 * record sent in the range, with the hash of its stored bytes and the groups its employees had) is
 * fixed in WORM first; then pages of screenings, each a WORM object; a restart goes on from the
 * first missing page. The result's identity is the SHA-256 of (policy version, normalizer version,
 * corpus manifest hash), and the screenings are deterministic, so the same inputs give a
 * byte-identical result (`resultSha256`). A dry run also screens a draft version and lists the hits
 * it would add and drop, raising nothing.
 */
export class LookbackJobs {
  private readonly runner: JobRunner<Lookback, Lookback['job'], LookbackResult>;

  constructor(private readonly deps: LookbackJobDeps) {
    this.runner = new JobRunner({
      table: deps.lookbacks,
      logger: deps.logger,
      name: 'lookback',
      retry: deps.retry,
      produce: (lb, signal) => this.produce(lb, signal),
      done: async (lb, result) => {
        await this.audit(lb, 'supervision.lookbacks.completed', 'ok', {
          ...result,
          diff: result.diff && { added: result.diff.added, dropped: result.diff.dropped },
        });
        this.deps.logger.info({
          event: 'lookback_done',
          lookback: lb.id,
          tenant: lb.tenant,
          records: result.records,
          hits: result.hits,
          result_sha256: result.resultSha256,
        });
      },
      failed: (lb, err) => this.audit(lb, 'supervision.lookbacks.failed', 'failed', { error: errorMessage(err) }),
    });
  }

  async request(tenant: string, by: string, req: LookbackRequest): Promise<Lookback> {
    const version = await this.versionOf(tenant, req.policyId, req.version);
    const id = `lb-${randomUUID()}`;
    let draftVersion: Lookback['draftVersion'];
    if (req.draft) {
      const draft = parsePolicy(req.draft.source, req.draft.format);
      if (draft.id !== req.policyId) throw new RejectedInputError('invalid_request', `the draft's id is ${draft.id}, not ${req.policyId}`);
      draftVersion = contentAddress(draft);
      await new LookbackStore(this.deps.store, tenant, id).write('draft.json', Buffer.from(canonicalPolicyJson(draft)));
    }
    const now = new Date().toISOString();
    const lookback: Lookback = {
      id,
      tenant,
      policyId: req.policyId,
      version: version.version,
      ...(draftVersion && { draftVersion }),
      from: new Date(req.from).toISOString(),
      to: new Date(req.to).toISOString(),
      raiseAlerts: req.raiseAlerts && !req.draft,
      requestedBy: by,
      requestedAt: now,
      job: { phase: 'planning', total: 0, done: 0, updatedAt: now },
    };
    await this.deps.lookbacks.put(id, lookback);
    void this.start(id);
    return lookback;
  }

  resume(): void {
    this.runner.resume();
  }

  start(id: string): Promise<void> {
    return this.runner.start(id);
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async versionOf(tenant: string, policyId: string, version?: string): Promise<PolicyVersionRecord> {
    if (version) return readPolicyVersion(this.deps.store, tenant, policyId, version.slice('sha256:'.length));
    const current = (await policyHistory(this.deps.store, tenant, policyId)).at(-1);
    if (!current) throw new NotFoundError(`no supervision policy ${policyId}`);
    return current;
  }

  private async produce(lb: Lookback, signal: AbortSignal): Promise<LookbackResult | undefined> {
    const files = new LookbackStore(this.deps.store, lb.tenant, lb.id);
    const version = await this.versionOf(lb.tenant, lb.policyId, lb.version);
    const draft = await this.draftOf(lb, files);
    const size = this.deps.pageSize ?? PAGE_SIZE;
    const corpus = (await readCorpusManifest(files)) ?? (await planCorpus(this.deps, lb, files, size * PAGES_PER_CHUNK));
    await this.update(lb.id, { phase: 'screening', total: corpus.records });

    const versions = new RecordVersions(this.deps.store, this.deps.index, lb.tenant);
    const resultHash = createHash('sha256');
    const tally = { inScope: 0, hits: 0, alertsRaised: 0, added: 0, dropped: 0, sample: { added: [] as string[], dropped: [] as string[] } };
    let n = 0;
    for await (const chunk of corpusChunks(files, corpus)) {
      for (let i = 0; i < chunk.length; i += size, n++) {
        if (signal.aborted) return undefined;
        const entries = chunk.slice(i, i + size);
        let page = await files.read(pagePath(n));
        let draftPage = draft ? await files.read(pagePath(n, true)) : undefined;
        if (!page || (draft && !draftPage)) {
          const screened = await this.screenPage(lb, versions, entries, version, draft);
          tally.alertsRaised += (await raiseAlerts(this.deps, screened.alerts)).length;
          page = await this.writeJsonl(files, pagePath(n), screened.screenings);
          if (draft) draftPage = await this.writeJsonl(files, pagePath(n, true), screened.drafted);
        }
        resultHash.update(page);
        const screenings = lines(page).map((l) => JSON.parse(l) as Screening);
        for (const s of screenings) {
          if (s.inScope) tally.inScope++;
          tally.hits += s.hits.length;
        }
        if (draftPage) await this.diffPage(files, n, screenings, draftPage, tally);
        await this.update(lb.id, { done: n * size + entries.length });
      }
    }
    const inputsHash = sha256Hex(Buffer.from(`${version.version}\n${NORMALIZER_VERSION}\n${corpus.sha256}`));
    const { added, dropped, sample, alertsRaised, inScope, hits } = tally;
    const result: LookbackResult = {
      inputsHash,
      corpusSha256: corpus.sha256,
      resultSha256: resultHash.digest('hex'),
      records: corpus.records,
      inScope,
      hits,
      alertsRaised,
    };
    if (draft) result.diff = { added, dropped, sample };
    // alerts raised before a restart are not counted again: the count is this run's, the alerts are unique
    await files.write(
      'result.json',
      Buffer.from(JSON.stringify({ ...result, alertsRaised: undefined, version: version.version, normalizer: NORMALIZER_VERSION })),
    );
    return result;
  }

  /** A dry run's draft, kept in WORM when the job was asked for and re-checked against its address. */
  private async draftOf(lb: Lookback, files: LookbackStore): Promise<Policy | undefined> {
    if (!lb.draftVersion) return undefined;
    const bytes = await files.read('draft.json');
    if (!bytes) throw new IntegrityError(`lookback ${lb.id}: its draft is missing from WORM`);
    const draft = parsePolicy(bytes.toString('utf8'), 'json');
    if (contentAddress(draft) !== lb.draftVersion) throw new IntegrityError(`lookback ${lb.id}: its draft no longer hashes to ${lb.draftVersion}`);
    return draft;
  }

  /** One page: its records read from WORM (in parallel: round trips dominate), checked against the corpus, screened in corpus order. */
  private async screenPage(lb: Lookback, versions: RecordVersions, entries: CorpusEntry[], version: PolicyVersionRecord, draft?: Policy) {
    const records = await mapLimit(entries, READ_CONCURRENCY, (e) => readVerified(versions, e.id));
    const screenings: Screening[] = [];
    const drafted: Screening[] = [];
    const alerts: Alert[] = [];
    entries.forEach((e, i) => {
      const { envelope, archive } = records[i];
      if (archive.sha256 !== e.sha256) throw new IntegrityError(`record ${e.id}: archived bytes hash to ${archive.sha256}, the corpus fixed ${e.sha256}`);
      screenings.push(screenEnvelope(version.policy, envelope, e.groups));
      if (draft) drafted.push(screenEnvelope(draft, envelope, e.groups));
      if (lb.raiseAlerts) {
        const stored = { key: archive.key, versionId: archive.versionId ?? '', sha256: archive.sha256 };
        alerts.push(...hitAlerts(envelope, stored, [version], e.groups, `lookback:${lb.id}`, new Date().toISOString()));
      }
    });
    return { screenings, drafted, alerts };
  }

  private async writeJsonl(files: LookbackStore, path: string, screenings: Screening[]): Promise<Buffer> {
    const body = Buffer.from(screenings.map((s) => `${JSON.stringify(s)}\n`).join(''));
    await files.write(path, body);
    return body;
  }

  /** What the draft adds and drops on one page: counted, the first 100 of each kept, the page's list written to diff/ (so memory is bounded by a page). */
  private async diffPage(
    files: LookbackStore,
    n: number,
    screenings: Screening[],
    draftPage: Buffer,
    tally: { added: number; dropped: number; sample: { added: string[]; dropped: string[] } },
  ): Promise<void> {
    const before = new Set(screenings.flatMap(hitKeys));
    const after = new Set(lines(draftPage).flatMap((l) => hitKeys(JSON.parse(l) as Screening)));
    const added = [...after].filter((k) => !before.has(k));
    const dropped = [...before].filter((k) => !after.has(k));
    tally.added += added.length;
    tally.dropped += dropped.length;
    tally.sample.added.push(...added.slice(0, 100 - tally.sample.added.length));
    tally.sample.dropped.push(...dropped.slice(0, 100 - tally.sample.dropped.length));
    if (added.length + dropped.length > 0)
      await files.write(`diff/${String(n).padStart(6, '0')}.jsonl`, Buffer.from([...added.map((k) => `+ ${k}\n`), ...dropped.map((k) => `- ${k}\n`)].join('')));
  }

  private update(id: string, job: Partial<Lookback['job']>): Promise<void> {
    return this.runner.update(id, job);
  }

  private async audit(lb: Lookback, action: string, outcome: 'ok' | 'failed', details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({
      tenant: lb.tenant,
      actor: { keyId: lb.requestedBy, role: 'compliance' },
      action,
      outcome,
      status: 0,
      target: lb.id,
      details,
    });
  }
}
