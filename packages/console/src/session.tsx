import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionLost, setCsrfToken } from './api';
import { ApiError, SESSION_EXPIRED_MESSAGE, SIGNED_OUT_MESSAGE, userMessage } from './errors';
import type { Session } from './types';

/**
 * Who is signed in. The session itself is an HttpOnly cookie the console never sees; what it holds
 * here is what GET/POST /v1/session answered (tenant, role, the CSRF token). On start it asks
 * GET /v1/session, so a reload or a second tab keeps the session without asking for the key again.
 */
export type SessionState =
  | { status: 'checking' }
  /** `byChoice`: the person signed out (the next sign-in, perhaps someone else's, starts afresh); else the session was lost or never there. */
  | { status: 'signed-out'; notice: string | null; byChoice?: true }
  | { status: 'signed-in'; session: Session };

interface SessionContextValue {
  state: SessionState;
  /** Throws the ApiError (a wrong key is a 401) for the sign-in page to show. */
  signIn(apiKey: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);
  const signedOut = useCallback((notice: string | null, byChoice = false) => {
    setCsrfToken(null);
    setState({ status: 'signed-out', notice, ...(byChoice && { byChoice: true as const }) });
  }, []);

  useEffect(() => {
    // any call answering 401 means the session is gone (expired, revoked, signed out in another tab)
    onSessionLost((code) => signedOut(code === 'session_expired' ? SESSION_EXPIRED_MESSAGE : SIGNED_OUT_MESSAGE));
    const probe = new AbortController();
    api.currentSession(probe.signal).then(signedIn, (err: unknown) => {
      if (probe.signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) signedOut(err.code === 'session_expired' ? SESSION_EXPIRED_MESSAGE : null);
      else signedOut(userMessage(err, 'sign-in'));
    });
    return () => {
      probe.abort();
      onSessionLost(null);
    };
  }, [signedIn, signedOut]);

  const signIn = useCallback(async (apiKey: string) => signedIn(await api.signIn(apiKey)), [signedIn]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch (err) {
      // already gone on the server: signed out either way; anything else leaves the session live, say so
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
    signedOut(null, true);
  }, [signedOut]);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
