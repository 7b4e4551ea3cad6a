import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError } from '../../errors';
import type { Load } from '../admin/use-load';

/**
 * One GET a supervision page opens with, like the admin pages' useLoad, but its failure worded by
 * `explain` (an alert refused for a conflict of interest says so, not just "forbidden"). A reload
 * keeps what is shown until the new answer arrives; leaving the page aborts the call; a 401 is left
 * to the session context, which signs out.
 */
export function useFetched<T>(fetch: (signal: AbortSignal) => Promise<T>, explain: (err: unknown) => string): { load: Load<T>; reload: () => void } {
  const [load, setLoad] = useState<Load<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef({ fetch, explain });
  useLayoutEffect(() => {
    latest.current = { fetch, explain };
  });

  useEffect(() => {
    const request = new AbortController();
    latest.current.fetch(request.signal).then(
      (data) => setLoad({ status: 'done', data }),
      (err: unknown) => {
        if (request.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        setLoad({ status: 'error', message: latest.current.explain(err) });
      },
    );
    return () => request.abort();
  }, [generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { load, reload };
}
