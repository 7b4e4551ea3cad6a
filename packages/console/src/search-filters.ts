import { channelLabel, directionLabel, kindLabel, type SearchForm } from './search-query';
import type { SearchFacet } from './types';

/**
 * Facets and applied filters: how a facet value becomes a filter of the form, and how the filters a
 * search ran with are listed (as removable chips). Pure, so the unit tests pin both.
 */

/** Asked for with every first page, in the order they are shown. */
export const FACETS: readonly SearchFacet[] = ['channel', 'kind', 'direction', 'employee', 'participant'];

/** The form field each facet filters: the facet names are the API's, the filter names differ for two. */
export const FACET_FIELD = {
  channel: 'channel',
  kind: 'kind',
  direction: 'direction',
  employee: 'employeeId',
  participant: 'participant',
} as const satisfies Record<SearchFacet, keyof SearchForm>;

export const FACET_TITLE: Record<SearchFacet, string> = {
  channel: 'Channel',
  kind: 'Kind',
  direction: 'Direction',
  employee: 'Employee',
  participant: 'Participant',
};

/** How a facet value is shown: the console's label for the closed lists, the value itself otherwise. */
export function facetValueLabel(facet: SearchFacet, value: string): string {
  if (facet === 'channel') return channelLabel(value);
  if (facet === 'kind') return kindLabel(value);
  if (facet === 'direction') return directionLabel(value);
  return value;
}

export function facetApplied(form: SearchForm, facet: SearchFacet, value: string): boolean {
  return form[FACET_FIELD[facet]].trim() === value;
}

/**
 * The form once a facet value is clicked: the value becomes its filter, or, when it is the filter the
 * results are for (`searched`), that filter is removed. Any other change pending in the form goes too.
 */
export function facetClicked(form: SearchForm, searched: SearchForm, facet: SearchFacet, value: string): SearchForm {
  return { ...form, [FACET_FIELD[facet]]: facetApplied(searched, facet, value) ? '' : value };
}

/** The filters of the disclosure ("More filters"): it opens by itself when any is set, so none is ever hidden. */
export const MORE_FILTERS = ['participant', 'employeeId', 'kind', 'direction', 'holdId', 'edited', 'deleted'] as const satisfies readonly (keyof SearchForm)[];

export function moreFiltersSet(form: SearchForm): number {
  return MORE_FILTERS.filter((field) => form[field].trim() !== '').length;
}

export interface AppliedFilter {
  field: keyof SearchForm;
  /** "Channel: WhatsApp": what the chip shows; its button is named "Remove filter " + this. */
  label: string;
}

/** What each filter of the search is called wherever the console names one (a chip, an export's scope). */
export const FILTER_NAME: Record<keyof SearchForm, string> = {
  text: 'Text',
  participant: 'Participant',
  employeeId: 'Employee',
  channel: 'Channel',
  kind: 'Kind',
  direction: 'Direction',
  from: 'From',
  to: 'To',
  holdId: 'Hold',
  edited: 'Edited',
  deleted: 'Deleted',
};

/** Long search text is cut in its chip: the whole text stays in the form field above. */
const CHIP_TEXT_MAX = 40;

/** The filters a search ran with, in the form's order. */
export function appliedFilters(form: SearchForm): AppliedFilter[] {
  return (Object.keys(FILTER_NAME) as (keyof SearchForm)[]).flatMap((field) => {
    const value = form[field].trim();
    return value ? [{ field, label: `${FILTER_NAME[field]}: ${filterValueLabel(field, value)}` }] : [];
  });
}

function filterValueLabel(field: keyof SearchForm, value: string): string {
  if (field === 'text') {
    const chars = [...value]; // by code point: an emoji is never cut in half
    return chars.length > CHIP_TEXT_MAX ? `${chars.slice(0, CHIP_TEXT_MAX - 1).join('')}…` : value;
  }
  if (field === 'channel') return channelLabel(value);
  if (field === 'kind') return kindLabel(value);
  if (field === 'direction') return directionLabel(value);
  if (field === 'from' || field === 'to') return `${value} (UTC)`;
  return value; // ids and identifiers as typed; edited and deleted as "only" or "never"
}

export function removeFilter(form: SearchForm, field: keyof SearchForm): SearchForm {
  return { ...form, [field]: '' };
}
