import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api';
import { ApiError, userMessage } from './errors';
import { EMPTY_FORM, formProblem, searchRequest, type SearchForm } from './search-query';
import type { SearchHit } from './types';

/**
 * The search and its results, held above the pages so that opening a record and going "Back to
 * results" shows the same hits (and the pages already loaded) without searching again. Kept in
 * memory only: the search text never goes into the URL (nor into access logs or browser history),
 * and it is dropped on sign-out, since the provider lives inside the signed-in shell.
 */
export interface SearchState {
  form: SearchForm;
  status: 'idle' | 'loading' | 'loading-more' | 'done' | 'error';
  hits: SearchHit[];
  total: number;
  cursor: string | null;
  error: string | null;
  /** The hit last opened: focused again on the way back, so a keyboard user keeps their place. */
  opened: string | null;
}

const INITIAL: SearchState = { form: EMPTY_FORM, status: 'idle', hits: [], total: 0, cursor: null, error: null, opened: null };

interface SearchContextValue {
  state: SearchState;
  setForm(form: SearchForm): void;
  search(): void;
  more(): void;
  opened(id: string): void;
}

const SearchContext = createContext<SearchContextValue | null>(null);

export function SearchProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SearchState>(INITIAL);
  // the search in flight, so a new one (or leaving) cancels it and a late answer never overwrites a newer one
  const inFlight = useRef<AbortController | null>(null);
  // what `run` reads: the committed state, without making every callback change on each keystroke
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  });

  useEffect(() => () => inFlight.current?.abort(), []);

  const run = useCallback((more: boolean) => {
    const current = stateRef.current;
    const problem = formProblem(current.form);
    if (problem && !more) {
      setState((s) => ({ ...s, status: 'error', error: problem, hits: [], total: 0, cursor: null }));
      return;
    }
    if (more && !current.cursor) return;
    inFlight.current?.abort();
    const request = new AbortController();
    inFlight.current = request;
    const body = searchRequest(current.form, more ? current.cursor : null);
    setState((s) => ({ ...s, status: more ? 'loading-more' : 'loading', error: null, ...(!more && { hits: [], total: 0, cursor: null, opened: null }) }));
    api.search(body, request.signal).then(
      (page) => {
        if (request.signal.aborted) return;
        setState((s) => ({ ...s, status: 'done', hits: more ? [...s.hits, ...page.hits] : page.hits, total: page.total, cursor: page.cursor }));
      },
      (err: unknown) => {
        if (request.signal.aborted) return;
        // a lost session sends the whole console to sign-in (session.tsx); nothing to show here
        if (err instanceof ApiError && err.status === 401) return;
        setState((s) => ({ ...s, status: more ? 'done' : 'error', error: userMessage(err, 'search') }));
      },
    );
  }, []);

  const setForm = useCallback((form: SearchForm) => setState((s) => ({ ...s, form })), []);
  const search = useCallback(() => run(false), [run]);
  const more = useCallback(() => run(true), [run]);
  const opened = useCallback((id: string) => setState((s) => ({ ...s, opened: id })), []);

  const value = useMemo(() => ({ state, setForm, search, more, opened }), [state, setForm, search, more, opened]);
  return <SearchContext.Provider value={value}>{children}</SearchContext.Provider>;
}

export function useSearch(): SearchContextValue {
  const value = useContext(SearchContext);
  if (!value) throw new Error('useSearch outside SearchProvider');
  return value;
}
