import { CorpusPrng } from './prng';

/** A measured share and its 95 % interval; `value` is NaN when nothing was there to measure (0 of 0). */
export interface QualityEstimate {
  value: number;
  low: number;
  high: number;
}

/** The standard normal's 0.975 quantile: a two-sided 95 % interval. */
const Z_95 = 1.959963984540054;

/**
 * Wilson score interval of `successes` out of `n`: unlike the normal approximation it stays inside
 * [0, 1] and is not empty at 0 % or 100 %, which is where a good lexicon's recall sits.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): QualityEstimate {
  if (n === 0) return { value: Number.NaN, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // at 0 % and 100 % rounding could leave the point a hair outside its own interval
  return { value: p, low: Math.min(p, Math.max(0, centre - half)), high: Math.max(p, Math.min(1, centre + half)) };
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const f1Of = ({ tp, fp, fn }: Confusion): number => (tp + fp + fn === 0 ? Number.NaN : (2 * tp) / (2 * tp + fp + fn));

/**
 * F1 has no closed-form interval: a percentile bootstrap. Each resample draws the corpus's n
 * messages again with replacement, which for message-level outcomes is a draw of each message's
 * outcome (TP, FP, FN, TN) in proportion to the counts; the interval is the 2.5th and 97.5th
 * percentiles of the resampled F1s. The generator is seeded, so the interval is reproducible.
 */
export function bootstrapF1(confusion: Confusion, seed: string, resamples = 1000): QualityEstimate {
  const value = f1Of(confusion);
  const { tp, fp, fn, tn } = confusion;
  const n = tp + fp + fn + tn;
  if (n === 0 || Number.isNaN(value)) return { value, low: 0, high: 1 };
  const rng = new CorpusPrng(seed);
  const tpBelow = tp / n;
  const fpBelow = (tp + fp) / n;
  const fnBelow = (tp + fp + fn) / n;
  const f1s: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < tpBelow) drawn.tp++;
      else if (u < fpBelow) drawn.fp++;
      else if (u < fnBelow) drawn.fn++;
    }
    const f1 = f1Of(drawn);
    f1s.push(Number.isNaN(f1) ? 0 : f1);
  }
  f1s.sort((a, b) => a - b);
  return { value, low: f1s[Math.floor(0.025 * resamples)], high: f1s[Math.ceil(0.975 * resamples) - 1] };
}
