/**
 * `npm run bench -- --scale --dir <dir> --reprobe [--restarts 5] [--cpu-prof <dir>]`: measures again,
 * without growing it, the archive a finished scale run left in `dir` — time to ready over several
 * restarts (a median, not one sample) and the read probes — so a figure taken on a busy machine can
 * be taken again on an idle one. With `--cpu-prof`, each restart writes a V8 CPU profile of its
 * start-up (the process stops as soon as it is ready).
 */
import { cpus, totalmem } from 'node:os';
import { fmt, percentile } from '../stats';
import { Corpus } from './corpus';
import { CustodyProcess } from './custody-process';
import { readProgress, saveProgress } from './progress-file';
import { probe, scaleEnv, type ScaleRow } from './run';

export interface Reprobe {
  at: string;
  records: number;
  readyMs: number[];
  readyRssMb: number[];
  probes: Pick<ScaleRow, 'search' | 'conversation' | 'readRate'>;
}

export async function reprobeScale(dir: string, opts: { restarts: number; cpuProfDir?: string }): Promise<void> {
  const progress = readProgress(dir);
  const largest = progress?.sizes.at(-1);
  if (!progress || largest === undefined || !progress.rows.some((r) => r.records === largest))
    throw new Error(`${dir} holds no finished scale run: --reprobe measures an archive the scale bench already grew`);
  const log = (s: string) => process.stderr.write(`[scale] ${s}\n`);
  const { env, token } = scaleEnv(dir);
  const profiled = opts.cpuProfDir ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${opts.cpuProfDir}` } : env;
  const readyMs: number[] = [];
  const readyRssMb: number[] = [];
  for (let i = 0; i < opts.restarts; i++) {
    const custody = new CustodyProcess(profiled);
    readyMs.push(await custody.start());
    readyRssMb.push(custody.rssMb());
    await custody.stop();
    log(`restart ${i + 1}/${opts.restarts}: ready in ${fmt(readyMs.at(-1)!)} ms, ${fmt(readyRssMb.at(-1)!)} MB`);
  }
  const custody = new CustodyProcess(env);
  await custody.start();
  const probes = await probe(custody, token, new Corpus(largest, progress.endS), largest);
  await custody.stop();
  const result: Reprobe = { at: new Date().toISOString(), records: largest, readyMs, readyRssMb, probes };
  progress.reprobes = [...(progress.reprobes ?? []), result];
  saveProgress(dir, progress);
  const ms = (xs: number[]) => xs.map((x) => fmt(x)).join(', ');
  process.stdout.write(
    [
      `Custody bench (scale, measured again) — ${result.at} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, embedded`,
      `archive of ${largest.toLocaleString('en')} records in ${dir}`,
      '',
      '| records | ready after restart: median (each) | RSS when ready | search p50 / p95 (mean hits) | conversation page p50 / p95 | verified reads rec/s |',
      '|---|---|---|---|---|---|',
      `| ${largest.toLocaleString('en')} | ${fmt(percentile(readyMs, 50))} ms (${ms(readyMs)}) | ${fmt(percentile(readyRssMb, 50))} MB | ` +
        `${fmt(probes.search.p50, 1)} / ${fmt(probes.search.p95, 1)} ms (${fmt(probes.search.meanHits)}) | ${fmt(probes.conversation.p50, 1)} / ${fmt(probes.conversation.p95, 1)} ms | ${fmt(probes.readRate)} |`,
      '',
    ].join('\n'),
  );
}
