import { useCallback, useEffect, useState } from 'react';
import { ApiError, userMessage } from '../../errors';

export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'done'; data: T };

/**
 * One GET an admin page opens with, again on `reload()` (after a change, or the Refresh button).
 * A reload keeps what is shown until the new answer arrives (`refreshing` says one is under way);
 * leaving the page aborts the call. A 401 is left to the session context, which signs out.
 */
export function useLoad<T>(fetch: (signal: AbortSignal) => Promise<T>, action: string): { load: Load<T>; refreshing: boolean; reload: () => void } {
  const [load, setLoad] = useState<Load<T>>({ status: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const request = new AbortController();
    fetch(request.signal).then(
      (data) => {
        setLoad({ status: 'done', data });
        setRefreshing(false);
      },
      (err: unknown) => {
        if (request.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        setLoad({ status: 'error', message: userMessage(err, { action }) });
        setRefreshing(false);
      },
    );
    return () => request.abort();
    // `fetch` and `action` are fixed for a page: a new generation is what asks again
  }, [generation]);

  const reload = useCallback(() => {
    setRefreshing(true);
    setGeneration((g) => g + 1);
  }, []);
  return { load, refreshing, reload };
}
