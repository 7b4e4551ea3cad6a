import { lazy, Suspense, useEffect, useRef } from 'react';
import { AppShell } from './components/AppShell';
import { LoadBoundary } from './components/LoadBoundary';
import { NotFound } from './pages/NotFound';
import { Record } from './pages/Record';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { navigate, usePathname } from './router';
import { matchRoute, redirectFor } from './routes';
import { SearchProvider } from './search-state';
import { SessionProvider, useSession } from './session';

// the conversation view is a chunk of its own, fetched when first opened: the first page stays small
const Conversation = lazy(() => import('./pages/Conversation').then((m) => ({ default: m.Conversation })));

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}

/** The page for the address and the session: signed out, sign-in; signed in, the shell and its page. */
function Screens() {
  const { state, signOut } = useSession();
  const pathname = usePathname();
  const route = matchRoute(pathname);
  const redirect = redirectFor(route, state.status);
  // where a signed-out visitor was going (a shared /records/<id> link): taken there after sign-in
  const returnTo = useRef<string | null>(null);

  useEffect(() => {
    if (!redirect) return;
    if (redirect === '/sign-in') {
      if (route.page === 'search' || route.page === 'record' || route.page === 'conversation') returnTo.current = pathname + window.location.search;
      navigate(redirect, { replace: true });
      return;
    }
    navigate(returnTo.current ?? redirect, { replace: true });
    returnTo.current = null;
  }, [redirect, route.page, pathname]);

  if (state.status === 'checking') {
    return (
      <main id="main" className="checking">
        <p role="status" aria-busy="true">
          Loading Custody…
        </p>
      </main>
    );
  }
  if (redirect) return null;
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  return (
    <AppShell session={state.session} current={route.page} onSignOut={signOut}>
      {/* the search lives as long as the session's shell: gone on sign-out, kept across pages */}
      <SearchProvider>
        {route.page === 'search' && <Search />}
        {route.page === 'record' && <Record key={route.id} id={route.id} />}
        {route.page === 'conversation' && (
          <LoadBoundary key={route.id} what="conversation view">
            <Suspense
              fallback={
                <p role="status" aria-busy="true">
                  Loading the conversation view…
                </p>
              }
            >
              <Conversation key={route.id} id={route.id} />
            </Suspense>
          </LoadBoundary>
        )}
        {route.page === 'not-found' && <NotFound />}
      </SearchProvider>
    </AppShell>
  );
}
