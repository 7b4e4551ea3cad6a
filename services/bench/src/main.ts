import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { S3ArchiveStore } from '@custody/archive-store';
import { createAdapters } from '@custody/runtime';
import { loadConfig } from '@custody/config';
import { normalizePayload } from '@custody/connector-kit';
import { getConnector } from '@custody/connectors';
import { createLogger } from '@custody/logger';
import { toIndexDoc, type OpenSearchIndex } from '@custody/search-index';
import { resolveStack } from '@custody/stack-env';
import { join } from 'node:path';
import { kafkaProduceRate, openSearchBulkRate, s3PutRate } from './baselines';
import { measureDelivery } from './delivery';
import { findInOpenSearch, runPaced, runPipeline, webhookBody } from './pipeline';
import { fmt, median } from './stats';
import { stackBenchEnv } from './stack-bench-env';
import { accounted, localServerPids, newAccount, totalCpu, type CpuAccount } from './cpu-account';
import { parseSizes, runScale } from './scale/run';
import { reprobeScale } from './scale/reprobe';
import { runMemory } from './scale/memory';
import { runEmbeddedPipeline } from './embedded-pipeline';
import { CustodyProcess } from './scale/custody-process';
import { runConversationPages } from './conversation-pages';
import { runExportBench } from './export-bench';
import { runVerifyBench } from './verify-bench';
import { consoleBundleReport } from './console-bundle';
import { runSupervisionBench } from './supervision-bench';

const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stack = await resolveStack();
  const name = `bench${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const env = {
    ...stackBenchEnv(stack.env, name),
    CUSTODY_CONNECTORS: JSON.stringify([{ id: 'bench-wa', connector: 'whatsapp-cloud', tenant: 'bench', config: { appSecret, verifyToken: 'bench-verify' } }]),
    CUSTODY_API_KEYS: '[]',
    CUSTODY_BOOTSTRAP_TENANT: 'bench',
    LOG_LEVEL: 'warn',
  };
  // the gateway and the archiver each in a process of their own, as the stack deploys them: a webhook's
  // acknowledgement then waits for the gateway's own work, not behind an archiver batch or the load generator
  const gateway = new CustodyProcess({ ...env, CUSTODY_SERVICES: 'gateway' });
  const archiver = new CustodyProcess({ ...env, CUSTODY_SERVICES: 'archiver' });
  await gateway.start();
  await archiver.start();
  // the bench's own clients of the same servers, for the baselines and for watching the index
  const config = loadConfig({ ...env, CUSTODY_HTTP_PORT: '0' });
  const adapters = await createAdapters(config, createLogger('bench', { level: 'warn' }));
  await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
  const store = adapters.store as S3ArchiveStore;
  const index = adapters.index as OpenSearchIndex;

  // the same payload every stage handles: one envelope as the connector produces it
  const sample = normalizePayload(getConnector('whatsapp-cloud'), Buffer.from(webhookBody('sample', 1)), 'application/json', {
    tenant: 'bench',
    receivedAt: new Date(),
  }).envelopes[0];
  const envelopeBytes = Buffer.from(JSON.stringify(sample));
  const doc = toIndexDoc(sample, { key: 'k', versionId: 'v', sha256: '0'.repeat(64) }) as unknown as Record<string, unknown>;
  const baselineTopic = `custody.bench-baseline.${name}`;
  await adapters.bus.ensureTopics([{ name: baselineTopic }]);

  process.stderr.write(`bench: ${stack.source} stack, N=${N}, rounds=${ROUNDS}, webhook concurrency=${CONCURRENCY}, envelope ${envelopeBytes.length} bytes\n`);
  const servers = localServerPids();
  const processes = new Map([...servers, ['custody gateway', gateway.pid], ['custody archiver', archiver.pid]]);
  const cpuBaseline = newAccount();
  const cpuPipeline = newAccount();
  const kafka: number[] = [];
  const s3: number[] = [];
  const os: number[] = [];
  const runs = [];
  gateway.takePeakRssMb();
  archiver.takePeakRssMb();
  // interleaved rounds: drift on a shared machine hits baselines and pipeline alike
  for (let r = 0; r < ROUNDS; r++) {
    kafka.push(await kafkaProduceRate(adapters.bus, baselineTopic, N, envelopeBytes.toString('utf8')));
    s3.push(await accounted(processes, cpuBaseline, () => s3PutRate(store, N, envelopeBytes, config.CUSTODY_ARCHIVER_CONCURRENCY)));
    os.push(await openSearchBulkRate(index, N, doc));
    runs.push(await accounted(processes, cpuPipeline, () => runPipeline(gateway.url, 'bench-wa', appSecret, findInOpenSearch(index), N, CONCURRENCY)));
    process.stderr.write(`  round ${r + 1}: pipeline ${fmt(runs[r].throughput)} rec/s, p50 ${fmt(runs[r].p50)} ms, p99 ${fmt(runs[r].p99)} ms\n`);
  }
  const pipe = median(runs.map((r) => r.throughput));
  // then open-loop at half the sustained rate just measured: the latencies a vendor sees with headroom
  const halfRate = pipe / 2;
  const paced = [];
  // how long the event loop was held at a time while paced: a webhook waits behind whatever holds it
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const gatewayAnswersBefore = await webhookAnswers(gateway);
  for (let r = 0; r < ROUNDS; r++) {
    paced.push(await runPaced(gateway.url, 'bench-wa', appSecret, findInOpenSearch(index), N, halfRate));
    process.stderr.write(
      `  paced round ${r + 1} (${fmt(halfRate)} rec/s): ack p50 ${fmt(paced[r].ackP50, 1)} ms, p99 ${fmt(paced[r].ackP99, 1)} ms; searchable p50 ${fmt(paced[r].p50)} ms, p99 ${fmt(paced[r].p99)} ms\n`,
    );
  }
  loopDelay.disable();
  const gatewayAnswers = await webhookAnswers(gateway);
  const peakRss = { gateway: gateway.takePeakRssMb(), archiver: archiver.takePeakRssMb() };
  await Promise.all([gateway.stop(), archiver.stop()]);
  await adapters.close();

  const rows: Array<[string, string, string]> = [
    ['kafkajs produce (acks=all, batches of 100)', `${fmt(median(kafka))} msg/s`, fmt(pipe / median(kafka), 3)],
    [
      `MinIO PutObject, COMPLIANCE lock + SHA-256 + If-None-Match (concurrency ${config.CUSTODY_ARCHIVER_CONCURRENCY})`,
      `${fmt(median(s3))} obj/s`,
      fmt(pipe / median(s3), 3),
    ],
    ['OpenSearch _bulk (batches of 100)', `${fmt(median(os))} doc/s`, fmt(pipe / median(os), 3)],
    [`pipeline: signed webhook → searchable (concurrency ${CONCURRENCY})`, `${fmt(pipe)} rec/s`, '1.000'],
  ];
  const out = [
    `Custody bench — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${stack.source} stack`,
    `N=${N} records per round, ${ROUNDS} rounds, medians; envelope ${envelopeBytes.length} bytes`,
    '',
    '| measurement | median rate | pipeline ÷ this |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `capture-to-searchable latency (POST start → first search hit; index refresh_interval 1s, poll 50 ms): p50 ${fmt(median(runs.map((r) => r.p50)))} ms, p99 ${fmt(median(runs.map((r) => r.p99)))} ms (medians over rounds)`,
    // each bench webhook is a one-event delivery, whose bytes its record keeps inline: one locked object per record, as in the baseline
    'WORM objects: one per webhook (its record, with the one-event delivery inside), as the MinIO baseline writes one per record',
    `at half the sustained rate (open loop, ${fmt(halfRate)} rec/s, latencies from each send's scheduled instant): webhook ack p50 ${fmt(median(paced.map((r) => r.ackP50)), 1)} ms, p99 ${fmt(median(paced.map((r) => r.ackP99)), 1)} ms; capture-to-searchable p50 ${fmt(median(paced.map((r) => r.p50)))} ms, p99 ${fmt(median(paced.map((r) => r.p99)))} ms (medians over rounds)`,
    `event-loop delay of the bench process (load generator) during the paced rounds: p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} ms, max ${fmt(loopDelay.max / 1e6, 1)} ms`,
    `the gateway's own clock, paced rounds (answer handed to the socket): ${fmt((100 * (gatewayAnswers.within50ms - gatewayAnswersBefore.within50ms)) / (gatewayAnswers.all - gatewayAnswersBefore.all), 2)} % of webhooks within 50 ms; its event-loop delay p99 ${fmt(gatewayAnswers.loopDelayP99Ms, 1)} ms`,
    `closed loop at full rate: webhook ack p50 ${fmt(median(runs.map((r) => r.ackP50)), 1)} ms, p99 ${fmt(median(runs.map((r) => r.ackP99)), 1)} ms`,
    ...cpuReport(cpuBaseline, cpuPipeline, N * ROUNDS, servers.size),
    `peak RSS (sampled every 100 ms): custody gateway ${fmt(peakRss.gateway)} MB, custody archiver ${fmt(peakRss.archiver)} MB`,
    '',
    ...consoleBundleReport(),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * How many webhooks the gateway answered, and how many within 50 ms, by its own request-duration
 * histogram; and its event-loop delay p99 since the previous scrape (prom-client resets it at each).
 */
async function webhookAnswers(gateway: CustodyProcess): Promise<{ all: number; within50ms: number; loopDelayP99Ms: number }> {
  const route = 'route="/webhooks/:instance"';
  const [all, within50ms, lag] = await gateway.samples([
    ['custody_http_request_duration_seconds_count{', route],
    ['custody_http_request_duration_seconds_bucket{', route, 'le="0.05"'],
    ['nodejs_eventloop_lag_p99_seconds '],
  ]);
  return { all, within50ms, loopDelayP99Ms: lag * 1000 };
}

/** `--delivery [--repo <checkout>]…`: one maximal multi-event delivery, this build first, then each other checkout. */
async function deliveryBench(repos: string[]): Promise<void> {
  const rows = [];
  for (const repo of [join(__dirname, '../../..'), ...repos]) {
    const f = await measureDelivery(repo);
    process.stderr.write(`  ${repo}: ${JSON.stringify(f)}\n`);
    rows.push(f);
  }
  const out = [
    `Custody bench (delivery) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, embedded`,
    `one signed WhatsApp delivery: ${rows[0].events} text messages in ${rows[0].bodyBytes} bytes`,
    '',
    '| build | answer | ack | all archived | peak RSS | process |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.repo} | ${r.status} | ${r.ackMs ?? '–'} ms | ${r.archivedMs ?? '–'} ms | ${r.peakRssMb} MB | ${r.exit} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** CPU per unit of work by process, how busy the cores were, and the ratio they allow the pipeline against the MinIO baseline. */
function cpuReport(baseline: CpuAccount, pipeline: CpuAccount, units: number, servers: number): string[] {
  if (servers === 0) return ['CPU per record: the servers are not local (no infra/local pid files), so not accounted'];
  const per = (a: CpuAccount, name: string) => fmt((a.cpu.get(name) ?? 0) / units, 2);
  const busy = (a: CpuAccount) => fmt((100 * totalCpu(a)) / (a.wallMs * cpus().length));
  const names = [...new Set([...pipeline.cpu.keys(), ...baseline.cpu.keys()])];
  return [
    '',
    '| CPU ms per record (all rounds) | MinIO baseline (per object) | pipeline |',
    '|---|---|---|',
    ...names.map((n) => `| ${n} | ${per(baseline, n)} | ${per(pipeline, n)} |`),
    `| total | ${fmt(totalCpu(baseline) / units, 2)} | ${fmt(totalCpu(pipeline) / units, 2)} |`,
    `| cores busy (all processes ÷ ${cpus().length} cores) | ${busy(baseline)} % | ${busy(pipeline)} % |`,
    '',
    `Where both phases keep the cores busy, the pipeline can reach at most ${fmt(totalCpu(baseline) / totalCpu(pipeline), 3)} of the baseline's rate here (baseline CPU ÷ pipeline CPU per record)`,
  ];
}

const args = process.argv.slice(2);
const option = (name: string) => args[args.indexOf(name) + 1] as string | undefined;
const numberOption = (name: string, fallback: number) => (args.includes(name) ? Number(option(name)) : fallback);
const run = args.includes('--console')
  ? async () => void process.stdout.write(`${consoleBundleReport().join('\n')}\n`)
  : args.includes('--supervision')
    ? () => runSupervisionBench(numberOption('--messages', 200), numberOption('--rate', 10), numberOption('--bulk', 1_800))
    : args.includes('--conversation')
      ? () => runConversationPages(args.includes('--messages') ? Number(option('--messages')) : 10_000)
      : args.includes('--verify')
        ? () => runVerifyBench(args.includes('--records') ? Number(option('--records')) : 20_000)
        : args.includes('--export')
          ? () => runExportBench(args.includes('--records') ? Number(option('--records')) : 100_000, args.includes('--dir') ? option('--dir') : undefined)
          : args.includes('--embedded') && !args.includes('--memory')
            ? () => runEmbeddedPipeline(N, ROUNDS, CONCURRENCY)
            : args.includes('--delivery')
              ? () => deliveryBench(args.flatMap((a, i) => (args[i - 1] === '--repo' ? [a] : [])))
              : args.includes('--memory')
                ? () =>
                    runMemory(
                      Number(option('--minutes') ?? 10),
                      args.includes('--embedded'),
                      args.includes('--heap-mb') ? Number(option('--heap-mb')) : undefined,
                    )
                : args.includes('--scale') && args.includes('--reprobe')
                  ? () =>
                      reprobeScale(option('--dir') ?? '', {
                        restarts: args.includes('--restarts') ? Number(option('--restarts')) : 5,
                        cpuProfDir: args.includes('--cpu-prof') ? option('--cpu-prof') : undefined,
                      })
                  : args.includes('--scale')
                    ? () =>
                        runScale(parseSizes(args.includes('--sizes') ? option('--sizes') : undefined), {
                          dir: args.includes('--dir') ? option('--dir') : undefined,
                          keep: args.includes('--keep'),
                        })
                    : main;
// exit through process.exit so the children's exit hooks run (the default for a signal skips them)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
run().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
