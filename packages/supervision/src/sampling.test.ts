import { createHash } from 'node:crypto';
import { LowestScores, SamplingPlan, isSampled, periodOf, periodSample, sampleScore } from './sampling';

const SEED = createHash('sha256').update('a fixed test seed').digest('hex');
const ids = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => createHash('sha1').update(`${prefix}${i}`).digest('hex'));

describe('verifiable random sampling', () => {
  test('a score is the HMAC of the record id under the seed: anyone with the seed recomputes it', () => {
    const id = 'a'.repeat(40);
    expect(sampleScore(SEED, id)).toBe(sampleScore(SEED, id));
    expect(sampleScore(SEED, id)).toBeGreaterThanOrEqual(0);
    expect(sampleScore(SEED, id)).toBeLessThan(1);
    // pinned, and computed independently (Python: hmac.new(seed, id, sha256), the first 8 bytes >> 11, / 2**53):
    // a change of the scoring would change every past sample
    expect(sampleScore(SEED, id)).toBe(0.9849345966563904);
    expect(sampleScore(createHash('sha256').update('another seed').digest('hex'), id)).not.toBe(sampleScore(SEED, id));
    expect(() => sampleScore('not-hex', id)).toThrow(/32 bytes in hex/);
  });

  test('scores are uniform: a chi-square test over 20 bins of 100,000 records', () => {
    const BINS = 20;
    const N = 100_000;
    const counts = new Array<number>(BINS).fill(0);
    for (const id of ids(N)) counts[Math.floor(sampleScore(SEED, id) * BINS)]++;
    const expected = N / BINS;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: 43.82 is the 0.999 quantile. The seed and ids are fixed, so this is one
    // deterministic draw that either passes or shows a skewed score, not a test that can flake.
    expect(chiSquare).toBeLessThan(43.82);
  });

  test('the sampled share is the rate, within a binomial 99.9 % interval', () => {
    const N = 100_000;
    const rate = 0.02;
    const sampled = ids(N, 's').filter((id) => isSampled(SEED, id, rate)).length;
    const sd = Math.sqrt(N * rate * (1 - rate));
    expect(Math.abs(sampled - N * rate)).toBeLessThan(3.29 * sd);
  });

  test('a period sample: everything under the rate, topped up to the minimum by the lowest scores, one order everywhere', () => {
    const records = ids(1_000, 'p');
    const byRate = periodSample(SEED, records, 0.01);
    expect(byRate.every((s) => s.score < 0.01)).toBe(true);
    expect(byRate.length).toBe(records.filter((id) => isSampled(SEED, id, 0.01)).length);
    const topped = periodSample(SEED, records, 0.01, 25);
    expect(topped).toHaveLength(25);
    expect(topped.slice(0, byRate.length)).toEqual(byRate);
    expect(periodSample(SEED, [...records].reverse(), 0.01, 25)).toEqual(topped);
    expect(periodSample(SEED, records.slice(0, 3), 0.01, 25)).toHaveLength(3);
  });

  test('periods are UTC days, ISO weeks from Monday and calendar months', () => {
    const at = new Date('2026-12-01T23:30:00Z');
    expect(periodOf(at, 'day')).toEqual({ id: '2026-12-01', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-02T00:00:00Z') });
    expect(periodOf(at, 'week')).toEqual({ id: '2026-W49', start: new Date('2026-11-30T00:00:00Z'), end: new Date('2026-12-07T00:00:00Z') });
    expect(periodOf(at, 'month')).toEqual({ id: '2026-12', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    // the ISO week of 1 January 2027 (a Friday) is 2026's last
    expect(periodOf(new Date('2027-01-01T12:00:00Z'), 'week').id).toBe('2026-W53');
    expect(periodOf(new Date('2024-12-30T12:00:00Z'), 'week').id).toBe('2025-W01');
  });

  test('a plan is validated, with defaults', () => {
    expect(SamplingPlan.parse({ id: 'desk-2', population: { groups: ['desk-2'] }, rate: 0.05 })).toEqual({
      id: 'desk-2',
      population: { employees: [], groups: ['desk-2'], channels: [] },
      rate: 0.05,
      minimumPerPeriod: 0,
      period: 'week',
    });
    expect(SamplingPlan.safeParse({ id: 'x', population: {}, rate: 0 }).success).toBe(false);
  });
});

describe('LowestScores', () => {
  test('keeps exactly the lowest of periodSample’s order, whatever order the records come in', () => {
    const seed = 'cd'.repeat(32);
    const ids = Array.from({ length: 2_000 }, (_, i) => `rec-${(i * 7919) % 2_000}`);
    const lowest = new LowestScores<string>(50);
    for (const id of ids) lowest.add(id, sampleScore(seed, id), id);
    const expected = periodSample(seed, ids, 0, 50);
    expect(lowest.list().map((e) => [e.id, e.score])).toEqual(expected.map((e) => [e.id, e.score]));
    const none = new LowestScores<string>(0);
    none.add('a', 0.1, 'a');
    expect(none.list()).toEqual([]);
  });
});
