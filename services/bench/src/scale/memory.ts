/**
 * `npm run bench -- --memory [--minutes 10] [--embedded] [--heap-mb N]`: the gateway and the archiver at their
 * maximum rate for a sustained period, each in its own process on the stack (CUSTODY_SERVICES), with
 * resident memory sampled every 100 ms. Webhooks are posted as fast as the gateway answers, so the
 * gateway runs at its maximum and the archiver always has a backlog to consume at its own. With
 * `--embedded` both run in the one process the embedded default allows (it owns the data directory).
 * They run with the heap limit `custody start` gives pipeline services (CUSTODY_MAX_HEAP_MB, 160 MB
 * unless set); `--heap-mb N` sets another (0: Node's own, which grows lazily while memory is plentiful).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveStack } from '@custody/stack-env';
import { fmt } from '../stats';
import { stackBenchEnv } from '../stack-bench-env';
import { Corpus, scaleConnectors } from './corpus';
import { CustodyProcess } from './custody-process';
import { postDeliveries } from './post';

const CONCURRENCY = 16;
const NOMINAL_CORPUS = 10_000_000;

interface ServiceFigures {
  name: string;
  peakRssMb: number;
  endRssMb: number;
  recordsPerSecond: number;
  /** RSS every minute, to show whether it levels off. */
  perMinuteMb: number[];
}

export async function runMemory(minutes: number, embedded: boolean, heapMb?: number): Promise<void> {
  const log = (s: string) => process.stderr.write(`[memory] ${s}\n`);
  const name = `mem${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const common = {
    CUSTODY_CONNECTORS: JSON.stringify(scaleConnectors()),
    CUSTODY_API_KEYS: '[]',
    CUSTODY_BOOTSTRAP_TENANT: 'acme',
    LOG_LEVEL: 'warn',
    ...(heapMb !== undefined && { CUSTODY_MAX_HEAP_MB: String(heapMb) }),
  };
  const dir = embedded ? mkdtempSync(join(tmpdir(), 'custody-memory-')) : undefined;
  let processes: Array<{ name: string; proc: CustodyProcess; counter: string }>;
  let source = 'embedded';
  if (embedded) {
    const env = { ...common, CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dir!, CUSTODY_SERVICES: 'gateway,archiver' };
    processes = [{ name: 'gateway + archiver (one process)', proc: new CustodyProcess(env), counter: 'custody_records_indexed_total' }];
  } else {
    const stack = await resolveStack();
    source = `${stack.source} stack`;
    const env = { ...common, ...stackBenchEnv(stack.env, name) };
    processes = [
      { name: 'gateway', proc: new CustodyProcess({ ...env, CUSTODY_SERVICES: 'gateway' }), counter: 'custody_records_ingested_total' },
      { name: 'archiver', proc: new CustodyProcess({ ...env, CUSTODY_SERVICES: 'archiver' }), counter: 'custody_records_indexed_total' },
    ];
  }
  try {
    for (const p of processes) await p.proc.start();
    for (const p of processes) p.proc.takePeakRssMb();
    const started = performance.now();
    const until = started + minutes * 60_000;
    const perMinute = processes.map(() => [] as number[]);
    const minuteTimer = setInterval(() => {
      processes.forEach((p, i) => perMinute[i].push(p.proc.rssMb()));
      log(processes.map((p) => `${p.name} ${fmt(p.proc.rssMb())} MB`).join(', '));
    }, 60_000);
    const corpus = new Corpus(NOMINAL_CORPUS, Math.floor(Date.now() / 1000));
    try {
      await postDeliveries(processes[0].proc.url, corpus.deliveries(0, NOMINAL_CORPUS), { concurrency: CONCURRENCY, until });
    } finally {
      clearInterval(minuteTimer);
    }
    const seconds = (performance.now() - started) / 1000;
    const figures: ServiceFigures[] = [];
    for (const [i, p] of processes.entries()) {
      figures.push({
        name: p.name,
        peakRssMb: p.proc.takePeakRssMb(),
        endRssMb: p.proc.rssMb(),
        recordsPerSecond: (await p.proc.counter(p.counter)) / seconds,
        perMinuteMb: perMinute[i],
      });
    }
    process.stdout.write(
      `${report(figures, minutes, `${source}, heap limit ${heapMb === undefined ? 'the default for pipeline services (160 MB)' : heapMb === 0 ? "Node's own" : `${heapMb} MB`}`)}\n`,
    );
  } finally {
    for (const p of processes) await p.proc.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function report(figures: ServiceFigures[], minutes: number, source: string): string {
  return [
    `Custody bench (memory) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${source}`,
    `${minutes} min of webhooks posted as fast as the gateway answers (${CONCURRENCY} concurrent; WhatsApp/LINE batches, Telegram single updates); RSS sampled every 100 ms`,
    '',
    '| service | records/s sustained | peak RSS | RSS at the end | RSS each minute |',
    '|---|---|---|---|---|',
    ...figures.map(
      (f) => `| ${f.name} | ${fmt(f.recordsPerSecond)} | ${fmt(f.peakRssMb)} MB | ${fmt(f.endRssMb)} MB | ${f.perMinuteMb.map((m) => fmt(m)).join(', ')} |`,
    ),
  ].join('\n');
}
