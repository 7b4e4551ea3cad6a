import { SearchQuery } from '@custody/search-index';
import { FACETS, FACET_FIELD, appliedFilters, facetApplied, facetClicked, facetValueLabel, moreFiltersSet, removeFilter } from './search-filters';
import { EMPTY_FORM, searchRequest, type SearchForm } from './search-query';

describe('facets', () => {
  const searched: SearchForm = { ...EMPTY_FORM, text: 'acme', channel: 'whatsapp' };

  it('apply a value as the filter of the same name, which the API accepts', () => {
    const values = { channel: 'sms', kind: 'call', direction: 'inbound', employee: 'E1001', participant: '+447700900123' } as const;
    for (const facet of FACETS) {
      const form = facetClicked(EMPTY_FORM, EMPTY_FORM, facet, values[facet]);
      expect(form).toEqual({ ...EMPTY_FORM, [FACET_FIELD[facet]]: values[facet] });
      expect(SearchQuery.safeParse(searchRequest(form)).error?.issues ?? []).toEqual([]);
    }
    expect(facetClicked(EMPTY_FORM, EMPTY_FORM, 'employee', 'E1001').employeeId).toBe('E1001');
  });

  it('replace the value of that filter and keep the others', () => {
    expect(facetClicked(searched, searched, 'channel', 'sms')).toEqual({ ...searched, channel: 'sms' });
    expect(facetClicked(searched, searched, 'participant', 'ana@example.com')).toEqual({ ...searched, participant: 'ana@example.com' });
  });

  it('remove the filter when the value clicked is the one the results are for', () => {
    expect(facetApplied(searched, 'channel', 'whatsapp')).toBe(true);
    expect(facetApplied(searched, 'channel', 'sms')).toBe(false);
    expect(facetClicked(searched, searched, 'channel', 'whatsapp')).toEqual({ ...searched, channel: '' });
    // what was searched decides, not an edit to the form not yet searched
    const edited = { ...searched, channel: 'telegram', text: 'acme corp' };
    expect(facetClicked(edited, searched, 'channel', 'whatsapp')).toEqual({ ...edited, channel: '' });
    expect(facetClicked(edited, searched, 'kind', 'call')).toEqual({ ...edited, kind: 'call' });
  });

  it('show labels for the closed lists and the value itself otherwise', () => {
    expect(facetValueLabel('channel', 'wecom')).toBe('WeCom');
    expect(facetValueLabel('kind', 'reaction')).toBe('Reaction');
    expect(facetValueLabel('direction', 'outbound')).toBe('Outbound');
    expect(facetValueLabel('employee', 'E1001')).toBe('E1001');
    expect(facetValueLabel('participant', '+447700900123')).toBe('+447700900123');
  });
});

describe('applied filters', () => {
  it('list every filter set, in the form order, as chips', () => {
    const form: SearchForm = {
      text: 'acme',
      participant: '+447700900123',
      employeeId: 'E1001',
      channel: 'whatsapp',
      kind: 'call',
      direction: 'internal',
      from: '2026-11-01',
      to: '2026-11-29',
      holdId: 'hold-7',
      edited: 'only',
      deleted: 'never',
    };
    expect(appliedFilters(form)).toEqual([
      { field: 'text', label: 'Text: acme' },
      { field: 'participant', label: 'Participant: +447700900123' },
      { field: 'employeeId', label: 'Employee: E1001' },
      { field: 'channel', label: 'Channel: WhatsApp' },
      { field: 'kind', label: 'Kind: Call' },
      { field: 'direction', label: 'Direction: Internal' },
      { field: 'from', label: 'From: 2026-11-01 (UTC)' },
      { field: 'to', label: 'To: 2026-11-29 (UTC)' },
      { field: 'holdId', label: 'Hold: hold-7' },
      { field: 'edited', label: 'Edited: only' },
      { field: 'deleted', label: 'Deleted: never' },
    ]);
    expect(appliedFilters(EMPTY_FORM)).toEqual([]);
    expect(appliedFilters({ ...EMPTY_FORM, text: '   ' })).toEqual([]);
  });

  it('cut a long search text, never inside an emoji', () => {
    const [chip] = appliedFilters({ ...EMPTY_FORM, text: `${'a'.repeat(38)}😀😀 and more` });
    expect(chip.label).toBe(`Text: ${'a'.repeat(38)}😀…`);
  });

  it('remove one filter and keep the rest', () => {
    const form = { ...EMPTY_FORM, channel: 'sms', edited: 'only' as const, holdId: 'hold-7' };
    expect(removeFilter(form, 'edited')).toEqual({ ...EMPTY_FORM, channel: 'sms', holdId: 'hold-7' });
    expect(removeFilter(form, 'holdId')).toEqual({ ...EMPTY_FORM, channel: 'sms', edited: 'only' });
  });

  it('count the filters behind "More filters", so it opens when one is set', () => {
    expect(moreFiltersSet(EMPTY_FORM)).toBe(0);
    expect(moreFiltersSet({ ...EMPTY_FORM, text: 'acme', channel: 'sms', from: '2026-11-01' })).toBe(0);
    expect(moreFiltersSet({ ...EMPTY_FORM, direction: 'inbound', deleted: 'only', participant: ' ' })).toBe(2);
  });
});
