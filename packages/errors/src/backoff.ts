export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Give up after this many attempts; Infinity for outages we must wait out (never skip a record). */
  maxAttempts: number;
  /** Stop waiting early (shutdown). Checked between attempts. */
  signal?: AbortSignal;
}

export const defaultBackoff: BackoffOptions = { initialMs: 100, maxMs: 10_000, maxAttempts: Infinity };

/** "Full jitter" exponential backoff: spreads retries of many consumers so an outage's end is not a stampede. */
export function backoffDelay(attempt: number, opts: Pick<BackoffOptions, 'initialMs' | 'maxMs'>, random = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, retrying only errors `shouldRetry` accepts. Non-retriable errors and
 * the last failure propagate. `onRetry` lets the caller log each outage with its attempt count.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  shouldRetry: (err: unknown) => boolean,
  opts: BackoffOptions = defaultBackoff,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!shouldRetry(err) || attempt + 1 >= opts.maxAttempts || opts.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, opts);
      onRetry?.(err, attempt + 1, delay);
      await sleep(delay, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}
