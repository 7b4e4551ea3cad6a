import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { signWhatsAppBody } from '@custody/connectors';
import { loadConfig } from '@custody/config';
import { mapLimit } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { RecordVersions, readVerifiedBytes } from '@custody/review';
import { createAdapters, mintApiKey, startCustody } from '@custody/runtime';
import { embeddedBenchEnv } from './embedded-pipeline';
import { fmt } from './stats';
import { whatsappDelivery } from './whatsapp-delivery';

const REPO = resolve(__dirname, '../../..');
/** Messages per conversation and UTC day: the unit an export produces. */
const PER_DAY = 20;
const DAYS = 10;
/** WORM reads in flight, as an export unit reads them. */
const READ_CONCURRENCY = 8;

/**
 * `npm run bench -- --export [--records 100000]`: that many WhatsApp messages captured on the embedded
 * default through its signed webhooks (conversations of 20 messages a day over 10 days, each delivery
 * one conversation's day), then produced by `custody export` in a process of its own — every format
 * but EML, which needs e-mail — and its peak RSS sampled. The baseline in the same run is the raw
 * archive read rate: every record read back from WORM with both hashes checked, nothing written.
 */
export async function runExportBench(records: number, keepDir?: string): Promise<void> {
  if (!Number.isInteger(records) || records < 1) throw new Error('--records must be a positive whole number');
  // --dir keeps the captured archive, and a later run with the same --dir exports it again without capturing
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'custody-bench-export-'));
  const reuse = keepDir !== undefined && existsSync(join(keepDir, 'archive'));
  const out = mkdtempSync(join(tmpdir(), 'custody-bench-export-out-'));
  const appSecret = randomBytes(16).toString('hex');
  const key = mintApiKey('bench', 'compliance');
  const env = { ...embeddedBenchEnv(dir, appSecret), CUSTODY_API_KEYS: JSON.stringify([key.record]) };
  try {
    const { sent, conversations } = await captureArchive(env, appSecret, key, records, reuse);

    const read = await rawReadRate(env);
    const exported = await exportProcess(env, out);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      counts: { records: number; documents: number; files: number; bytes: number };
    };
    if (manifest.counts.records !== sent) throw new Error(`the export produced ${manifest.counts.records} records of ${sent}`);
    const rate = sent / exported.seconds;
    process.stdout.write(
      [
        `Custody bench (export) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, embedded`,
        `${sent} WhatsApp records, ${conversations} conversations × ${DAYS} UTC days; formats rsmf, jsonl, pdf, loadfile: ${manifest.counts.documents} documents, ${manifest.counts.files} files, ${fmt(manifest.counts.bytes / 2 ** 20, 1)} MiB`,
        '',
        '| measurement | records/s | export ÷ this |',
        '|---|---|---|',
        `| baseline: raw archive read (every record read from WORM, both hashes checked, concurrency ${READ_CONCURRENCY}) | ${fmt(read)} | ${fmt(rate / read, 3)} |`,
        `| custody export (plan, produce every unit into WORM, finish, write the package to a directory, every file re-hashed) | ${fmt(rate)} | 1.000 |`,
        '',
        `custody export: ${fmt(exported.seconds, 1)} s wall, peak RSS ${fmt(exported.peakRssMb)} MB (VmHWM of the process)`,
      ].join('\n') + '\n',
    );
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every record of the tenant read back from WORM with both hashes checked: what an export must at least do. */
async function rawReadRate(env: Record<string, string>): Promise<number> {
  const adapters = await createAdapters(loadConfig(env), createLogger('bench', { level: 'warn' }));
  try {
    await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await adapters.index.search('bench', { size: 500, sort: 'oldest', cursor });
      ids.push(...page.hits.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    const t0 = performance.now();
    const versions = new RecordVersions(adapters.store, adapters.index, 'bench');
    await mapLimit(ids, READ_CONCURRENCY, (id) => readVerifiedBytes(versions, id));
    return ids.length / ((performance.now() - t0) / 1000);
  } finally {
    await adapters.close();
  }
}

/** `custody export` of every record as an operator runs it, its RSS sampled from /proc. */
async function exportProcess(env: Record<string, string>, out: string): Promise<{ seconds: number; peakRssMb: number }> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      'bin/custody.js',
      'export',
      '--tenant',
      'bench',
      '--name',
      'bench matter',
      '--query',
      '{}',
      '--formats',
      'rsmf,jsonl,pdf,loadfile',
      '--out',
      out,
    ],
    { cwd: REPO, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let peak = 0;
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const sample = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      /* exited */
    }
  }, 200);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(sample);
  if (code !== 0) throw new Error(`custody export exited ${code}: ${stderr}`);
  return { seconds: (performance.now() - t0) / 1000, peakRssMb: peak };
}

/**
 * `records` WhatsApp messages captured on the embedded default through its signed webhooks
 * (conversations of 20 messages a day over 10 days, each delivery one conversation's day), indexed,
 * and Custody stopped; with `reuse`, the archive already in the data directory is counted instead.
 */
export async function captureArchive(
  env: Record<string, string>,
  appSecret: string,
  key: { token: string },
  records: number,
  reuse: boolean,
): Promise<{ sent: number; conversations: number }> {
  const conversations = Math.ceil(records / (PER_DAY * DAYS));
  const started = performance.now();
  const custody = await startCustody(loadConfig(env), createLogger('bench', { level: 'warn' }));
  if (reuse) {
    const r = await fetch(`${custody.url}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ size: 1 }),
    });
    records = ((await r.json()) as { total: number }).total;
  }
  const days = Array.from({ length: reuse ? 0 : conversations * DAYS }, (_, i) => ({ conversation: Math.floor(i / DAYS), day: i % DAYS }));
  let sent = reuse ? records : 0;
  const t0 = Math.floor(Date.now() / 86_400_000) * 86_400 - DAYS * 86_400;
  await mapLimit(days, 4, async ({ conversation, day }) => {
    const customer = `1650${String(1_000_000 + conversation)}`;
    const n = Math.min(PER_DAY, records - (conversation * DAYS + day) * PER_DAY);
    if (n <= 0) return;
    const messages = Array.from({ length: n }, (_, i) => ({
      from: customer,
      id: `wamid.export.${conversation}.${day}.${i}`,
      timestamp: String(t0 + day * 86_400 + 3_600 + i * 60),
      type: 'text',
      text: { body: `order ${conversation}/${day}/${i}: buy ${100 + i} shares of ACME at market` },
    }));
    const body = whatsappDelivery({ customer, name: `Client ${conversation}`, messages });
    const res = await fetch(`${custody.url}/webhooks/bench-wa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(appSecret, body) },
      body,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    sent += n;
  });
  for (;;) {
    const r = await fetch(`${custody.url}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ size: 1 }),
    });
    if (((await r.json()) as { total: number }).total === sent) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  await custody.stop();
  process.stderr.write(`bench: ${sent} records in ${conversations} conversations captured and indexed in ${fmt((performance.now() - started) / 1000, 1)} s\n`);
  return { sent, conversations };
}
