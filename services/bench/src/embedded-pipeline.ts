import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '@custody/config';
import { createLogger } from '@custody/logger';
import { startCustody } from '@custody/runtime';
import { findByIdThroughPort, runPaced, runPipeline } from './pipeline';
import { fmt, median } from './stats';

/**
 * `npm run bench -- --embedded`: the same signed one-event webhooks as the stack bench, on the
 * embedded default (its log, its WORM directory, its SQLite index) in a fresh data directory:
 * closed-loop rounds for the sustained rate, then open-loop rounds at half of it for the latencies a
 * vendor sees (webhook ack, capture to searchable, here: found by id in the index). There are no servers to compare with, so no
 * baselines; Custody runs in this process beside the load generator, as in the stack bench.
 */
/** Custody on the embedded default in `dir`, gateway, archiver and API in one process, with the bench's WhatsApp instance `bench-wa`. */
export function embeddedBenchEnv(dir: string, appSecret: string): Record<string, string> {
  return {
    CUSTODY_MODE: 'embedded',
    CUSTODY_DATA_DIR: dir,
    CUSTODY_HTTP_PORT: '0',
    CUSTODY_SERVICES: 'gateway,archiver,api',
    CUSTODY_CONNECTORS: JSON.stringify([{ id: 'bench-wa', connector: 'whatsapp-cloud', tenant: 'bench', config: { appSecret, verifyToken: 'bench-verify' } }]),
    LOG_LEVEL: 'warn',
  };
}

export async function runEmbeddedPipeline(n: number, rounds: number, concurrency: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-embedded-'));
  const appSecret = randomBytes(16).toString('hex');
  const config = loadConfig({ ...embeddedBenchEnv(dir, appSecret), CUSTODY_API_KEYS: '[]', CUSTODY_BOOTSTRAP_TENANT: 'bench' });
  const custody = await startCustody(config, createLogger('bench', { level: 'warn' }));
  const find = findByIdThroughPort(custody.adapters.index, 'bench');
  const runs = [];
  const paced = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    process.stderr.write(`bench: embedded, N=${n}, rounds=${rounds}, webhook concurrency=${concurrency}\n`);
    for (let r = 0; r < rounds; r++) {
      runs.push(await runPipeline(custody.url, 'bench-wa', appSecret, find, n, concurrency));
      process.stderr.write(`  round ${r + 1}: pipeline ${fmt(runs[r].throughput)} rec/s, p50 ${fmt(runs[r].p50)} ms, p99 ${fmt(runs[r].p99)} ms\n`);
    }
    const halfRate = median(runs.map((r) => r.throughput)) / 2;
    // how long the event loop was held at a time while paced: a webhook waits behind whatever holds it
    loopDelay.enable();
    for (let r = 0; r < rounds; r++) {
      paced.push(await runPaced(custody.url, 'bench-wa', appSecret, find, n, halfRate));
      process.stderr.write(`  paced round ${r + 1} (${fmt(halfRate)} rec/s): ack p50 ${fmt(paced[r].ackP50, 1)} ms, p99 ${fmt(paced[r].ackP99, 1)} ms\n`);
    }
    loopDelay.disable();
  } finally {
    await custody.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs: number[], digits = 0) => fmt(median(xs), digits);
  process.stdout.write(
    [
      `Custody bench (embedded) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`,
      `N=${n} one-event WhatsApp webhooks per round, ${rounds} rounds, medians; each acknowledged record is looked up by id in the index every 50 ms until found`,
      '',
      '| measurement | closed loop (concurrency ' + concurrency + ') | open loop at half that rate |',
      '|---|---|---|',
      `| rate | ${med(runs.map((r) => r.throughput))} rec/s | ${fmt(median(runs.map((r) => r.throughput)) / 2)} rec/s |`,
      `| webhook ack p50 / p99 | ${med(
        runs.map((r) => r.ackP50),
        1,
      )} / ${med(
        runs.map((r) => r.ackP99),
        1,
      )} ms | ${med(
        paced.map((r) => r.ackP50),
        1,
      )} / ${med(
        paced.map((r) => r.ackP99),
        1,
      )} ms |`,
      `| capture to searchable p50 / p99 | ${med(runs.map((r) => r.p50))} / ${med(runs.map((r) => r.p99))} ms | ${med(paced.map((r) => r.p50))} / ${med(paced.map((r) => r.p99))} ms |`,
      `| event-loop delay p99 / max (all paced rounds) | | ${fmt(loopDelay.percentile(99) / 1e6, 1)} / ${fmt(loopDelay.max / 1e6, 1)} ms |`,
    ].join('\n') + '\n',
  );
}
