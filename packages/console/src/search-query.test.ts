import { Channel } from '@custody/envelope';
import { SearchQuery } from '@custody/search-index';
import { CHANNELS, EMPTY_FORM, PAGE_SIZE, channelLabel, formProblem, searchRequest } from './search-query';

describe('the search form', () => {
  it("offers exactly the API's channels", () => {
    expect(CHANNELS.map((c) => c.value).sort()).toEqual([...Channel.options].sort());
    expect(channelLabel('wecom')).toBe('WeCom');
    expect(channelLabel('fax')).toBe('fax');
  });

  it('sends only what is set, with the field names the API schema defines', () => {
    const body = searchRequest({ text: '  acme AND "block trade" ', channel: 'whatsapp', from: '2026-11-01', to: '2026-11-29' }, 'c1');
    expect(body).toEqual({
      text: 'acme AND "block trade"',
      channel: 'whatsapp',
      from: '2026-11-01',
      to: '2026-11-29',
      sort: 'newest',
      size: PAGE_SIZE,
      cursor: 'c1',
    });
    // the server's own schema is strict: an unknown or misspelt field would fail here
    expect(SearchQuery.safeParse(body).success).toBe(true);
  });

  it('sends an empty form as the newest records, which the API accepts', () => {
    const body = searchRequest(EMPTY_FORM);
    expect(body).toEqual({ sort: 'newest', size: PAGE_SIZE });
    expect(SearchQuery.safeParse(body).success).toBe(true);
  });

  it('reads a To date as a whole UTC day, as the API does', () => {
    const parsed = SearchQuery.parse(searchRequest({ ...EMPTY_FORM, from: '2026-11-29', to: '2026-11-29' }));
    expect(parsed).toMatchObject({ from: '2026-11-29T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' });
  });

  it('says what is wrong before sending', () => {
    expect(formProblem(EMPTY_FORM)).toBeNull();
    expect(formProblem({ ...EMPTY_FORM, from: '2026-11-30', to: '2026-11-01' })).toBe('The From date is after the To date.');
    expect(formProblem({ ...EMPTY_FORM, to: '29/11/2026' })).toBe('To is not a date (YYYY-MM-DD).');
    expect(formProblem({ ...EMPTY_FORM, text: 'x'.repeat(1001) })).toMatch(/longer than 1,000/);
  });
});
