import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { AppShell } from './components/AppShell';
import { LoadBoundary } from './components/LoadBoundary';
import { NotFound } from './pages/NotFound';
import { Record } from './pages/Record';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { navigate, usePathname } from './router';
import { matchRoute, navPageOf, redirectFor, type Route, type SupervisionRoute } from './routes';
import { SearchProvider } from './search-state';
import { SessionProvider, useSession } from './session';

// the conversation view is a chunk of its own, fetched when first opened: the first page stays small
const Conversation = lazy(() => import('./pages/Conversation').then((m) => ({ default: m.Conversation })));
// legal's and admins' pages too: a compliance officer's first page never carries them
const LegalPages = lazy(() => import('./pages/legal/LegalPages').then((m) => ({ default: m.LegalPages })));
const AdminPages = lazy(() => import('./pages/admin/AdminPages').then((m) => ({ default: m.AdminPages })));
// supervision (review queues, alerts, policies, sampling, lookbacks, reports): a reviewer's whole console, and a chunk of its own
const SupervisionPages = lazy(() => import('./pages/supervision/SupervisionPages').then((m) => ({ default: m.SupervisionPages })));
const KeyApproval = lazy(() => import('./pages/KeyApproval').then((m) => ({ default: m.KeyApproval })));

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
  const redirect = redirectFor(route, state.status, state.status === 'signed-in' ? state.session.role : undefined);
  // where a signed-out visitor was going (a shared /records/<id> link): taken there after sign-in
  const returnTo = useRef<string | null>(null);

  const signedOutByChoice = state.status === 'signed-out' && state.byChoice === true;

  useEffect(() => {
    if (!redirect) return;
    if (redirect === '/sign-in') {
      // where a lost session left the person, or where a link was taking them; never the page of someone who signed out
      returnTo.current = !signedOutByChoice && route.page !== 'home' && route.page !== 'not-found' ? pathname + window.location.search : null;
      navigate(redirect, { replace: true });
      return;
    }
    navigate(returnTo.current ?? redirect, { replace: true });
    returnTo.current = null;
  }, [redirect, route.page, pathname, signedOutByChoice]);

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
    <AppShell session={state.session} current={navPageOf(route)} onSignOut={signOut}>
      {/* the search lives as long as the session's shell: gone on sign-out, kept across pages */}
      <SearchProvider>
        {route.page === 'search' && <Search />}
        {route.page === 'record' && <Record key={route.id} id={route.id} />}
        {route.page === 'conversation' && (
          <Lazy key={route.id} what="conversation view">
            <Conversation key={route.id} id={route.id} />
          </Lazy>
        )}
        {isLegal(route) && (
          <Lazy what="legal pages">
            <LegalPages route={route} />
          </Lazy>
        )}
        {route.page === 'admin' && (
          <Lazy what="admin pages">
            <AdminPages route={route} />
          </Lazy>
        )}
        {isSupervision(route) && (
          <Lazy what="supervision pages">
            <SupervisionPages route={route} />
          </Lazy>
        )}
        {route.page === 'key-requests' && (
          <Lazy what="key requests page">
            <KeyApproval />
          </Lazy>
        )}
        {route.page === 'not-found' && <NotFound />}
      </SearchProvider>
    </AppShell>
  );
}

function isLegal(route: Route): route is Extract<Route, { page: 'holds' | 'hold-new' | 'hold' | 'exports' | 'export' }> {
  return route.page === 'holds' || route.page === 'hold-new' || route.page === 'hold' || route.page === 'exports' || route.page === 'export';
}

function isSupervision(route: Route): route is SupervisionRoute {
  return route.page === 'review' || route.page === 'alert' || route.page === 'supervision';
}

/** A lazily loaded chunk: says it is loading, and says so when it could not be fetched. */
function Lazy({ what, children }: { what: string; children: ReactNode }) {
  return (
    <LoadBoundary what={what}>
      <Suspense
        fallback={
          <p role="status" aria-busy="true">
            Loading the {what}…
          </p>
        }
      >
        {children}
      </Suspense>
    </LoadBoundary>
  );
}
