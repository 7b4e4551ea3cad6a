import { createHmac, randomBytes } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import { z } from 'zod';

/**
 * Verifiable random sampling (issue 15, item 5). A record is sampled when its score,
 * HMAC-SHA256(period seed, record id) read as a number in [0, 1), falls below the rate. The seed of
 * a period is drawn and committed to the archive before the period starts, so the sample cannot be
 * steered by anyone who has seen the period's messages, and anyone given the seed recomputes it.
 */

export const SAMPLING_PERIODS = ['day', 'week', 'month'] as const;
export type SamplingPeriod = (typeof SAMPLING_PERIODS)[number];

export const SamplingPlan = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .describe('The plan, the tenant’s own: lowercase letters, digits and dashes'),
    population: z
      .object({
        employees: z.array(z.string().min(1)).max(10_000).default([]).describe('Employee ids whose records are sampled (with groups: either list)'),
        groups: z.array(z.string().min(1)).max(1_000).default([]).describe('Directory groups whose employees’ records are sampled'),
        channels: z.array(z.string().min(1)).max(50).default([]).describe('Channels sampled (all when empty)'),
      })
      .strict()
      .describe('Whose records the plan samples; every list left empty: every record of the tenant'),
    rate: z.number().gt(0).lte(1).describe('Share of the population’s records sampled, e.g. 0.02 for 2 %'),
    minimumPerPeriod: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(0)
      .describe('At least this many records a period (the lowest scores first) when the rate gives fewer'),
    period: z.enum(SAMPLING_PERIODS).default('week').describe('Seeds and minimums are per UTC day, ISO week (from Monday) or calendar month'),
  })
  .strict();
export type SamplingPlan = z.infer<typeof SamplingPlan>;

/** The UTC period holding `at`: its name (2026-11-30, 2026-W49, 2026-11) and its [start, end). */
export function periodOf(at: Date, period: SamplingPeriod): { id: string; start: Date; end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  if (period === 'day') {
    const start = new Date(Date.UTC(y, m, d));
    return { id: start.toISOString().slice(0, 10), start, end: new Date(Date.UTC(y, m, d + 1)) };
  }
  if (period === 'month') {
    const start = new Date(Date.UTC(y, m, 1));
    return { id: start.toISOString().slice(0, 7), start, end: new Date(Date.UTC(y, m + 1, 1)) };
  }
  // ISO 8601 week: Monday to Monday, numbered in the year that holds its Thursday
  const start = new Date(Date.UTC(y, m, d - ((at.getUTCDay() + 6) % 7)));
  const thursday = new Date(start.getTime() + 3 * 86_400_000);
  const weekYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return { id: `${weekYear}-W${String(week).padStart(2, '0')}`, start, end: new Date(start.getTime() + 7 * 86_400_000) };
}

/** A fresh seed for a period: 32 random bytes, hex. Committed to WORM before the period starts. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

const SEED = /^[0-9a-f]{64}$/;

/** The record's score under the seed: the HMAC's first 53 bits as a fraction, exact in a double, uniform in [0, 1). */
export function sampleScore(seed: string, recordId: string): number {
  if (!SEED.test(seed)) throw new RejectedInputError('invalid_seed', 'a sampling seed is 32 bytes in hex');
  const mac = createHmac('sha256', Buffer.from(seed, 'hex')).update(recordId, 'utf8').digest();
  return (mac.readUInt32BE(0) * 2 ** 21 + (mac.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

export function isSampled(seed: string, recordId: string, rate: number): boolean {
  return sampleScore(seed, recordId) < rate;
}

/**
 * A closed period's sample of the population's record ids: every record scoring under the rate,
 * and when those are fewer than the minimum, the lowest-scoring others up to it. Ordered by score,
 * then id, so the answer is the same list wherever it is computed.
 */
export function periodSample(seed: string, recordIds: Iterable<string>, rate: number, minimum = 0): Array<{ id: string; score: number }> {
  const scored = [...new Set(recordIds)].map((id) => ({ id, score: sampleScore(seed, id) }));
  scored.sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const underRate = scored.findIndex((s) => s.score >= rate);
  const byRate = underRate === -1 ? scored.length : underRate;
  return scored.slice(0, Math.max(byRate, Math.min(minimum, scored.length)));
}

const before = (a: { id: string; score: number }, b: { id: string; score: number }) => a.score < b.score || (a.score === b.score && a.id < b.id);

/**
 * The `limit` lowest-scoring records seen, in periodSample's order, kept in one pass with memory
 * bounded by the limit: how a period's minimum is drawn from a population of any size.
 */
export class LowestScores<T> {
  private readonly kept: Array<{ id: string; score: number; item: T }> = [];
  constructor(private readonly limit: number) {}

  add(id: string, score: number, item: T): void {
    const entry = { id, score, item };
    if (this.limit === 0 || (this.kept.length === this.limit && !before(entry, this.kept[this.kept.length - 1]))) return;
    let lo = 0;
    let hi = this.kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.kept[mid], entry)) lo = mid + 1;
      else hi = mid;
    }
    this.kept.splice(lo, 0, entry);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  list(): ReadonlyArray<{ id: string; score: number; item: T }> {
    return this.kept;
  }
}
