import { MAX_POLL_FAILURES, POLL_MS, exportJobRunning, exportProgress, formatBytes, holdJobRunning, holdProgress, nextPoll, records } from './legal-jobs';
import type { ExportJob, HoldJob } from './legal-types';

const at = '2026-11-29T14:00:00.000Z';
const holdJob = (fields: Partial<HoldJob>): HoldJob => ({ kind: 'place', state: 'running', total: 0, processed: 0, matched: 0, updatedAt: at, ...fields });
const exportJob = (fields: Partial<ExportJob>): ExportJob => ({ phase: 'planning', total: 0, done: 0, updatedAt: at, ...fields });

describe('hold job progress', () => {
  it('a placement starting: no count yet, an indeterminate bar', () => {
    expect(holdProgress(holdJob({}))).toEqual({ line: 'Starting: finding the records in scope…', value: null, max: null, running: true, problem: null });
  });

  it('a placement running: held so far, examined of the estimate, the ETA', () => {
    expect(holdProgress(holdJob({ total: 5000, processed: 1200, matched: 1100, etaAt: '2026-11-29T14:03:27Z' }))).toEqual({
      line: 'Holding: 1,100 records held so far; 1,200 of about 5,000 examined, expected by 2026-11-29 14:03 UTC.',
      value: 1200,
      max: 5000,
      running: true,
      problem: null,
    });
    // an estimate passed by records archived meanwhile never overfills the bar
    expect(holdProgress(holdJob({ total: 10, processed: 12, matched: 12 }))).toMatchObject({ value: 10, max: 10 });
  });

  it('a placement retrying after a failed attempt says so, apart', () => {
    expect(holdProgress(holdJob({ total: 10, processed: 4, matched: 4, attempts: 2, error: 'store unavailable' })).problem).toBe(
      'Attempt 2 failed (store unavailable); the job is retrying.',
    );
  });

  it('a placement done: the records it held', () => {
    expect(holdProgress(holdJob({ state: 'done', total: 1, processed: 1, matched: 1 }))).toEqual({
      line: 'Done: 1 record held.',
      value: null,
      max: null,
      running: false,
      problem: null,
    });
  });

  it('a release running and done, and the records other holds keep', () => {
    const release = { kind: 'release' as const };
    expect(holdProgress(holdJob({ ...release }))).toMatchObject({ line: 'Starting the release…', running: true });
    expect(holdProgress(holdJob({ ...release, total: 300, processed: 200, matched: 150 }))).toMatchObject({
      line: 'Releasing: 200 of about 300 records released.',
      value: 200,
      max: 300,
    });
    expect(holdProgress(holdJob({ ...release, state: 'done', total: 300, processed: 300, matched: 290 })).line).toBe(
      'Released: 300 records no longer under this hold. 10 records stay held by other holds.',
    );
    expect(holdProgress(holdJob({ ...release, state: 'done', total: 2, processed: 2, matched: 2 })).line).toBe(
      'Released: 2 records no longer under this hold.',
    );
  });

  it('a job an older version marked failed: stopped, and why', () => {
    expect(holdProgress(holdJob({ state: 'failed', error: 'boom' }))).toMatchObject({ running: false, problem: 'The job failed: boom.' });
    expect(holdJobRunning(holdJob({ state: 'failed' }))).toBe(false);
  });
});

describe('export job progress', () => {
  it.each([
    ['planning', exportJob({}), 'Planning: finding the records in scope…', null],
    ['producing', exportJob({ phase: 'producing', total: 400, done: 100 }), 'Producing: 100 of 400 records.', 100],
    ['finishing', exportJob({ phase: 'finishing', total: 400, done: 400 }), 'Finishing: writing the manifest and the certificate…', null],
  ])('%s: running', (_phase, job, line, value) => {
    const p = exportProgress({ job });
    expect(p).toMatchObject({ line, value, running: true, problem: null });
    expect(exportJobRunning(job)).toBe(true);
  });

  it('done: what the package holds', () => {
    const result = { manifestSha256: 'f'.repeat(64), files: 12, bytes: 3 * 1024 * 1024, records: 400, documents: 380, certificateKey: 'k', completedAt: at };
    expect(exportProgress({ job: exportJob({ phase: 'done', total: 400, done: 400 }), result })).toEqual({
      line: 'Done: 400 records in 12 files (3.0 MB).',
      value: null,
      max: null,
      running: false,
      problem: null,
    });
    expect(exportProgress({ job: exportJob({ phase: 'done', total: 1, done: 1 }) }).line).toBe('Done: 1 record.');
  });

  it('failed: why, as a problem', () => {
    const p = exportProgress({ job: exportJob({ phase: 'failed', error: 'scope_count_mismatch: the search changed' }) });
    expect(p).toMatchObject({ line: 'Failed.', running: false, problem: 'The export failed: scope_count_mismatch: the search changed.' });
    expect(exportProgress({ job: exportJob({ phase: 'failed' }) }).problem).toBe('The export failed: no reason was recorded.');
  });

  it('a retried attempt while producing', () => {
    expect(exportProgress({ job: exportJob({ phase: 'producing', total: 4, done: 1, attempts: 1, error: 'timeout' }) }).problem).toBe(
      'Attempt 1 failed (timeout); the job is retrying.',
    );
  });
});

describe('numbers', () => {
  it('records and bytes', () => {
    expect([records(0), records(1), records(12345)]).toEqual(['0 records', '1 record', '12,345 records']);
    expect([formatBytes(1), formatBytes(1000), formatBytes(1536), formatBytes(50 * 1024 * 1024), formatBytes(3 * 1024 ** 4)]).toEqual([
      '1 byte',
      '1,000 bytes',
      '1.5 KB',
      '50 MB',
      '3.0 TB',
    ]);
  });
});

describe('polling', () => {
  it('asks every 2 s while the job runs, and stops once it does not', () => {
    expect(nextPoll({ running: true, failures: 0 })).toBe(POLL_MS);
    expect(POLL_MS).toBe(2000);
    expect(nextPoll({ running: false, failures: 0 })).toBeNull();
  });

  it('backs off after failed refreshes, then gives up', () => {
    const delays = Array.from({ length: MAX_POLL_FAILURES + 1 }, (_, failures) => nextPoll({ running: true, failures }));
    expect(delays).toEqual([2000, 4000, 8000, 16000, 30000, null]);
  });

  it('stops at once on an answer asking again cannot change', () => {
    for (const status of [401, 403, 404]) expect(nextPoll({ running: true, failures: 1, status })).toBeNull();
    expect(nextPoll({ running: true, failures: 1, status: 503 })).toBe(4000);
    // a first load that failed (nothing known to run) is not retried by itself
    expect(nextPoll({ running: false, failures: 1, status: 503 })).toBeNull();
  });
});
