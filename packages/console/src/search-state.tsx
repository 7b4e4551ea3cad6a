import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api';
import { ApiError, userMessage } from './errors';
import { FACETS } from './search-filters';
import { EMPTY_FORM, formProblem, searchRequest, type SearchForm } from './search-query';
import { SearchSuggestionsProvider } from './search-suggestions';
import type { SearchHit, SearchResponse } from './types';

/**
 * The search and its results, held above the pages so that opening a record and going "Back to
 * results" shows the same hits (and the pages already loaded) without searching again. Kept in
 * memory only: the search text never goes into the URL (nor into access logs or browser history),
 * and it is dropped on sign-out, since the provider lives inside the signed-in shell.
 */
export interface SearchState {
  form: SearchForm;
  /** The form the results are for (the last search run): its filters are the chips, its pages are what "More results" reads on. */
  searched: SearchForm | null;
  status: 'idle' | 'loading' | 'loading-more' | 'done' | 'error';
  hits: SearchHit[];
  total: number;
  cursor: string | null;
  error: string | null;
  /** Counts over every hit of the search, from its first page; kept while the next search runs, so a focused facet stays put. */
  facets: NonNullable<SearchResponse['facets']>;
  /** The hit last opened: focused again on the way back, so a keyboard user keeps their place. */
  opened: string | null;
}

const INITIAL: SearchState = { form: EMPTY_FORM, searched: null, status: 'idle', hits: [], total: 0, cursor: null, error: null, facets: {}, opened: null };

interface SearchContextValue {
  state: SearchState;
  setForm(form: SearchForm): void;
  search(): void;
  /** Puts `form` in the form and searches with it at once (a facet clicked, a filter removed). */
  searchFor(form: SearchForm): void;
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

  const run = useCallback((more: boolean, form?: SearchForm) => {
    const current = stateRef.current;
    // a next page reads on with the filters of the pages shown, not with whatever the form holds now
    const searching = more ? current.searched : (form ?? current.form);
    if (!searching) return;
    const problem = formProblem(searching);
    if (problem) {
      setState((s) => ({ ...s, form: searching, searched: null, status: 'error', error: problem, hits: [], total: 0, cursor: null, facets: {} }));
      return;
    }
    if (more && !current.cursor) return;
    inFlight.current?.abort();
    const request = new AbortController();
    inFlight.current = request;
    const body = more ? searchRequest(searching, current.cursor) : { ...searchRequest(searching), facets: [...FACETS] };
    setState((s) => ({
      ...s,
      status: more ? 'loading-more' : 'loading',
      error: null,
      ...(!more && { form: searching, searched: searching, hits: [], total: 0, cursor: null, opened: null }),
    }));
    api.search(body, request.signal).then(
      (page) => {
        if (request.signal.aborted) return;
        setState((s) => ({
          ...s,
          status: 'done',
          hits: more ? [...s.hits, ...page.hits] : page.hits,
          total: page.total,
          cursor: page.cursor,
          ...(!more && { facets: page.facets ?? {} }),
        }));
      },
      (err: unknown) => {
        if (request.signal.aborted) return;
        // a lost session sends the whole console to sign-in (session.tsx); nothing to show here
        if (err instanceof ApiError && err.status === 401) return;
        setState((s) => ({ ...s, status: more ? 'done' : 'error', error: userMessage(err, 'search'), ...(!more && { facets: {} }) }));
      },
    );
  }, []);

  const setForm = useCallback((form: SearchForm) => setState((s) => ({ ...s, form })), []);
  const search = useCallback(() => run(false), [run]);
  const searchFor = useCallback((form: SearchForm) => run(false, form), [run]);
  const more = useCallback(() => run(true), [run]);
  const opened = useCallback((id: string) => setState((s) => ({ ...s, opened: id })), []);

  const value = useMemo(() => ({ state, setForm, search, searchFor, more, opened }), [state, setForm, search, searchFor, more, opened]);
  return (
    <SearchContext.Provider value={value}>
      <SearchSuggestionsProvider>{children}</SearchSuggestionsProvider>
    </SearchContext.Provider>
  );
}

export function useSearch(): SearchContextValue {
  const value = useContext(SearchContext);
  if (!value) throw new Error('useSearch outside SearchProvider');
  return value;
}
