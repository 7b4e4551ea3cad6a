import { LookbackRequest, SamplingPlan } from '@custody/supervision';
import { ReportQuery } from '@custody/supervision-service';
import {
  EMPTY_PLAN_FORM,
  ageBucketLabel,
  formFromPlan,
  hoursLine,
  listFrom,
  lookbackFromForm,
  lookbackProgress,
  lookbackRunning,
  planFromForm,
  populationLine,
  rangeFromDays,
  recentDays,
  shareLine,
  shortVersion,
  type LookbackForm,
} from './supervision-plans';
import type { LookbackView } from './supervision-types';

describe('a sampling plan form', () => {
  it('makes a plan the server accepts, the rate typed in per cent', () => {
    const result = planFromForm({ ...EMPTY_PLAN_FORM, id: 'reps', employees: 'e-1\ne-2, e-1', channels: 'sms', ratePercent: '7', minimumPerPeriod: '5' });
    expect(result).toEqual({
      plan: { id: 'reps', population: { employees: ['e-1', 'e-2'], groups: [], channels: ['sms'] }, rate: 0.07, minimumPerPeriod: 5, period: 'week' },
    });
    if ('plan' in result) expect(SamplingPlan.parse(result.plan)).toEqual(result.plan);
  });

  it('refuses what the API would, field by field', () => {
    expect(planFromForm({ ...EMPTY_PLAN_FORM, id: 'Bad Id', ratePercent: '0', minimumPerPeriod: '1.5', period: 'year' })).toEqual({
      problems: {
        id: expect.stringMatching(/lowercase/),
        ratePercent: expect.stringMatching(/above 0/),
        minimumPerPeriod: expect.stringMatching(/whole number/),
        period: 'Choose a period.',
      },
    });
    expect(planFromForm({ ...EMPTY_PLAN_FORM, id: 'x', ratePercent: '101' })).toEqual({ problems: { ratePercent: expect.any(String) } });
  });

  it('fills the form back from a saved plan', () => {
    const plan = { id: 'reps', population: { employees: ['e-1'], groups: ['desk'], channels: [] }, rate: 0.005, minimumPerPeriod: 3, period: 'month' as const };
    expect(planFromForm(formFromPlan(plan))).toEqual({ plan });
    expect(formFromPlan(plan).ratePercent).toBe('0.5');
    expect(populationLine(plan.population)).toBe('employees e-1 and groups desk; every channel');
    expect(populationLine({ employees: [], groups: [], channels: ['sms'] })).toBe('every employee; channels sms');
    expect(listFrom(' a ,, b\n')).toEqual(['a', 'b']);
  });
});

describe('a range of days', () => {
  it('covers whole UTC days, the last one included, in a query the report accepts', () => {
    const range = rangeFromDays({ from: '2026-11-01', to: '2026-11-30' });
    expect(range).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect(ReportQuery.safeParse(range).success).toBe(true);
    expect(rangeFromDays({ from: '2026-11-30', to: '2026-11-01' })).toEqual({ problem: 'The last day is before the first.' });
    expect(rangeFromDays({ from: '', to: '2026-11-01' })).toEqual({ problem: 'Enter both dates.' });
  });

  it('defaults to the last 30 days, today included', () => {
    expect(recentDays(Date.parse('2026-12-03T15:00:00Z'))).toEqual({ from: '2026-11-04', to: '2026-12-03' });
  });
});

describe('a lookback form', () => {
  const form: LookbackForm = {
    policyId: 'guarantees',
    version: '',
    from: '2026-01-01',
    to: '2026-01-31',
    raiseAlerts: true,
    draftFormat: 'yaml',
    draftSource: '',
  };

  it('screens with the version in force, raising alerts, in a request the server accepts', () => {
    const result = lookbackFromForm(form);
    expect(result).toEqual({ request: { policyId: 'guarantees', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', raiseAlerts: true } });
    if ('request' in result) expect(LookbackRequest.safeParse(result.request).success).toBe(true);
  });

  it('makes a dry run of a draft against a chosen version, raising nothing', () => {
    const version = `sha256:${'a'.repeat(64)}`;
    const result = lookbackFromForm({ ...form, version, draftSource: 'id: guarantees' });
    expect(result).toEqual({ request: expect.objectContaining({ version, draft: { format: 'yaml', source: 'id: guarantees' }, raiseAlerts: false }) });
    if ('request' in result) expect(LookbackRequest.safeParse(result.request).success).toBe(true);
  });

  it('refuses a missing policy, a version that is not one, and a range backwards', () => {
    expect(lookbackFromForm({ ...form, policyId: '', version: 'v1', from: '2026-02-01' })).toEqual({
      problems: { policyId: 'Choose the policy to screen with.', version: 'Choose one of the policy’s versions.', range: 'The last day is before the first.' },
    });
  });
});

describe('a lookback job in words', () => {
  const job = { total: 200, done: 50, updatedAt: '2026-12-01T00:00:00Z' };
  const result = { inputsHash: 'h', corpusSha256: 'c', resultSha256: 'r', records: 200, inScope: 150, hits: 3, alertsRaised: 1 };

  it('shows progress while it screens, and what it found when done', () => {
    const screening: Pick<LookbackView, 'job'> = { job: { ...job, phase: 'screening' } };
    expect(lookbackRunning(screening)).toBe(true);
    expect(lookbackProgress(screening)).toMatchObject({ line: 'Screening: 50 of 200 records.', value: 50, max: 200, running: true, problem: null });
    const done = lookbackProgress({ job: { ...job, phase: 'done', done: 200 }, result });
    expect(done).toMatchObject({ line: 'Done: 3 hits in 150 of 200 records in scope; 1 alert raised.', running: false });
  });

  it('says why it failed, and that a failed attempt is retried', () => {
    expect(lookbackProgress({ job: { ...job, phase: 'failed', error: 'disk full' } }).problem).toBe('The lookback failed: disk full.');
    expect(lookbackProgress({ job: { ...job, phase: 'screening', error: 'timeout', attempts: 2 } }).problem).toBe(
      'Attempt 2 failed (timeout); the job is retrying.',
    );
  });
});

describe('report figures', () => {
  it('shows shares and hours, and a dash for nothing to show', () => {
    expect(shareLine(0.4567)).toBe('45.7 %');
    expect(shareLine(null)).toBe('—');
    expect(hoursLine(2.25)).toBe('2.3 h');
    expect(hoursLine(null)).toBe('—');
    expect(['<1d', '1-3d', '3-7d', '>7d', 'odd'].map(ageBucketLabel)).toEqual(['Under a day', '1 to 3 days', '3 to 7 days', 'Over 7 days', 'odd']);
    expect(shortVersion(`sha256:${'0123456789ab'}${'f'.repeat(52)}`)).toBe('0123456789ab…');
  });
});
