import { ExportRequest, HoldScope, holdCovers } from '@custody/policy';
import { SearchQuery } from '@custody/search-index';
import { exportQueryFrom, exportScopeLine, formatNames, holdScopeFrom, holdScopeLine, holdScopeParts, instant, searchParts } from './legal-scope';
import { EMPTY_FORM, searchRequest, type SearchForm } from './search-query';

const form = (fields: Partial<SearchForm>) => ({ ...EMPTY_FORM, ...fields });
const fromSearch = (fields: Partial<SearchForm>) => holdScopeFrom(searchRequest(form(fields)));

describe('the current search as a hold scope', () => {
  it('is "no search" for an empty form: nothing to place a hold from', () => {
    expect(fromSearch({})).toEqual({ kind: 'empty' });
    // paging and facets are no filter
    expect(holdScopeFrom({ sort: 'oldest', size: 5, cursor: 'c', facets: ['channel'] })).toEqual({ kind: 'empty' });
  });

  it('carries every filter a hold can express, which the server’s HoldScope accepts', () => {
    const t = fromSearch({
      text: ' invoice fill ',
      participant: '+1 555 000 1111',
      employeeId: 'e-1042',
      channel: 'whatsapp',
      from: '2026-01-01',
      to: '2026-06-30',
    });
    expect(t).toEqual({
      kind: 'scope',
      scope: {
        custodians: ['e-1042'],
        participants: ['+1 555 000 1111'],
        channels: ['whatsapp'],
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-07-01T00:00:00.000Z',
        query: 'invoice fill',
      },
    });
    if (t.kind === 'scope') expect(HoldScope.safeParse(t.scope).success).toBe(true);
  });

  it('reads the dates as the search does: the same instants, the To day included', () => {
    const request = searchRequest(form({ from: '2026-11-01', to: '2026-11-29' }));
    const searched = SearchQuery.parse(request);
    const t = holdScopeFrom(request);
    expect(t.kind).toBe('scope');
    if (t.kind !== 'scope') return;
    expect([t.scope.from, t.scope.to]).toEqual([searched.from, searched.to]);
    const covers = (sentAt: string) => holdCovers(HoldScope.parse(t.scope), { employeeIds: [], participants: [], channel: 'sms', sentAt });
    expect(covers('2026-11-01T00:00:00.000Z')).toBe(true);
    expect(covers('2026-11-29T23:59:59.999Z')).toBe(true);
    expect(covers('2026-10-31T23:59:59.999Z')).toBe(false);
    expect(covers('2026-11-30T00:00:00.000Z')).toBe(false);
    // an instant is kept as it is
    expect(instant('2026-11-29T10:00:00+02:00', 'end')).toBe('2026-11-29T10:00:00+02:00');
  });

  it('holds what the words say: every one in the text', () => {
    const t = fromSearch({ text: 'block trade' });
    if (t.kind !== 'scope') throw new Error(t.kind);
    const scope = HoldScope.parse(t.scope);
    const subject = (text: string) => ({ employeeIds: [], participants: [], channel: 'sms', sentAt: '2026-01-01T00:00:00Z', text });
    expect(holdCovers(scope, subject('the Block Trade is booked'))).toBe(true);
    expect(holdCovers(scope, subject('the block is booked'))).toBe(false);
  });

  it.each([
    ['a phrase', '"block trade"'],
    ['a prefix', 'acm*'],
    ['OR', 'fund OR bond'],
    ['AND', 'fund AND bond'],
    ['NOT', 'fund NOT bond'],
    ['parentheses', '(fund bond)'],
  ])('refuses search text with %s, rather than reading it as words', (_what, text) => {
    const t = fromSearch({ text });
    expect(t.kind).toBe('refused');
    if (t.kind === 'refused') expect(t.reasons).toEqual([expect.stringMatching(/search syntax/)]);
  });

  it('reads lower-case and, or, not as the words they are, as search does', () => {
    expect(fromSearch({ text: 'salt and pepper' })).toMatchObject({ kind: 'scope', scope: { query: 'salt and pepper' } });
    expect(fromSearch({ text: 'ANDROID ORDER NOTICE' })).toMatchObject({ kind: 'scope' });
  });

  it('refuses text with no word a hold could look for', () => {
    expect(fromSearch({ text: '!!! ...' })).toEqual({ kind: 'refused', reasons: ['Its text has no words a hold could look for.'] });
  });

  it.each([
    ['kind', { kind: 'call' }, /one kind \(Call\)/],
    ['direction', { direction: 'inbound' }, /only inbound records/],
    ['hold', { holdId: 'hold-1' }, /another legal hold/],
    ['edited', { edited: 'only' as const }, /that were edited/],
    ['deleted', { deleted: 'never' as const }, /never deleted/],
  ])('refuses a %s filter, which a hold cannot express, and says why', (_what, fields, reason) => {
    const t = fromSearch({ text: 'invoice', ...fields });
    expect(t.kind).toBe('refused');
    if (t.kind === 'refused') expect(t.reasons).toEqual([expect.stringMatching(reason)]);
  });

  it('gives every reason at once, and refuses filters it does not know rather than dropping them', () => {
    const t = holdScopeFrom({ text: 'a OR b', kind: 'call', direction: 'inbound', conversation: 'c-1', future: 'x' } as never);
    expect(t.kind).toBe('refused');
    if (t.kind === 'refused') {
      expect(t.reasons).toHaveLength(5);
      expect(t.reasons[4]).toBe('Its “future” filter has no equivalent in a hold.');
    }
  });
});

describe('the current search as an export scope', () => {
  it('is the search body without paging, sort or facets, which the server accepts', () => {
    const request = {
      ...searchRequest(form({ text: 'acme AND "block trade"', kind: 'call', edited: 'only', from: '2026-01-01' }), 'cursor-1'),
      facets: ['channel' as const],
    };
    const query = exportQueryFrom(request);
    expect(query).toEqual({ text: 'acme AND "block trade"', kind: 'call', edited: true, from: '2026-01-01' });
    expect(SearchQuery.safeParse(query).success).toBe(true);
    expect(ExportRequest.safeParse({ name: 'Production 1', scope: { query } }).success).toBe(true);
  });

  it('is null with no filter: no current search to export', () => {
    expect(exportQueryFrom(searchRequest(EMPTY_FORM))).toBeNull();
  });
});

describe('scopes in words', () => {
  it('says a hold scope one criterion a part', () => {
    const scope = {
      custodians: ['e-1'],
      participants: ['+15550001111'],
      channels: ['whatsapp', 'sms'],
      from: '2026-01-01T00:00:00Z',
      to: '2026-07-01T00:00:00Z',
      query: 'invoice',
    };
    expect(holdScopeParts(scope)).toEqual([
      { label: 'Custodians', value: 'e-1' },
      { label: 'Participants', value: '+15550001111' },
      { label: 'Channels', value: 'WhatsApp, SMS' },
      { label: 'Sent at or after', value: '2026-01-01 00:00 UTC' },
      { label: 'Sent before', value: '2026-07-01 00:00 UTC' },
      { label: 'Words in the text', value: 'invoice' },
    ]);
    expect(holdScopeLine({ custodians: [], participants: [], channels: ['email'] })).toBe('Channels: Email');
  });

  it('says an export scope', () => {
    expect(exportScopeLine({ holdId: 'hold-1' }, 'Acme v. Globex')).toBe('Legal hold: Acme v. Globex');
    expect(exportScopeLine({ conversationIds: ['a', 'b'] })).toBe('2 conversations');
    expect(exportScopeLine({ recordIds: ['a'.repeat(40)] })).toBe('1 record');
    expect(exportScopeLine({ query: { text: 'invoice', channel: 'sms', to: '2026-01-31', deleted: false } })).toBe(
      'Search: Text: invoice; Channel: SMS; To: 2026-01-31 (included); Deleted: never',
    );
    expect(exportScopeLine({ query: {} })).toBe('Search: every record');
    expect(searchParts({ size: 50, kind: 'call' })).toEqual([{ label: 'Kind', value: 'Call' }]);
    expect(formatNames(['rsmf', 'loadfile'])).toBe('RSMF, Load file');
  });
});
