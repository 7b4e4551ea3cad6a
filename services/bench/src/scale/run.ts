/**
 * `npm run bench -- --scale [--sizes 10k,100k,1m,10m] [--dir <path>] [--keep]`: grows one archive
 * on the embedded default through its webhooks to each size in turn and measures, at every size,
 * what it costs: ingest rate, disk bytes per record (archive, index, log), resident memory while
 * ingesting and at rest, time to ready after a restart, search and conversation-page latency and
 * the rate at which records are read back verified from the WORM store. Custody runs as a child
 * process (`custody start`), so the figures are its own, not the load generator's. With `--dir` the
 * run can stop and continue later (progress-file.ts): the 10 M step takes hours.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mintApiKey } from '@custody/runtime';
import { mapLimit } from '@custody/errors';
import { fmt, percentile } from '../stats';
import { Corpus, TENANTS, scaleConnectors, word } from './corpus';
import { CustodyProcess } from './custody-process';
import { postDeliveries } from './post';
import { readProgress, saveProgress, type ScaleProgress } from './progress-file';

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000, 10_000_000];
const POST_CONCURRENCY = 8;
const PROBES = 100;
const READS = 200;
/**
 * Records the gateway may be ahead of the archiver. The gateway takes webhooks several times faster
 * than the archiver stores them; unchecked, a 10 M step would park millions of records in the log
 * (gigabytes the archive needs) and measure a backlog rather than a steady state.
 */
const MAX_BACKLOG = 20_000;
/** Searches are the compliance officer's: two mid-frequency words (ranks 20–400) and a 90-day window. */
const QUERY_RANKS: [number, number] = [20, 400];

export interface ScaleRow {
  records: number;
  ingestRate: number;
  peakRssMb: number;
  restRssMb: number;
  readyMs: number;
  readyRssMb: number;
  bytesPerRecord: { archive: number; index: number; bus: number; total: number };
  search: { p50: number; p95: number; meanHits: number };
  conversation: { p50: number; p95: number };
  readRate: number;
}

export function parseSizes(arg: string | undefined): number[] {
  if (!arg) return DEFAULT_SIZES;
  const sizes = arg.split(',').map((s) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
    if (!m) throw new Error(`--sizes: "${s}" is not a count like 10k or 1m`);
    return Math.round(Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2].toLowerCase() as 'k' | 'm'] ?? 1));
  });
  if (sizes.some((s, i) => s < 1 || (i > 0 && s <= sizes[i - 1]))) throw new Error('--sizes must be increasing positive counts');
  return sizes;
}

const du = async (path: string) => Number((await promisify(execFile)('du', ['-s', '-B1', path])).stdout.split('\t')[0]);

/** The bench's Custody: embedded on `dir`, the scale connectors, one compliance key for the probes. */
export function scaleEnv(dir: string): { env: Record<string, string>; token: string } {
  const key = mintApiKey('acme', 'compliance', 'scale-compliance');
  const env = {
    CUSTODY_MODE: 'embedded',
    CUSTODY_DATA_DIR: dir,
    // no media service: no vendor is reachable from a bench, attachments stay referenced
    CUSTODY_SERVICES: 'gateway,archiver,api',
    CUSTODY_CONNECTORS: JSON.stringify(scaleConnectors()),
    CUSTODY_API_KEYS: JSON.stringify([key.record]),
    CUSTODY_BOOTSTRAP_TENANT: 'acme',
    CUSTODY_API_REQUESTS_PER_MINUTE_PER_KEY: '1000000',
    CUSTODY_API_REQUESTS_PER_MINUTE_PER_ADDRESS: '1000000',
    LOG_LEVEL: 'warn',
  };
  return { env, token: key.token };
}

export async function runScale(sizes: number[], opts: { dir?: string; keep?: boolean }): Promise<void> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'custody-scale-'));
  const { env, token } = scaleEnv(dir);
  const log = (s: string) => process.stderr.write(`[scale] ${s}\n`);
  const progress = startOrResume(dir, sizes, log);
  const corpus = new Corpus(sizes[sizes.length - 1], progress.endS);
  log(`data in ${dir}; sizes ${sizes.join(', ')}`);
  let have = 0;
  try {
    for (const size of sizes) {
      if (progress.rows.some((r) => r.records === size)) {
        // reached by an earlier process: replay its deliveries so the corpus continues where it was
        const replay = corpus.deliveries(have, size);
        while (!replay.next().done);
        have = size;
        continue;
      }
      const custody = new CustodyProcess(env);
      await custody.start();
      custody.takePeakRssMb();
      const ingest = await ingestTo(custody, corpus, have, size, progress, dir, log);
      have = size;
      const peakRssMb = Math.max(progress.step?.peakRssMb ?? 0, custody.takePeakRssMb());
      const restRssMb = custody.rssMb();
      await custody.stop();

      const bytes = { archive: await du(join(dir, 'archive')), index: await du(join(dir, 'index')), bus: await du(join(dir, 'bus')), total: await du(dir) };
      const restarted = new CustodyProcess(env);
      const readyMs = await restarted.start();
      const readyRssMb = restarted.rssMb();
      const probes = await probe(restarted, token, corpus, size);
      await restarted.stop();
      const row: ScaleRow = {
        records: size,
        ingestRate: ingest,
        peakRssMb,
        restRssMb,
        readyMs,
        readyRssMb,
        bytesPerRecord: { archive: bytes.archive / size, index: bytes.index / size, bus: bytes.bus / size, total: bytes.total / size },
        ...probes,
      };
      progress.rows.push(row);
      delete progress.step;
      saveProgress(dir, progress);
      log(JSON.stringify(row));
    }
  } finally {
    if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${report(progress.rows)}\n`);
}

/** Waits while the archiver's lag is over `max` records (checked at most every second, shared by every poster). */
function backlogBelow(custody: CustodyProcess, max: number): () => Promise<void> {
  let check: Promise<void> | undefined;
  let checkedAt = 0;
  const wait = async () => {
    while ((await custody.counter('custody_consumer_lag_records')) > max) await new Promise((r) => setTimeout(r, 1000));
    checkedAt = performance.now();
  };
  return () => {
    if (performance.now() - checkedAt < 1000) return check ?? Promise.resolve();
    check ??= wait().finally(() => (check = undefined));
    return check;
  };
}

/** A new run's progress, or the one an earlier run left in `dir` (which must be for the same sizes). */
function startOrResume(dir: string, sizes: number[], log: (s: string) => void): ScaleProgress {
  const saved = readProgress(dir);
  if (saved) {
    if (saved.sizes.join() !== sizes.join())
      throw new Error(`${dir} holds a scale run for --sizes ${saved.sizes.join(',')}; continue it with those sizes or use another --dir`);
    log(
      `continuing the run in ${dir}: ${saved.rows.length} of ${sizes.length} sizes reached${saved.step ? `, ${saved.step.from + saved.step.records} records acknowledged` : ''}`,
    );
    return saved;
  }
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty and holds no scale run to continue; give an empty or new directory`);
  const progress: ScaleProgress = { sizes, endS: Math.floor(Date.now() / 1000), rows: [] };
  saveProgress(dir, progress);
  return progress;
}

/**
 * Posts the deliveries for records [from, to) and waits until every captured record is indexed;
 * records/s. A step an earlier process began continues after its last acknowledged delivery, and
 * its time so far counts towards the rate.
 */
async function ingestTo(
  custody: CustodyProcess,
  corpus: Corpus,
  from: number,
  to: number,
  progress: ScaleProgress,
  dir: string,
  log: (s: string) => void,
): Promise<number> {
  const step = progress.step?.from === from && progress.step.to === to ? progress.step : { from, to, acked: 0, records: 0, activeMs: 0, peakRssMb: 0 };
  progress.step = step;
  const deliveries = corpus.deliveries(from, to);
  for (let i = 0; i < step.acked; i++) deliveries.next();
  const started = performance.now();
  const alreadyActive = step.activeMs;
  const resumedAt = from + step.records;
  // deliveries finish out of order; only an unbroken run from the first counts as acknowledged
  const done = new Map<number, number>();
  const base = step.acked;
  const acked = (seq: number, events: number) => {
    done.set(base + seq, events);
    for (let e = done.get(step.acked); e !== undefined; e = done.get(step.acked)) {
      done.delete(step.acked++);
      step.records += e;
    }
  };
  // the rate since the previous checkpoint: the process may have indexed a backlog before this step began
  let last = { at: performance.now(), indexed: 0 };
  const checkpoint = (sent: number) => {
    step.activeMs = alreadyActive + (performance.now() - started);
    step.peakRssMb = Math.max(step.peakRssMb, custody.rssMb());
    saveProgress(dir, progress);
    void custody.counter('custody_records_indexed_total').then(
      (indexed) => {
        const now = performance.now();
        const rate = (indexed - last.indexed) / ((now - last.at) / 1000);
        last = { at: now, indexed };
        log(`${resumedAt + sent} / ${to} sent, ${fmt(indexed)} indexed by this process, ${fmt(rate)} rec/s lately, rss ${fmt(custody.rssMb())} MB`);
      },
      () => undefined,
    );
  };
  await postDeliveries(custody.url, deliveries, { concurrency: POST_CONCURRENCY, progress: checkpoint, acked, ready: backlogBelow(custody, MAX_BACKLOG) });
  checkpoint(step.records - (resumedAt - from));
  const captured = await custody.counter('custody_records_ingested_total');
  if (captured !== to - resumedAt) log(`note: ${to - resumedAt} vendor events sent, ${captured} records captured`);
  // done when the archiver has committed everything the gateway appended: its commit follows the index write
  for (let lastCheckpoint = performance.now(); ;) {
    const [dead, lag] = await custody.counters(['custody_records_dead_lettered_total', 'custody_consumer_lag_records']);
    if (dead > 0) throw new Error(`${dead} records dead-lettered while ingesting; the bench's traffic must all be archivable`);
    if (lag === 0) break;
    if (performance.now() - lastCheckpoint > 30_000) {
      lastCheckpoint = performance.now();
      checkpoint(step.records - (resumedAt - from));
    }
    // fine-grained enough for steps of tens of seconds to hours; each scrape costs the process measured
    await new Promise((r) => setTimeout(r, 500));
  }
  return (to - from) / ((alreadyActive + performance.now() - started) / 1000);
}

interface Hit {
  id: string;
  conversationId?: string;
}

export async function probe(
  custody: CustodyProcess,
  token: string,
  corpus: Corpus,
  records: number,
): Promise<Pick<ScaleRow, 'search' | 'conversation' | 'readRate'>> {
  const post = async (body: object) => {
    const t0 = performance.now();
    const res = await fetch(`${custody.url}/v1/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const out = (await res.json()) as { total: number; hits: Hit[]; cursor: string | null };
    if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(out)}`);
    return { ms: performance.now() - t0, ...out };
  };
  const rand = corpus.probeRandom();
  const span = corpus.timeSpanS(records);
  // a 90-day window, or the whole span while the archive covers less
  const window = Math.min(90 * 86_400, span.to - span.from);
  const searchMs: number[] = [];
  const hits: number[] = [];
  const conversations = new Set<string>();
  const ids: string[] = [];
  for (let i = 0; i < PROBES; i++) {
    const words = [0, 1].map(() => word(QUERY_RANKS[0] + Math.floor(rand() * (QUERY_RANKS[1] - QUERY_RANKS[0]))));
    const fromS = span.from + Math.floor(rand() * (span.to - span.from - window));
    const r = await post({
      text: words.join(' '),
      from: new Date(fromS * 1000).toISOString(),
      to: new Date((fromS + window) * 1000).toISOString(),
      size: 50,
    });
    searchMs.push(r.ms);
    hits.push(r.total);
    for (const h of r.hits) {
      if (h.conversationId) conversations.add(h.conversationId);
      if (ids.length < READS) ids.push(h.id);
    }
  }
  // conversations the searches found, and the newest records page by page when the searches found few
  let cursor: string | undefined;
  while (conversations.size < 10 || ids.length < READS) {
    const r = await post({ size: 200, ...(cursor && { cursor }) });
    for (const h of r.hits) {
      if (h.conversationId) conversations.add(h.conversationId);
      if (ids.length < READS) ids.push(h.id);
    }
    cursor = r.cursor ?? undefined;
    if (!cursor) break;
  }
  if (ids.length === 0 || conversations.size === 0) throw new Error('the probes found no records to read: the archive is empty for the probing tenant');
  const pageMs: number[] = [];
  const list = [...conversations];
  for (let i = 0; i < PROBES; i++) pageMs.push((await post({ conversation: list[i % list.length], size: 50 })).ms);

  const t0 = performance.now();
  await mapLimit(ids, 4, async (id) => {
    const res = await fetch(`${custody.url}/v1/records/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { verification?: unknown };
    if (res.status !== 200) throw new Error(`record ${id} answered ${res.status}: ${JSON.stringify(body)}`);
  });
  return {
    search: { p50: percentile(searchMs, 50), p95: percentile(searchMs, 95), meanHits: hits.reduce((a, b) => a + b, 0) / hits.length },
    conversation: { p50: percentile(pageMs, 50), p95: percentile(pageMs, 95) },
    readRate: ids.length / ((performance.now() - t0) / 1000),
  };
}

function report(rows: ScaleRow[]): string {
  const gb = (totalmem() / 2 ** 30).toFixed(1);
  return [
    `Custody bench (scale) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${gb} GiB, Node ${process.version}, embedded`,
    `traffic: ${TENANTS.length} tenants; WhatsApp (batches of 50) 60%, LINE (batches of 20) 25%, Telegram (one update per request) 15%; ` +
      `~8% attachments referenced, ~2% reactions; ${POST_CONCURRENCY} concurrent requests. Probes on the largest tenant: ${PROBES} two-word searches with a 90-day window, ` +
      `${PROBES} conversation pages of 50, ${READS} records read back verified from the WORM store (GET /v1/records/:id, 4 at a time)`,
    '',
    '| records | ingest rec/s | peak RSS ingesting | RSS at rest | ready after restart | RSS when ready | disk B/record (archive + index + log = total) | search p50 / p95 (mean hits) | conversation page p50 / p95 | verified reads rec/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.records.toLocaleString('en')} | ${fmt(r.ingestRate)} | ${fmt(r.peakRssMb)} MB | ${fmt(r.restRssMb)} MB | ${fmt(r.readyMs)} ms | ${fmt(r.readyRssMb)} MB | ` +
        `${fmt(r.bytesPerRecord.archive)} + ${fmt(r.bytesPerRecord.index)} + ${fmt(r.bytesPerRecord.bus)} = ${fmt(r.bytesPerRecord.total)} | ` +
        `${fmt(r.search.p50, 1)} / ${fmt(r.search.p95, 1)} ms (${fmt(r.search.meanHits)}) | ${fmt(r.conversation.p50, 1)} / ${fmt(r.conversation.p95, 1)} ms | ${fmt(r.readRate)} |`,
    ),
    '',
    'ingest rec/s is the growth step to that size (records added ÷ time from the first request to the last record indexed)',
  ].join('\n');
}
