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
  | SupervisionRoute
  | { page: 'key-requests' }
  | { page: 'not-found' };

/** Legal's pages: holds (one placed from the current search at /holds/new) and exports. */
export type LegalRoute = { page: 'holds' } | { page: 'hold-new' } | { page: 'hold'; id: string } | { page: 'exports' } | { page: 'export'; id: string };

export const ADMIN_SECTIONS = ['connectors', 'keys', 'retention', 'directory', 'health'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
/** An admin's pages, one per section; `id` names one item of it (a connector instance: /admin/connectors/<name>). */
export type AdminRoute = { page: 'admin'; section: AdminSection; id?: string };

export const SUPERVISION_SECTIONS = ['policies', 'sampling', 'lookbacks', 'reports'] as const;
export type SupervisionSection = (typeof SUPERVISION_SECTIONS)[number];
/**
 * Supervision (FINRA 3110 review): the review queues at /review and one alert at /review/alerts/<id>;
 * the principal's pages at /supervision/<section>, a policy's versions at /supervision/policies/<id>.
 */
export type SupervisionRoute = { page: 'review' } | { page: 'alert'; id: string } | { page: 'supervision'; section: SupervisionSection; id?: string };

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
  if (path === '/review') return { page: 'review' };
  const [, alert] = /^\/review\/alerts\/([^/]+)$/.exec(path) ?? [];
  if (alert) return { page: 'alert', id: safeDecode(alert) };
  const [, area, policyId] = /^\/supervision\/([a-z]+)(?:\/([^/]+))?$/.exec(path) ?? [];
  if ((SUPERVISION_SECTIONS as readonly string[]).includes(area) && (policyId === undefined || area === 'policies'))
    return { page: 'supervision', section: area as SupervisionSection, ...(policyId !== undefined && { id: safeDecode(policyId) }) };
  const [, section, item] = /^\/admin\/([a-z]+)(?:\/([^/]+))?$/.exec(path) ?? [];
  if ((ADMIN_SECTIONS as readonly string[]).includes(section) && (item === undefined || section === 'connectors'))
    return { page: 'admin', section: section as AdminSection, ...(item !== undefined && { id: safeDecode(item) }) };
  return { page: 'not-found' };
}

/** A role's first page: what it signs in to, and where `/` takes it. Admins and reviewers cannot search (the API refuses them). */
export function homeFor(role: string): string {
  if (role === 'admin') return '/admin/connectors';
  return role === 'reviewer' ? '/review' : '/search';
}

/** The pages the main navigation offers a role: only what the API lets that role do. */
export function navFor(role: string): { to: string; label: string; page: string }[] {
  const policies = { to: '/supervision/policies', label: 'Policies', page: 'policies' };
  const sampling = { to: '/supervision/sampling', label: 'Sampling', page: 'sampling' };
  if (role === 'admin')
    return [
      { to: '/admin/connectors', label: 'Connectors', page: 'connectors' },
      { to: '/admin/keys', label: 'API keys', page: 'keys' },
      { to: '/admin/retention', label: 'Retention', page: 'retention' },
      { to: '/admin/directory', label: 'Directory', page: 'directory' },
      { to: '/admin/health', label: 'Health', page: 'health' },
      policies,
      sampling,
    ];
  const search = { to: '/search', label: 'Search', page: 'search' };
  const review = { to: '/review', label: 'Review queues', page: 'review' };
  const reports = { to: '/supervision/reports', label: 'Reports', page: 'reports' };
  const legal = [
    { to: '/holds', label: 'Legal holds', page: 'holds' },
    { to: '/exports', label: 'Exports', page: 'exports' },
    { to: '/key-requests', label: 'Key requests', page: 'key-requests' },
  ];
  if (role === 'reviewer') return [review];
  if (role === 'legal') return [search, ...legal];
  if (role === 'compliance')
    return [search, review, ...legal, policies, sampling, { to: '/supervision/lookbacks', label: 'Lookbacks', page: 'lookbacks' }, reports];
  if (role === 'auditor') return [search, review, reports];
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
    case 'supervision':
      return route.section;
    case 'alert':
      return 'review';
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

/** One alert's review screen. */
export function alertPath(id: string): string {
  return `/review/alerts/${encodeURIComponent(id)}`;
}

/** A policy's versions, its diff and its editor. */
export function policyPath(id: string): string {
  return `/supervision/policies/${encodeURIComponent(id)}`;
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
