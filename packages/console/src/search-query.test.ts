import { Channel, Direction, Kind } from '@custody/envelope';
import { FACETS as API_FACETS, SearchQuery } from '@custody/search-index';
import { FACETS } from './search-filters';
import {
  CHANNELS,
  DIRECTIONS,
  EMPTY_FORM,
  KINDS,
  PAGE_SIZE,
  channelLabel,
  directionLabel,
  formProblem,
  kindLabel,
  searchRequest,
  type SearchForm,
} from './search-query';

const FULL_FORM: SearchForm = {
  text: '  acme AND "block trade" ',
  participant: ' +44 7700 900123 ',
  employeeId: ' E1001 ',
  channel: 'whatsapp',
  kind: 'message',
  direction: 'outbound',
  from: '2026-11-01',
  to: '2026-11-29',
  holdId: ' hold-7 ',
  edited: 'only',
  deleted: 'never',
};

describe('the search form', () => {
  it("offers exactly the API's channels", () => {
    expect(CHANNELS.map((c) => c.value).sort()).toEqual([...Channel.options].sort());
    expect(channelLabel('wecom')).toBe('WeCom');
    expect(channelLabel('fax')).toBe('fax');
  });

  it("offers exactly the API's kinds and directions, and asks for exactly its facets", () => {
    expect(KINDS.map((k) => k.value).sort()).toEqual([...Kind.options].sort());
    expect(DIRECTIONS.map((d) => d.value).sort()).toEqual([...Direction.options].sort());
    expect([...FACETS].sort()).toEqual([...API_FACETS].sort());
    expect(kindLabel('deletion')).toBe('Deletion');
    expect(directionLabel('internal')).toBe('Internal');
    expect(directionLabel('sideways')).toBe('sideways');
  });

  it('sends every filter, trimmed, with the field names the API schema defines', () => {
    const body = searchRequest(FULL_FORM, 'c1');
    expect(body).toEqual({
      text: 'acme AND "block trade"',
      participant: '+44 7700 900123',
      employeeId: 'E1001',
      channel: 'whatsapp',
      kind: 'message',
      direction: 'outbound',
      from: '2026-11-01',
      to: '2026-11-29',
      holdId: 'hold-7',
      edited: true,
      deleted: false,
      sort: 'newest',
      size: PAGE_SIZE,
      cursor: 'c1',
    });
    // the server's own schema is strict: an unknown or misspelt field would fail here
    expect(SearchQuery.safeParse(body).error?.issues ?? []).toEqual([]);
    expect(SearchQuery.safeParse({ ...body, facets: [...FACETS] }).error?.issues ?? []).toEqual([]);
  });

  it.each(Object.entries(FULL_FORM))('sends the %s filter alone, as the API accepts it', (field, value) => {
    const body = searchRequest({ ...EMPTY_FORM, [field]: value });
    expect(Object.keys(body).sort()).toEqual([field, 'size', 'sort'].sort());
    expect(SearchQuery.safeParse(body).error?.issues ?? []).toEqual([]);
  });

  it('sends edited and deleted as the API booleans, and leaves them out when "any"', () => {
    expect(searchRequest({ ...EMPTY_FORM, edited: 'never', deleted: 'only' })).toMatchObject({ edited: false, deleted: true });
    const body = searchRequest({ ...EMPTY_FORM, edited: '', deleted: '' });
    expect('edited' in body || 'deleted' in body).toBe(false);
  });

  it('leaves out filters of blanks only', () => {
    expect(searchRequest({ ...EMPTY_FORM, text: '   ', participant: ' ', employeeId: '\t', holdId: '  ' })).toEqual({ sort: 'newest', size: PAGE_SIZE });
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
    expect(formProblem({ ...EMPTY_FORM, text: 'x'.repeat(1001) })).toBe('The search text is longer than 1,000 characters.');
    expect(formProblem({ ...EMPTY_FORM, text: 'x'.repeat(1000) })).toBeNull();
    expect(formProblem({ ...EMPTY_FORM, participant: 'x'.repeat(513) })).toBe('The participant is longer than 512 characters.');
    expect(formProblem({ ...EMPTY_FORM, employeeId: 'x'.repeat(257) })).toBe('The employee id is longer than 256 characters.');
    expect(formProblem({ ...EMPTY_FORM, holdId: 'x'.repeat(129) })).toBe('The hold id is longer than 128 characters.');
    expect(formProblem(FULL_FORM)).toBeNull();
  });
});
