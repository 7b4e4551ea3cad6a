import { createHash } from 'node:crypto';
import { isSampled, sampleScore } from '../sampling';

/**
 * Chi-square goodness of fit of verifiable sampling (src/sampling.ts) on 20,000 record ids shaped
 * like envelope ids. Seeds and ids are fixed, so each test is one deterministic draw: it passes, or
 * it shows a skewed sampler; it cannot flake. Critical values are the 0.999 quantiles of χ².
 */
const N = 20_000;
const CHI2_1DOF_999 = 10.83;
const CHI2_19DOF_999 = 43.82;
const ids = Array.from({ length: N }, (_, i) => createHash('sha1').update(`corpus-record-${i}`).digest('hex'));
const seed = (name: string) => createHash('sha256').update(name).digest('hex');

/** χ² of a count sampled out of N against the rate: two cells, sampled and not, one degree of freedom. */
function chiSquareOfCount(sampled: number, rate: number): number {
  const expected = N * rate;
  return (sampled - expected) ** 2 / expected + (N - sampled - (N - expected)) ** 2 / (N - expected);
}

describe('sampling rates: the share sampled is the rate', () => {
  test.each([
    [0.01, 'period 2026-W01'],
    [0.05, 'period 2026-W02'],
    [0.5, 'period 2026-W03'],
  ])('rate %f under the seed of %s', (rate, period) => {
    const sampled = ids.filter((id) => isSampled(seed(period), id, rate)).length;
    expect(chiSquareOfCount(sampled, rate)).toBeLessThan(CHI2_1DOF_999);
  });

  test('the test has power: a sampler that takes a fifth too many fails it', () => {
    for (const rate of [0.05, 0.5]) {
      const sampled = ids.filter((id) => isSampled(seed('period 2026-W04'), id, rate * 1.2)).length;
      expect(chiSquareOfCount(sampled, rate)).toBeGreaterThan(CHI2_1DOF_999);
    }
  });

  test('scores are uniform over 20 bins', () => {
    const bins = new Array<number>(20).fill(0);
    for (const id of ids) bins[Math.floor(sampleScore(seed('period 2026-W05'), id) * 20)]++;
    const expected = N / 20;
    expect(bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0)).toBeLessThan(CHI2_19DOF_999);
  });
});
