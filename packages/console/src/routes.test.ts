import { alertPath, aroundFrom, conversationPath, homeFor, matchRoute, navFor, navPageOf, policyPath, recordPath, redirectFor } from './routes';

const ID = 'a'.repeat(40);

describe('matchRoute', () => {
  it('names the page for a path', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
    expect(matchRoute('/sign-in')).toEqual({ page: 'sign-in' });
    expect(matchRoute('/search')).toEqual({ page: 'search' });
    expect(matchRoute('/search/')).toEqual({ page: 'search' });
    expect(matchRoute(`/records/${ID}`)).toEqual({ page: 'record', id: ID });
    expect(matchRoute('/records/')).toEqual({ page: 'not-found' });
    expect(matchRoute('/records/a/b')).toEqual({ page: 'not-found' });
    expect(matchRoute('/v1/search')).toEqual({ page: 'not-found' });
  });

  it('round-trips a record id through its path', () => {
    expect(matchRoute(recordPath(ID))).toEqual({ page: 'record', id: ID });
    expect(matchRoute(recordPath('a/b%'))).toEqual({ page: 'record', id: 'a/b%' });
    expect(matchRoute('/records/%E0%A4%A')).toEqual({ page: 'record', id: '%E0%A4%A' });
  });
});

describe('the conversation view', () => {
  const conversation = 'whatsapp:106540352242922:16505551234';

  it('round-trips a conversation id, whatever its characters, and the record it opens on', () => {
    const path = conversationPath(conversation, ID);
    expect(path).toBe(`/conversations/whatsapp%3A106540352242922%3A16505551234?around=${ID}`);
    const [pathname, search] = path.split('?');
    expect(matchRoute(pathname)).toEqual({ page: 'conversation', id: conversation });
    expect(aroundFrom(`?${search}`)).toBe(ID);
    expect(matchRoute(conversationPath('a/b %'))).toEqual({ page: 'conversation', id: 'a/b %' });
    expect(conversationPath(conversation)).toBe('/conversations/whatsapp%3A106540352242922%3A16505551234');
  });

  it('opens on a record only when `around` is a record id', () => {
    expect(aroundFrom('')).toBeNull();
    expect(aroundFrom('?around=nope')).toBeNull();
    expect(aroundFrom(`?x=1&around=${ID}`)).toBe(ID);
    expect(matchRoute('/conversations/')).toEqual({ page: 'not-found' });
    expect(matchRoute('/conversations/a/b')).toEqual({ page: 'not-found' });
  });

  it('is a signed-in page like the others', () => {
    expect(redirectFor({ page: 'conversation', id: conversation }, 'signed-out')).toBe('/sign-in');
    expect(redirectFor({ page: 'conversation', id: conversation }, 'signed-in')).toBeNull();
  });
});

describe('redirectFor', () => {
  it('sends a signed-out visitor to sign-in, from any page', () => {
    expect(redirectFor({ page: 'record', id: ID }, 'signed-out')).toBe('/sign-in');
    expect(redirectFor({ page: 'home' }, 'signed-out')).toBe('/sign-in');
    expect(redirectFor({ page: 'sign-in' }, 'signed-out')).toBeNull();
  });

  it('sends a signed-in user from sign-in and / to search, the default page', () => {
    expect(redirectFor({ page: 'sign-in' }, 'signed-in')).toBe('/search');
    expect(redirectFor({ page: 'home' }, 'signed-in')).toBe('/search');
    expect(redirectFor({ page: 'record', id: ID }, 'signed-in')).toBeNull();
    expect(redirectFor({ page: 'not-found' }, 'signed-in')).toBeNull();
  });

  it('waits while the session is being checked', () => {
    expect(redirectFor({ page: 'search' }, 'checking')).toBeNull();
  });
});

describe("legal's and admins' pages", () => {
  it('names the holds, exports and admin pages', () => {
    expect(matchRoute('/holds')).toEqual({ page: 'holds' });
    expect(matchRoute('/holds/new')).toEqual({ page: 'hold-new' });
    expect(matchRoute('/holds/h%201')).toEqual({ page: 'hold', id: 'h 1' });
    expect(matchRoute('/exports')).toEqual({ page: 'exports' });
    expect(matchRoute('/exports/e1')).toEqual({ page: 'export', id: 'e1' });
    expect(matchRoute('/admin/keys')).toEqual({ page: 'admin', section: 'keys' });
    expect(matchRoute('/admin/connectors/wa-main')).toEqual({ page: 'admin', section: 'connectors', id: 'wa-main' });
    expect(matchRoute('/admin/keys/k1')).toEqual({ page: 'not-found' });
    expect(matchRoute('/admin/nope')).toEqual({ page: 'not-found' });
  });

  it('takes each role to its own first page and offers only what the API lets it do', () => {
    expect(redirectFor({ page: 'home' }, 'signed-in', 'admin')).toBe('/admin/connectors');
    expect(redirectFor({ page: 'sign-in' }, 'signed-in', 'legal')).toBe('/search');
    expect(navFor('admin').map((n) => n.to)).not.toContain('/search');
    expect(navFor('legal').map((n) => n.label)).toEqual(['Search', 'Legal holds', 'Exports', 'Key requests']);
    expect(matchRoute('/key-requests')).toEqual({ page: 'key-requests' });
    expect(navFor('auditor').map((n) => n.label)).toEqual(['Search', 'Review queues', 'Reports']);
    expect(navPageOf({ page: 'hold', id: 'h1' })).toBe('holds');
    expect(navPageOf({ page: 'admin', section: 'directory' })).toBe('directory');
  });
});

describe('supervision pages', () => {
  const alert = `al-${'0'.repeat(32)}`;

  it('names the review queues, an alert and the principal’s pages', () => {
    expect(matchRoute('/review')).toEqual({ page: 'review' });
    expect(matchRoute('/review/')).toEqual({ page: 'review' });
    expect(matchRoute(alertPath(alert))).toEqual({ page: 'alert', id: alert });
    expect(matchRoute('/review/alerts/')).toEqual({ page: 'not-found' });
    expect(matchRoute('/review/alerts/a/b')).toEqual({ page: 'not-found' });
    for (const section of ['policies', 'sampling', 'lookbacks', 'reports'] as const)
      expect(matchRoute(`/supervision/${section}`)).toEqual({ page: 'supervision', section });
    expect(matchRoute(policyPath('guarantees'))).toEqual({ page: 'supervision', section: 'policies', id: 'guarantees' });
    expect(matchRoute(policyPath('a/b'))).toEqual({ page: 'supervision', section: 'policies', id: 'a/b' });
    expect(matchRoute('/supervision/reports/x')).toEqual({ page: 'not-found' });
    expect(matchRoute('/supervision/nope')).toEqual({ page: 'not-found' });
  });

  it('takes a reviewer to the review queues, the only page it is offered', () => {
    expect(homeFor('reviewer')).toBe('/review');
    expect(redirectFor({ page: 'home' }, 'signed-in', 'reviewer')).toBe('/review');
    expect(redirectFor({ page: 'sign-in' }, 'signed-in', 'reviewer')).toBe('/review');
    expect(navFor('reviewer')).toEqual([{ to: '/review', label: 'Review queues', page: 'review' }]);
  });

  it('offers compliance every supervision page, admins the policies and sampling, legal none', () => {
    expect(navFor('compliance').map((n) => n.to)).toEqual([
      '/search',
      '/review',
      '/holds',
      '/exports',
      '/key-requests',
      '/supervision/policies',
      '/supervision/sampling',
      '/supervision/lookbacks',
      '/supervision/reports',
    ]);
    expect(
      navFor('admin')
        .map((n) => n.to)
        .slice(-2),
    ).toEqual(['/supervision/policies', '/supervision/sampling']);
    expect(
      navFor('legal')
        .map((n) => n.to)
        .filter((to) => to.startsWith('/review') || to.startsWith('/supervision')),
    ).toEqual([]);
  });

  it('puts an alert under the review queues and a policy under Policies in the navigation', () => {
    expect(navPageOf({ page: 'alert', id: alert })).toBe('review');
    expect(navPageOf({ page: 'supervision', section: 'policies', id: 'guarantees' })).toBe('policies');
    expect(navPageOf({ page: 'review' })).toBe('review');
    // every entry a role is offered is the entry its own page belongs to
    for (const role of ['admin', 'compliance', 'auditor', 'reviewer', 'legal'])
      for (const item of navFor(role)) expect(navPageOf(matchRoute(item.to))).toBe(item.page);
  });
});
