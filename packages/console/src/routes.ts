/**
 * The console's pages and where each lives. Pure, so the unit tests pin the URL grammar; the router
 * (router.tsx) only follows the History API and renders the page this names.
 */
export type Route =
  { page: 'home' } | { page: 'sign-in' } | { page: 'search' } | { page: 'record'; id: string } | { page: 'conversation'; id: string } | { page: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/sign-in') return { page: 'sign-in' };
  if (path === '/search') return { page: 'search' };
  const record = /^\/records\/([^/]+)$/.exec(path);
  if (record) return { page: 'record', id: safeDecode(record[1]) };
  const conversation = /^\/conversations\/([^/]+)$/.exec(path);
  if (conversation) return { page: 'conversation', id: safeDecode(conversation[1]) };
  return { page: 'not-found' };
}

export type SessionStatus = 'checking' | 'signed-out' | 'signed-in';

/**
 * Where a visit to `route` must go instead, for the session's state, or null to stay: signed out,
 * every page but sign-in goes to sign-in; signed in, sign-in and `/` go to search, the default page.
 */
export function redirectFor(route: Route, status: SessionStatus): string | null {
  if (status === 'checking') return null;
  if (status === 'signed-out') return route.page === 'sign-in' ? null : '/sign-in';
  return route.page === 'sign-in' || route.page === 'home' ? '/search' : null;
}

export function recordPath(id: string): string {
  return `/records/${encodeURIComponent(id)}`;
}

/**
 * The conversation view, opened on the record `around` (a search hit: the view loads the thread
 * around it, scrolls to it and marks it) or, without one, at the start of the thread.
 */
export function conversationPath(conversationId: string, around?: string | null): string {
  const path = `/conversations/${encodeURIComponent(conversationId)}`;
  return around ? `${path}?around=${encodeURIComponent(around)}` : path;
}

/** The record a conversation address is opened on (`?around=`), or null when it names none (or not a record id). */
export function aroundFrom(search: string): string | null {
  const around = new URLSearchParams(search).get('around');
  return around && /^[0-9a-f]{40}$/.test(around) ? around : null;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
