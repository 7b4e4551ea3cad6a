import { CorpusPrng } from './prng';
import { bootstrapF1, f1Of, wilsonInterval } from './stats';

describe('Wilson score interval', () => {
  test.each([
    // Newcombe (1998), Statistics in Medicine 17:857, table I: 81 of 263 → 0.2553 to 0.3662
    [81, 263, 0.2553, 0.3662],
    [50, 100, 0.4038, 0.5962],
    [95, 100, 0.8882, 0.9785],
    // at 0 % and 100 % the interval stays one-sided and non-empty
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
  ])('%i of %i: [%f, %f]', (successes, n, low, high) => {
    const interval = wilsonInterval(successes, n);
    expect(interval.value).toBeCloseTo(successes / n, 10);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  test('nothing measured: no value, the whole range', () => {
    const interval = wilsonInterval(0, 0);
    expect(interval.value).toBeNaN();
    expect([interval.low, interval.high]).toEqual([0, 1]);
  });
});

describe('F1 bootstrap', () => {
  const confusion = { tp: 90, fp: 10, fn: 20, tn: 880 };

  test('the point is 2TP / (2TP + FP + FN), inside an interval the same seed reproduces', () => {
    const f1 = bootstrapF1(confusion, 'seed');
    expect(f1.value).toBeCloseTo(180 / 210, 12);
    expect(f1.low).toBeLessThan(f1.value);
    expect(f1.high).toBeGreaterThan(f1.value);
    expect(bootstrapF1(confusion, 'seed')).toEqual(f1);
  });

  test('ten times the evidence, a narrower interval', () => {
    const small = bootstrapF1(confusion, 'seed');
    const large = bootstrapF1({ tp: 900, fp: 100, fn: 200, tn: 8800 }, 'seed');
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 2);
  });

  test('a perfect score resamples to itself; no positive at all has no F1', () => {
    expect(bootstrapF1({ tp: 50, fp: 0, fn: 0, tn: 50 }, 'seed')).toEqual({ value: 1, low: 1, high: 1 });
    expect(f1Of({ tp: 0, fp: 0, fn: 0, tn: 10 })).toBeNaN();
  });
});

describe('the corpus generator', () => {
  test('is seeded: the same seed, the same numbers; another seed, others; all in [0, 1)', () => {
    const draw = (seed: string) => {
      const rng = new CorpusPrng(seed);
      return Array.from({ length: 1000 }, () => rng.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    expect(draw('a').every((x) => x >= 0 && x < 1)).toBe(true);
    // pinned, and computed independently (Python: sfc32 seeded with the first 16 bytes of
    // SHA-256("pin"), 12 outputs discarded): a change to the generator changes every corpus
    const pin = new CorpusPrng('pin');
    expect([pin.nextUint32(), pin.nextUint32(), pin.nextUint32()]).toEqual([2110622132, 3568070559, 1926625329]);
  });

  test('draws weighted keys in proportion to their weights', () => {
    const rng = new CorpusPrng('weights');
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[rng.weighted({ a: 1, b: 2, c: 3 })]++;
    expect(counts.a / 30_000).toBeCloseTo(1 / 6, 1);
    expect(counts.b / 30_000).toBeCloseTo(2 / 6, 1);
    expect(counts.c / 30_000).toBeCloseTo(3 / 6, 1);
  });
});
