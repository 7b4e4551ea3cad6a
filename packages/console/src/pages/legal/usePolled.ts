import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, userMessage } from '../../errors';
import { nextPoll } from '../../legal-jobs';

export interface Polled<T> {
  data: T | null;
  /** Loading the first answer; later refreshes keep showing the last one. */
  loading: boolean;
  error: string | null;
  /** Load again now (after an action changed the job, or to try again once polling gave up). */
  reload: () => void;
}

/**
 * Loads `load`, then asks again (legal-jobs.ts nextPoll) while `running` says its job runs, and stops
 * on unmount: the timer is cleared and a request in flight aborted, so no answer lands on a page that
 * is gone. `load` and `running` are read through refs: a new function each render restarts nothing.
 */
export function usePolled<T>(load: (signal: AbortSignal) => Promise<T>, running: (data: T) => boolean, action: string, notFound?: string): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef({ load, running, action, notFound });
  useLayoutEffect(() => {
    latest.current = { load, running, action, notFound };
  });

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let wasRunning = false;
    const tick = async () => {
      try {
        const answer = await latest.current.load(abort.signal);
        if (abort.signal.aborted) return;
        failures = 0;
        wasRunning = latest.current.running(answer);
        setData(answer);
        setError(null);
        setLoading(false);
        const delay = nextPoll({ running: wasRunning, failures });
        if (delay !== null) timer = setTimeout(() => void tick(), delay);
      } catch (err) {
        if (abort.signal.aborted) return;
        setLoading(false);
        // a lost session sends the whole console to sign-in (session.tsx): nothing to say here
        if (err instanceof ApiError && err.status === 401) return;
        failures++;
        const { action: what, notFound: gone } = latest.current;
        setError(userMessage(err, { action: what, ...(gone && { notFound: gone }) }));
        // a first load that failed is not retried by itself: the page offers to try again
        const delay = nextPoll({ running: wasRunning, failures, status: err instanceof ApiError ? err.status : undefined });
        if (delay !== null) timer = setTimeout(() => void tick(), delay);
      }
    };
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, loading, error, reload };
}
