/**
 * The console's pages and where each lives. Pure, so the unit tests pin the URL grammar; the router
 * (router.tsx) only follows the History API and renders the page this names.
 */
export type Route =
  | { page: 'home' }
  | { page: 'sign-in' }
  | { page: 'search' }
  | { page: 'record'; id: string }
  | { page: 'conversation'; id: string }
  | LegalRoute
  | AdminRoute
  | { page: 'key-requests' }
  | { page: 'not-found' };

/** Legal's pages: holds (one placed from the current search at /holds/new) and exports. */
export type LegalRoute = { page: 'holds' } | { page: 'hold-new' } | { page: 'hold'; id: string } | { page: 'exports' } | { page: 'export'; id: string };

export const ADMIN_SECTIONS = ['connectors', 'keys', 'retention', 'directory', 'health'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
/** An admin's pages, one per section; `id` names one item of it (a connector instance: /admin/connectors/<name>). */
export type AdminRoute = { page: 'admin'; section: AdminSection; id?: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/sign-in') return { page: 'sign-in' };
  if (path === '/search') return { page: 'search' };
  if (path === '/holds') return { page: 'holds' };
  if (path === '/holds/new') return { page: 'hold-new' };
  if (path === '/exports') return { page: 'exports' };
  if (path === '/key-requests') return { page: 'key-requests' };
  const [, kind, id] = /^\/(records|conversations|holds|exports)\/([^/]+)$/.exec(path) ?? [];
  if (kind)
    return { page: ({ records: 'record', conversations: 'conversation', holds: 'hold', exports: 'export' } as const)[kind as 'records'], id: safeDecode(id) };
  const [, section, item] = /^\/admin\/([a-z]+)(?:\/([^/]+))?$/.exec(path) ?? [];
  if ((ADMIN_SECTIONS as readonly string[]).includes(section) && (item === undefined || section === 'connectors'))
    return { page: 'admin', section: section as AdminSection, ...(item !== undefined && { id: safeDecode(item) }) };
  return { page: 'not-found' };
}

/** A role's first page: what it signs in to, and where `/` takes it. Admins cannot search (the API refuses them). */
export function homeFor(role: string): string {
  return role === 'admin' ? '/admin/connectors' : '/search';
}

/** The pages the main navigation offers a role: only what the API lets that role do. */
export function navFor(role: string): { to: string; label: string; page: string }[] {
  if (role === 'admin')
    return [
      { to: '/admin/connectors', label: 'Connectors', page: 'connectors' },
      { to: '/admin/keys', label: 'API keys', page: 'keys' },
      { to: '/admin/retention', label: 'Retention', page: 'retention' },
      { to: '/admin/directory', label: 'Directory', page: 'directory' },
      { to: '/admin/health', label: 'Health', page: 'health' },
    ];
  const search = { to: '/search', label: 'Search', page: 'search' };
  if (role === 'legal' || role === 'compliance')
    return [
      search,
      { to: '/holds', label: 'Legal holds', page: 'holds' },
      { to: '/exports', label: 'Exports', page: 'exports' },
      { to: '/key-requests', label: 'Key requests', page: 'key-requests' },
    ];
  return [search];
}

/** The navigation entry a route belongs to (a record belongs to Search, a hold to Legal holds). */
export function navPageOf(route: Route): string {
  switch (route.page) {
    case 'record':
    case 'conversation':
      return 'search';
    case 'hold':
    case 'hold-new':
      return 'holds';
    case 'export':
      return 'exports';
    case 'admin':
      return route.section;
    default:
      return route.page;
  }
}

export type SessionStatus = 'checking' | 'signed-out' | 'signed-in';

/**
 * Where a visit to `route` must go instead, for the session's state, or null to stay: signed out,
 * every page but sign-in goes to sign-in; signed in, sign-in and `/` go to the role's first page.
 */
export function redirectFor(route: Route, status: SessionStatus, role = 'compliance'): string | null {
  if (status === 'checking') return null;
  if (status === 'signed-out') return route.page === 'sign-in' ? null : '/sign-in';
  return route.page === 'sign-in' || route.page === 'home' ? homeFor(role) : null;
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
