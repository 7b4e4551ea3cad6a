import { formatCount, formatUtc } from './format';
import type { ExportItem, ExportJob, HoldJob } from './legal-types';

/**
 * Hold and export jobs in words, and when to ask again how they are doing. Pure, so the unit tests
 * pin every state; the pages render what these return.
 */

export interface JobProgress {
  /** One sentence: what the job is doing or did. */
  line: string;
  /** For a <progress>: value of max, or null when the job cannot say yet (an indeterminate bar), or it is over. */
  value: number | null;
  max: number | null;
  running: boolean;
  /** A failed attempt the job is retrying, or why it failed: shown apart, as a problem. */
  problem: string | null;
}

export function holdJobRunning(job: HoldJob): boolean {
  return job.state === 'running';
}

export function exportJobRunning(job: ExportJob): boolean {
  return job.phase !== 'done' && job.phase !== 'failed';
}

export function holdProgress(job: HoldJob): JobProgress {
  const running = holdJobRunning(job);
  const retrying = running && job.error ? `Attempt ${job.attempts ?? 1} failed (${job.error}); the job is retrying.` : null;
  if (job.state === 'failed')
    return {
      line: 'Stopped before it finished.',
      value: null,
      max: null,
      running: false,
      problem: `The job failed: ${job.error ?? 'no reason was recorded'}.`,
    };
  if (job.kind === 'place') {
    if (!running) return { line: `Done: ${records(job.matched)} held.`, value: null, max: null, running, problem: null };
    if (job.total === 0 && job.processed === 0) return { line: 'Starting: finding the records in scope…', value: null, max: null, running, problem: retrying };
    return {
      line: `Holding: ${records(job.matched)} held so far; ${formatCount(job.processed)} of about ${formatCount(job.total)} examined${eta(job.etaAt)}.`,
      value: Math.min(job.processed, job.total),
      max: job.total,
      running,
      problem: retrying,
    };
  }
  if (!running) {
    const kept = job.processed - job.matched;
    const others = kept > 0 ? ` ${records(kept)} ${kept === 1 ? 'stays' : 'stay'} held by other holds.` : '';
    return { line: `Released: ${records(job.processed)} no longer under this hold.${others}`, value: null, max: null, running, problem: null };
  }
  if (job.total === 0 && job.processed === 0) return { line: 'Starting the release…', value: null, max: null, running, problem: retrying };
  return {
    line: `Releasing: ${formatCount(job.processed)} of about ${records(job.total)} released${eta(job.etaAt)}.`,
    value: Math.min(job.processed, job.total),
    max: job.total,
    running,
    problem: retrying,
  };
}

export function exportProgress(item: Pick<ExportItem, 'job' | 'result'>): JobProgress {
  const { job, result } = item;
  const running = exportJobRunning(job);
  const retrying = running && job.error ? `Attempt ${job.attempts ?? 1} failed (${job.error}); the job is retrying.` : null;
  switch (job.phase) {
    case 'planning':
      return { line: 'Planning: finding the records in scope…', value: null, max: null, running, problem: retrying };
    case 'producing':
      return {
        line: `Producing: ${formatCount(job.done)} of ${records(job.total)}${eta(job.etaAt)}.`,
        value: Math.min(job.done, job.total),
        max: Math.max(job.total, 1),
        running,
        problem: retrying,
      };
    case 'finishing':
      return { line: 'Finishing: writing the manifest and the certificate…', value: null, max: null, running, problem: retrying };
    case 'done':
      return {
        line: result
          ? `Done: ${records(result.records)} in ${formatCount(result.files)} files (${formatBytes(result.bytes)}).`
          : `Done: ${records(job.total)}.`,
        value: null,
        max: null,
        running,
        problem: null,
      };
    case 'failed':
      return { line: 'Failed.', value: null, max: null, running, problem: `The export failed: ${job.error ?? 'no reason was recorded'}.` };
  }
}

/** "1 record", "1,234 records". */
export function records(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'record' : 'records'}`;
}

function eta(etaAt: string | undefined): string {
  return etaAt ? `, expected by ${formatUtc(etaAt)}` : '';
}

/** 1536 → "1.5 KB": binary units, one decimal below 10. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${formatCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} ${units[unit]}`;
}

/** How often a running job is asked about. */
export const POLL_MS = 2_000;
const MAX_POLL_MS = 30_000;
/** Failed refreshes in a row after which the page stops and offers to try again. */
export const MAX_POLL_FAILURES = 5;

/**
 * When to ask again, in ms, or null to stop: every POLL_MS while the job runs; after a failed
 * refresh, backing off (doubling, at most 30 s) and giving up after MAX_POLL_FAILURES in a row. An
 * answer that will not change by asking again (signed out, forbidden, gone) stops at once.
 */
export function nextPoll(state: { running: boolean; failures: number; status?: number }): number | null {
  if (!state.running) return null;
  if (state.status === 401 || state.status === 403 || state.status === 404) return null;
  if (state.failures === 0) return POLL_MS;
  if (state.failures >= MAX_POLL_FAILURES) return null;
  return Math.min(POLL_MS * 2 ** state.failures, MAX_POLL_MS);
}
