import { useCallback, useEffect, useRef } from 'react';
import { Alert } from '../components/Alert';
import { Marked } from '../components/Marked';
import { PageHeading } from '../components/PageHeading';
import { formatCount, formatUtc, personLabel, snippet, splitHighlights } from '../format';
import { Link } from '../router';
import { conversationPath, recordPath } from '../routes';
import { AppliedFilters } from '../search-chips';
import { SearchFacets } from '../search-facets';
import { appliedFilters, facetClicked, removeFilter } from '../search-filters';
import { SearchFormFields } from '../search-form';
import { EMPTY_FORM, channelLabel, directionLabel, kindLabel, type SearchForm } from '../search-query';
import { useSearch } from '../search-state';
import type { SearchFacet, SearchHit } from '../types';
import '../search.css';

/** Search across the tenant's archive: POST /v1/search, newest first, a page at a time, with facets. */
export function Search() {
  const { state, setForm, search, searchFor, more, opened } = useSearch();
  const { form, searched, status, hits, total, cursor, error, facets } = state;
  const list = useRef<HTMLTableSectionElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const shownBefore = useRef(hits.length);
  // a facet was pressed: if its button is gone once the results are in, focus goes to them
  const refocusResults = useRef(false);
  const busy = status === 'loading' || status === 'loading-more';
  const filters = searched ? appliedFilters(searched) : [];

  // back from a record: focus the hit that was opened, so the user carries on where they were
  useEffect(() => {
    if (!state.opened) return;
    const link = list.current?.querySelector<HTMLAnchorElement>(`a[data-id="${CSS.escape(state.opened)}"]`);
    link?.focus();
    link?.scrollIntoView({ block: 'center' });
    // on arrival only
  }, []);

  // "More results": move focus to the first new hit, not back to the top of the list
  useEffect(() => {
    if (status !== 'done') return;
    if (hits.length > shownBefore.current && shownBefore.current > 0) {
      list.current?.querySelectorAll<HTMLAnchorElement>('a[data-id]')[shownBefore.current]?.focus();
    }
    shownBefore.current = hits.length;
  }, [status, hits.length]);

  useEffect(() => {
    if (status === 'loading' || !refocusResults.current) return;
    refocusResults.current = false;
    if (!document.activeElement || document.activeElement === document.body) resultsHeading.current?.focus();
  }, [status]);

  const searchAgain = (next: SearchForm | null) => {
    shownBefore.current = 0;
    if (next) searchFor(next);
    else search();
  };
  const pickFacet = (facet: SearchFacet, value: string) => {
    if (!searched) return;
    refocusResults.current = true;
    searchAgain(facetClicked(form, searched, facet, value));
  };
  const focusResults = useCallback(() => resultsHeading.current?.focus(), []);

  return (
    <>
      <PageHeading title="Search" focus={!state.opened}>
        Search
      </PageHeading>
      <SearchFormFields form={form} setForm={setForm} onSubmit={() => searchAgain(null)} />

      <div className={searched && hasFacets(facets) ? 'search-layout search-layout-facets' : 'search-layout'}>
        {searched && <SearchFacets facets={facets} searched={searched} busy={busy} onPick={pickFacet} />}
        <section aria-labelledby="results-heading" aria-busy={busy} className="results">
          <h2 id="results-heading" ref={resultsHeading} tabIndex={-1}>
            Results
          </h2>
          <AppliedFilters
            filters={filters}
            onRemove={(field) => searchAgain(removeFilter(form, field))}
            onClearAll={() => searchAgain(EMPTY_FORM)}
            onNoneLeft={focusResults}
          />
          <p role="status" className="results-status">
            {statusLine(status, hits.length, total, filters.length)}
          </p>
          {status === 'error' && <Alert message={error} />}
          {hits.length > 0 && (
            <table className="hits">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Channel, kind, direction</th>
                  <th scope="col">Sender</th>
                  <th scope="col">Text</th>
                </tr>
              </thead>
              <tbody ref={list}>
                {hits.map((hit) => (
                  <HitRow key={hit.id} hit={hit} onOpen={() => opened(hit.id)} />
                ))}
              </tbody>
            </table>
          )}
          {status !== 'error' && <Alert message={error} />}
          {cursor && hits.length > 0 && (
            <button type="button" className="button-secondary more" onClick={more} aria-disabled={busy || undefined}>
              {status === 'loading-more' ? 'Searching…' : 'More results'}
            </button>
          )}
        </section>
      </div>
    </>
  );
}

function hasFacets(facets: Record<string, unknown[] | undefined>): boolean {
  return Object.values(facets).some((values) => (values?.length ?? 0) > 0);
}

function statusLine(status: string, shown: number, total: number, filters: number): string {
  if (status === 'idle') return 'Enter words or choose filters, then Search. An empty search lists the newest records.';
  if (status === 'loading') return 'Searching…';
  if (status === 'error') return '';
  if (total === 0) return filters > 1 ? 'No records match. Remove a filter to widen the search.' : 'No records match.';
  return total === shown
    ? `${formatCount(total)} ${total === 1 ? 'record matches' : 'records match'}.`
    : `Showing ${formatCount(shown)} of ${formatCount(total)} matching records.`;
}

function HitRow({ hit, onOpen }: { hit: SearchHit; onOpen: () => void }) {
  const text = hit.text ?? '';
  const body = text ? snippet(text, hit.highlights?.text) : [{ text: fallbackText(hit), mark: false }];
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={hit.sentAt}>{formatUtc(hit.sentAt)}</time>
      </td>
      <td>
        {channelLabel(hit.channel)}
        <span className="hit-kind">
          {kindLabel(hit.kind)}
          {hit.direction && `, ${directionLabel(hit.direction).toLowerCase()}`}
        </span>
      </td>
      <td className="sender">{personLabel(hit.sender, hit.senderName)}</td>
      <td className="snippet">
        <Link to={recordPath(hit.id)} data-id={hit.id} onClick={onOpen}>
          {hit.subject && (
            <span className="subject">
              <Marked segments={splitHighlights(hit.subject, hit.highlights?.subject)} />
            </span>
          )}
          <Marked segments={body} />
        </Link>
        {(hit.edited || hit.deleted) && <span className="tag">{hit.deleted ? 'deleted' : 'edited'}</span>}
        {hit.conversationId && (
          <span className="hit-actions">
            <Link to={conversationPath(hit.conversationId, hit.id)} onClick={onOpen}>
              Open conversation
            </Link>
          </span>
        )}
      </td>
    </tr>
  );
}

/** What a hit without text is (a call, a status, an attachment alone), so its link still says something. */
function fallbackText(hit: SearchHit): string {
  if (hit.attachmentNames && hit.attachmentNames.length > 0) return `Attachment: ${hit.attachmentNames.join(', ')}`;
  return `(${hit.kind}, no text)`;
}
