import { AlertQuery } from '@custody/supervision-service';
import { alertsPath } from './supervision-api';
import {
  DEFAULT_FILTERS,
  ageOf,
  alertQuery,
  alertSubject,
  closableIds,
  eventLine,
  filtersFromSearch,
  pageCount,
  pageLine,
  searchFromFilters,
  stateLine,
} from './supervision-queue';

const by = { keyId: 'rev-1' };

describe('the review queue’s address', () => {
  it('round-trips the filters, and the plain queue is /review with nothing after it', () => {
    const filters = { queue: 'guarantees', status: 'all' as const, level: '2' as const, assignee: 'me', kind: 'hit' as const, page: 3 };
    expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters);
    expect(searchFromFilters(DEFAULT_FILTERS)).toBe('');
    expect(filtersFromSearch('')).toEqual(DEFAULT_FILTERS);
  });

  it('ignores values the page does not offer', () => {
    expect(filtersFromSearch('?status=nope&level=7&kind=x&page=-2')).toEqual(DEFAULT_FILTERS);
    expect(filtersFromSearch('?page=1.5').page).toBe(1);
  });

  it('asks the API for one page, every status for `all`, in a query the server accepts', () => {
    const query = alertQuery({ ...DEFAULT_FILTERS, status: 'all', level: '1', assignee: 'none', page: 2 });
    expect(query).toEqual({ level: 1, assignee: 'none', limit: 50, offset: 50 });
    const sent = Object.fromEntries(new URL(alertsPath(query), 'http://x').searchParams);
    expect(AlertQuery.parse(sent)).toEqual(query);
    expect(alertQuery(DEFAULT_FILTERS)).toEqual({ status: 'open', limit: 50, offset: 0 });
  });
});

describe('paging', () => {
  it('says which alerts are shown, and what the list hides', () => {
    expect(pageLine(123, 2, 50, 0)).toBe('Alerts 51–100 of 123.');
    expect(pageLine(0, 1, 0, 0)).toBe('No alerts match.');
    expect(pageLine(3, 1, 3, 2)).toBe('Alerts 1–3 of 3. 2 more concern you or your reporting chain and are not shown.');
    expect(pageLine(10, 4, 0, 0)).toBe('No alerts on page 4; 10 match.');
    expect([pageCount(0), pageCount(50), pageCount(51)]).toEqual([1, 1, 2]);
  });
});

describe('an alert in words', () => {
  const hit = { policyId: 'guarantees', version: 'sha256:x', normalizer: 'n', ruleId: 'guarantee-en', severity: 'high', zone: 'body' as const, spans: [] };

  it('names what it is about and where it stands', () => {
    expect(alertSubject({ kind: 'hit', queue: 'guarantees', hit })).toBe('guarantees · guarantee-en');
    expect(alertSubject({ kind: 'sample', queue: 'reps', sample: { plan: 'reps', period: '2026-W49', score: 0.1, by: 'rate' } })).toBe(
      'Sample · reps 2026-W49',
    );
    expect(stateLine({ status: 'open', level: 2 })).toBe('Open, escalated');
    expect(stateLine({ status: 'closed', level: 1, disposition: { code: 'violation', reasonCode: 'x', reason: 'y', by, at: '', level: 1 } })).toBe(
      'Closed: Violation',
    );
  });

  it('tells each event of its history', () => {
    const at = '2026-12-01T10:00:00.000Z';
    expect(eventLine({ at, by, action: 'claim' })).toBe('Claimed it.');
    expect(eventLine({ at, by, action: 'escalate', details: { reason: 'a promise' } })).toBe('Escalated it to a principal: a promise');
    expect(eventLine({ at, by, action: 'tag', details: { add: ['a', 'b'], remove: ['c'] } })).toBe('Tags: added a, b; removed c.');
    expect(eventLine({ at, by, action: 'decide', details: { disposition: 'no_action', reasonCode: 'benign_context' } })).toBe(
      'Closed it: No action needed (Benign context).',
    );
    expect(eventLine({ at, by, action: 'hold', details: { hold: 'hold-1' } })).toBe('Opened legal hold hold-1.');
    expect(eventLine({ at, by, action: 'assign', details: { to: 'rev-2' } })).toBe('Assigned it to rev-2.');
    expect(eventLine({ at, by, action: 'something-new' })).toBe('something-new.');
  });

  it('offers only open alerts for a bulk close', () => {
    expect(
      closableIds([
        { id: 'a', status: 'open' },
        { id: 'b', status: 'closed' },
      ]),
    ).toEqual(['a']);
  });

  it('gives an open alert’s age in hours and days', () => {
    const now = Date.parse('2026-12-03T12:00:00.000Z');
    expect(ageOf('2026-12-03T11:30:00.000Z', now)).toBe('under 1 h');
    expect(ageOf('2026-12-03T07:00:00.000Z', now)).toBe('5 h');
    expect(ageOf('2026-12-01T08:00:00.000Z', now)).toBe('2 d 4 h');
    expect(ageOf('2026-12-01T12:00:00.000Z', now)).toBe('2 d');
    expect(ageOf('nonsense', now)).toBe('');
  });
});
