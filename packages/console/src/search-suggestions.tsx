import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { apiRequest } from './api';
import { useSession } from './session';

/**
 * The choices offered (as <datalist> suggestions) in the employee and hold filters: the tenant's
 * directory and legal holds. Read once a session, when "More filters" is first opened, not with every
 * visit to Search: both reads are audited, and most searches never use these filters. Only compliance
 * and legal may read them; an auditor types the ids. The filters work without the lists either way.
 */
export interface EmployeeOption {
  employeeId: string;
  name?: string;
}

export interface HoldOption {
  id: string;
  matter: string;
  status: string;
}

/** 'not-offered': this role may not read the list; 'unavailable': reading it failed. */
export type Suggestions<T> = { status: 'idle' | 'loading' | 'not-offered' | 'unavailable' } | { status: 'ready'; items: T[] };

interface SuggestionsValue {
  employees: Suggestions<EmployeeOption>;
  holds: Suggestions<HoldOption>;
  load(): void;
}

const SuggestionsContext = createContext<SuggestionsValue | null>(null);

const READERS = new Set(['compliance', 'legal']);

export function SearchSuggestionsProvider({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const offered = state.status === 'signed-in' && READERS.has(state.session.role);
  const [employees, setEmployees] = useState<Suggestions<EmployeeOption>>({ status: offered ? 'idle' : 'not-offered' });
  const [holds, setHolds] = useState<Suggestions<HoldOption>>({ status: offered ? 'idle' : 'not-offered' });
  const reading = useRef<AbortController | null>(null);

  useEffect(() => () => reading.current?.abort(), []);

  const load = useCallback(() => {
    if (!offered || reading.current) return;
    const request = new AbortController();
    reading.current = request;
    setEmployees({ status: 'loading' });
    setHolds({ status: 'loading' });
    const settle = <T,>(read: Promise<T[]>, set: (s: Suggestions<T>) => void) => {
      read.then(
        (items) => {
          if (!request.signal.aborted) set({ status: 'ready', items });
        },
        () => {
          if (request.signal.aborted) return;
          set({ status: 'unavailable' });
          // a failed read is tried again the next time the filters are opened
          reading.current = null;
        },
      );
    };
    settle(
      apiRequest<{ employees: EmployeeOption[] }>('GET', '/v1/admin/directory', { signal: request.signal }).then((r) => r.employees),
      setEmployees,
    );
    settle(
      apiRequest<{ holds: HoldOption[] }>('GET', '/v1/holds', { signal: request.signal }).then((r) => r.holds),
      setHolds,
    );
  }, [offered]);

  const value = useMemo(() => ({ employees, holds, load }), [employees, holds, load]);
  return <SuggestionsContext.Provider value={value}>{children}</SuggestionsContext.Provider>;
}

export function useSearchSuggestions(): SuggestionsValue {
  const value = useContext(SuggestionsContext);
  if (!value) throw new Error('useSearchSuggestions outside SearchSuggestionsProvider');
  return value;
}
