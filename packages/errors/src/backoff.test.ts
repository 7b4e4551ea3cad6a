import { backoffDelay, defaultBackoff, sleep, withRetry } from './backoff';
import { DependencyUnavailableError, RejectedInputError, isRetriable } from './errors';

const outage = (n: number) => new DependencyUnavailableError('s3', `outage ${n}`);

afterEach(() => jest.restoreAllMocks());

describe('backoffDelay', () => {
  const opts = { initialMs: 100, maxMs: 10_000 };

  test('lies in [0, min(max, initial * 2^attempt)) for the whole random range', () => {
    const justBelowOne = () => 1 - Number.EPSILON;
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** attempt);
      expect(backoffDelay(attempt, opts, () => 0)).toBe(0);
      expect(backoffDelay(attempt, opts, justBelowOne)).toBe(ceiling - 1);
      expect(backoffDelay(attempt, opts, () => 0.5)).toBe(Math.floor(ceiling / 2));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, opts);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });

  test('doubles the ceiling per attempt until maxMs', () => {
    const half = (attempt: number) => backoffDelay(attempt, opts, () => 0.5);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(half)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  test('stays finite and capped for huge attempt numbers', () => {
    expect(backoffDelay(1_000, opts, () => 0.5)).toBe(5_000);
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, { initialMs: 1, maxMs: 2 ** 40 }, () => 0.5)).toBe(2 ** 29);
  });

  test('uses the injected random source', () => {
    const random = jest.fn(() => 0.25);
    expect(backoffDelay(2, opts, random)).toBe(100);
    expect(random).toHaveBeenCalledTimes(1);
  });
});

describe('sleep', () => {
  test('waits roughly the given time', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  test('returns at once for an already aborted signal', async () => {
    const t0 = Date.now();
    await sleep(60_000, AbortSignal.abort());
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  test('returns early when the signal aborts while waiting', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(60_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('withRetry', () => {
  const fast = { initialMs: 1, maxMs: 2, maxAttempts: 10 };

  test('returns the first success without retrying', async () => {
    const fn = jest.fn(async (attempt: number) => `ok@${attempt}`);
    const onRetry = jest.fn();
    await expect(withRetry(fn, isRetriable, fast, onRetry)).resolves.toBe('ok@0');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  test('retries retriable errors until success, reporting each retry', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const errors = [outage(1), outage(2)];
    const fn = jest.fn(async (attempt: number) => {
      if (attempt < 2) throw errors[attempt];
      return 'stored';
    });
    const onRetry = jest.fn();
    await expect(withRetry(fn, isRetriable, { initialMs: 10, maxMs: 15, maxAttempts: 5 }, onRetry)).resolves.toBe('stored');
    expect(fn.mock.calls.map((c) => c[0])).toEqual([0, 1, 2]);
    expect(onRetry.mock.calls).toEqual([
      [errors[0], 1, 5],
      [errors[1], 2, 7],
    ]);
  });

  test('does not retry a non-retriable error', async () => {
    const bad = new RejectedInputError('schema_violation', 'bad record');
    const fn = jest.fn(async () => {
      throw bad;
    });
    const onRetry = jest.fn();
    await expect(withRetry(fn, isRetriable, fast, onRetry)).rejects.toBe(bad);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  test('does not retry plain errors under isRetriable', async () => {
    const fn = jest.fn(async () => {
      throw new TypeError('bug');
    });
    await expect(withRetry(fn, isRetriable, fast)).rejects.toThrow(TypeError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  test('retries whatever shouldRetry accepts and nothing else', async () => {
    const fn = jest.fn(async (attempt: number) => {
      throw new Error(attempt < 2 ? 'transient' : 'fatal');
    });
    await expect(withRetry(fn, (e) => (e as Error).message === 'transient', fast)).rejects.toThrow('fatal');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  test('stops after maxAttempts and propagates the last failure', async () => {
    const fn = jest.fn(async (attempt: number) => {
      throw outage(attempt);
    });
    const onRetry = jest.fn();
    await expect(withRetry(fn, isRetriable, { ...fast, maxAttempts: 3 }, onRetry)).rejects.toThrow('s3: outage 2');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  test('maxAttempts 1 means no retry', async () => {
    const fn = jest.fn(async () => {
      throw outage(0);
    });
    await expect(withRetry(fn, isRetriable, { ...fast, maxAttempts: 1 })).rejects.toThrow('outage 0');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  test('an already aborted signal stops after the first failure', async () => {
    const fn = jest.fn(async () => {
      throw outage(0);
    });
    const onRetry = jest.fn();
    await expect(withRetry(fn, isRetriable, { initialMs: 60_000, maxMs: 60_000, maxAttempts: Infinity, signal: AbortSignal.abort() }, onRetry)).rejects.toThrow(
      'outage 0',
    );
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  test('aborting during the backoff wait ends it at once with the last error', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const ac = new AbortController();
    const fn = jest.fn(async (attempt: number) => {
      throw outage(attempt);
    });
    const t0 = Date.now();
    const done = withRetry(fn, isRetriable, { initialMs: 60_000, maxMs: 60_000, maxAttempts: Infinity, signal: ac.signal }, () => {
      setTimeout(() => ac.abort(), 10);
    });
    await expect(done).rejects.toThrow('outage 0');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  test('the default policy retries outages without an attempt limit', () => {
    expect(defaultBackoff.maxAttempts).toBe(Infinity);
    expect(defaultBackoff.initialMs).toBeLessThan(defaultBackoff.maxMs);
  });
});
