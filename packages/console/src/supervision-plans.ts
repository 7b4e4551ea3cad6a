import { formatCount } from './format';
import type { JobProgress } from './legal-jobs';
import { SAMPLING_PERIODS, type LookbackRequest, type LookbackView, type SamplingPeriod, type SamplingPlan } from './supervision-types';

/**
 * The principal's forms (sampling plans, lookbacks, report ranges) from what a person types to what
 * the API takes, with the API's rules checked first; and lookback jobs and shares in words. Pure.
 */

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const VERSION = /^sha256:[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A list typed one per line or separated by commas: trimmed, empty entries and repeats dropped. */
export function listFrom(text: string): string[] {
  return [...new Set(text.split(/[\n,]+/).map((s) => s.trim()))].filter(Boolean);
}

export interface PlanForm {
  id: string;
  employees: string;
  groups: string;
  channels: string;
  /** Per cent of the population's records, as typed ("2", "0.5"). */
  ratePercent: string;
  minimumPerPeriod: string;
  period: string;
}

export type PlanProblems = Partial<Record<keyof PlanForm, string>>;

export const EMPTY_PLAN_FORM: PlanForm = { id: '', employees: '', groups: '', channels: '', ratePercent: '2', minimumPerPeriod: '0', period: 'week' };

export function planFromForm(form: PlanForm): { plan: SamplingPlan } | { problems: PlanProblems } {
  const problems: PlanProblems = {};
  const id = form.id.trim();
  if (!SLUG.test(id)) problems.id = 'A plan id is lowercase letters, digits and dashes, up to 63 characters.';
  const percent = Number(form.ratePercent.trim());
  if (!form.ratePercent.trim() || !Number.isFinite(percent) || percent <= 0 || percent > 100)
    problems.ratePercent = 'Enter a share above 0 and at most 100 (per cent).';
  const minimum = Number(form.minimumPerPeriod.trim() || '0');
  if (!Number.isInteger(minimum) || minimum < 0 || minimum > 100_000) problems.minimumPerPeriod = 'Enter a whole number from 0 to 100,000.';
  if (!(SAMPLING_PERIODS as readonly string[]).includes(form.period)) problems.period = 'Choose a period.';
  if (Object.keys(problems).length > 0) return { problems };
  return {
    plan: {
      id,
      population: { employees: listFrom(form.employees), groups: listFrom(form.groups), channels: listFrom(form.channels) },
      // per cent to a share, without the float noise of 0.07 * 100 / 100
      rate: Number((percent / 100).toPrecision(12)),
      minimumPerPeriod: minimum,
      period: form.period as SamplingPeriod,
    },
  };
}

export function formFromPlan(plan: SamplingPlan): PlanForm {
  return {
    id: plan.id,
    employees: plan.population.employees.join('\n'),
    groups: plan.population.groups.join('\n'),
    channels: plan.population.channels.join('\n'),
    ratePercent: percentOf(plan.rate),
    minimumPerPeriod: String(plan.minimumPerPeriod),
    period: plan.period,
  };
}

/** 0.02 → "2", 0.005 → "0.5". */
export function percentOf(rate: number): string {
  return String(Number((rate * 100).toPrecision(12)));
}

/** Whose records a plan samples, in a sentence. */
export function populationLine(population: SamplingPlan['population']): string {
  const who = [
    population.employees.length > 0 && `employees ${population.employees.join(', ')}`,
    population.groups.length > 0 && `groups ${population.groups.join(', ')}`,
  ].filter(Boolean);
  const whom = who.length > 0 ? who.join(' and ') : 'every employee';
  return `${whom}; ${population.channels.length > 0 ? `channels ${population.channels.join(', ')}` : 'every channel'}`;
}

/** A range of whole UTC days, both ends included, as typed in two date fields. */
export interface DayRange {
  from: string;
  to: string;
}

/** The instants a day range covers: from the first day's start to the start of the day after the last. */
export function rangeFromDays(days: DayRange): { from: string; to: string } | { problem: string } {
  if (!DATE.test(days.from) || !DATE.test(days.to)) return { problem: 'Enter both dates.' };
  const from = Date.parse(`${days.from}T00:00:00.000Z`);
  const last = Date.parse(`${days.to}T00:00:00.000Z`);
  if (Number.isNaN(from) || Number.isNaN(last)) return { problem: 'Enter real dates.' };
  if (last < from) return { problem: 'The last day is before the first.' };
  return { from: new Date(from).toISOString(), to: new Date(last + DAY_MS).toISOString() };
}

/** The last `days` whole UTC days up to and including today's. */
export function recentDays(now: number, days = 30): DayRange {
  const today = new Date(now).toISOString().slice(0, 10);
  const first = new Date(Date.parse(`${today}T00:00:00.000Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from: first, to: today };
}

export interface LookbackForm extends DayRange {
  policyId: string;
  /** '' for the version in force. */
  version: string;
  raiseAlerts: boolean;
  draftFormat: 'yaml' | 'json';
  /** '' for a lookback with an archived version; a proposed version for a dry run. */
  draftSource: string;
}

export type LookbackProblems = Partial<Record<'policyId' | 'version' | 'range' | 'draftSource', string>>;

export function lookbackFromForm(form: LookbackForm): { request: LookbackRequest } | { problems: LookbackProblems } {
  const problems: LookbackProblems = {};
  if (!SLUG.test(form.policyId)) problems.policyId = 'Choose the policy to screen with.';
  if (form.version && !VERSION.test(form.version)) problems.version = 'Choose one of the policy’s versions.';
  const range = rangeFromDays(form);
  if ('problem' in range) problems.range = range.problem;
  if (form.draftSource.length > 262_144) problems.draftSource = 'A draft is at most 256 KB.';
  if ('problem' in range || Object.keys(problems).length > 0) return { problems };
  const draft = form.draftSource.trim() ? { format: form.draftFormat, source: form.draftSource } : undefined;
  return {
    request: {
      policyId: form.policyId,
      ...(form.version && { version: form.version }),
      ...(draft && { draft }),
      from: range.from,
      to: range.to,
      // a dry run raises no alert: it only compares the draft with the version
      raiseAlerts: draft ? false : form.raiseAlerts,
    },
  };
}

export function lookbackRunning(lookback: Pick<LookbackView, 'job'>): boolean {
  return lookback.job.phase === 'planning' || lookback.job.phase === 'screening';
}

export function lookbackProgress(lookback: Pick<LookbackView, 'job' | 'result'>): JobProgress {
  const { job, result } = lookback;
  const running = lookbackRunning(lookback);
  const retrying = running && job.error ? `Attempt ${job.attempts ?? 1} failed (${job.error}); the job is retrying.` : null;
  switch (job.phase) {
    case 'planning':
      return { line: 'Planning: listing the records sent in the range…', value: null, max: null, running, problem: retrying };
    case 'screening':
      return {
        line: `Screening: ${formatCount(job.done)} of ${formatCount(job.total)} records.`,
        value: Math.min(job.done, job.total),
        max: Math.max(job.total, 1),
        running,
        problem: retrying,
      };
    case 'done':
      return {
        line: result
          ? `Done: ${formatCount(result.hits)} ${result.hits === 1 ? 'hit' : 'hits'} in ${formatCount(result.inScope)} of ${formatCount(result.records)} records in scope; ${formatCount(result.alertsRaised)} ${result.alertsRaised === 1 ? 'alert' : 'alerts'} raised.`
          : 'Done.',
        value: null,
        max: null,
        running,
        problem: null,
      };
    case 'failed':
      return { line: 'Failed.', value: null, max: null, running, problem: `The lookback failed: ${job.error ?? 'no reason was recorded'}.` };
  }
}

/** A 0–1 share as a percentage with one decimal, or a dash when there was nothing to divide by. */
export function shareLine(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)} %`;
}

/** Hours with one decimal, or a dash. */
export function hoursLine(hours: number | null): string {
  return hours === null ? '—' : `${hours.toFixed(1)} h`;
}

/** "sha256:abcd…" shortened for a table cell; the whole value stays in the cell's title and the detail. */
export function shortVersion(version: string): string {
  return version.startsWith('sha256:') ? `${version.slice(7, 19)}…` : version;
}

/** A backlog age bucket of the MI report ("<1d", "1-3d", ">7d") in words. */
export function ageBucketLabel(age: string): string {
  if (age === '<1d') return 'Under a day';
  const range = /^(\d+)-(\d+)d$/.exec(age);
  if (range) return `${range[1]} to ${range[2]} days`;
  const over = /^>(\d+)d$/.exec(age);
  return over ? `Over ${over[1]} days` : age;
}
