import { cpus, totalmem } from 'node:os';
import { resolveStack } from '@custody/stack-env';
import { fmt } from './stats';
import { supervisionQualityReport } from './supervision-quality';
import { latencyReport, measureSupervision, stackSupervisionEnv, type LatencyFigures } from './supervision-latency';

/**
 * `npm run bench -- --supervision [--messages N] [--rate R] [--bulk B]`: the starter packs'
 * quality on the labelled corpus and how fast they screen (against the normalizer alone); capture →
 * alert latency and lookback throughput on the embedded default and on the stack (against capture →
 * searchable and verified WORM reads, measured in the same run).
 */
export async function runSupervisionBench(messages: number, perSecond: number, bulk: number): Promise<void> {
  const quality = await supervisionQualityReport();
  const figures: LatencyFigures[] = [];
  process.stderr.write(`bench: supervision, ${messages} paced messages at ${perSecond}/s, then ${bulk} more for the lookback\n`);
  figures.push(await measureSupervision('embedded', {}, messages, perSecond, bulk));
  process.stderr.write(`  embedded: ${JSON.stringify(figures[0])}\n`);
  const stack = await resolveStack();
  figures.push(await measureSupervision('stack', stackSupervisionEnv(stack.env), messages, perSecond, bulk));
  process.stderr.write(`  stack (${stack.source}): ${JSON.stringify(figures[1])}\n`);
  const out = [
    `Custody bench (supervision) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${stack.source} stack`,
    '',
    ...quality,
    '',
    ...latencyReport(figures),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
