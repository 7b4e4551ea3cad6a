import { useState } from 'react';
import { formatCount } from './format';
import { FACETS, FACET_TITLE, facetApplied, facetValueLabel } from './search-filters';
import type { SearchForm } from './search-query';
import type { FacetCount, SearchFacet, SearchResponse } from './types';

/** Values shown per facet before "Show all": five facets of up to 20 values would bury the results at 768 px. */
const PREVIEW = 5;

/**
 * The facets of the search shown: each value a toggle button (pressed when it is the filter in force)
 * that filters by it, or removes that filter, and searches again. Kept on screen while that search
 * runs, so the button just pressed keeps the focus.
 */
export function SearchFacets(props: {
  facets: NonNullable<SearchResponse['facets']>;
  searched: SearchForm;
  busy: boolean;
  onPick: (facet: SearchFacet, value: string) => void;
}) {
  const shown = FACETS.filter((facet) => (props.facets[facet]?.length ?? 0) > 0);
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="facets-heading" aria-busy={props.busy} className="facets">
      <h2 id="facets-heading">Refine</h2>
      <p className="hint">The most frequent values among all matching records. Choose one to filter by it, again to remove that filter.</p>
      {shown.map((facet) => (
        <FacetGroup key={facet} facet={facet} values={props.facets[facet] ?? []} searched={props.searched} onPick={props.onPick} />
      ))}
    </section>
  );
}

function FacetGroup({
  facet,
  values,
  searched,
  onPick,
}: {
  facet: SearchFacet;
  values: FacetCount[];
  searched: SearchForm;
  onPick: (facet: SearchFacet, value: string) => void;
}) {
  const [all, setAll] = useState(false);
  const title = FACET_TITLE[facet];
  // the value filtered by is always in view, wherever it ranks
  const visible = all ? values : values.filter((v, i) => i < PREVIEW || facetApplied(searched, facet, v.value));
  return (
    <div role="group" aria-labelledby={`facet-${facet}-heading`} className="facet">
      {/* "By channel", not "Channel": that is the form's select, and names should not collide */}
      <h3 id={`facet-${facet}-heading`}>By {title.toLowerCase()}</h3>
      <ul id={`facet-${facet}-values`} className="facet-values">
        {visible.map((v) => (
          <li key={v.value}>
            <button type="button" className="facet-value" aria-pressed={facetApplied(searched, facet, v.value)} onClick={() => onPick(facet, v.value)}>
              <span className="facet-label">{facetValueLabel(facet, v.value)}</span>{' '}
              <span className="facet-count">
                {formatCount(v.count)}
                <span className="visually-hidden"> {v.count === 1 ? 'record' : 'records'}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {values.length > PREVIEW && (
        <button type="button" className="link-button" aria-expanded={all} aria-controls={`facet-${facet}-values`} onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${values.length}`}
          <span className="visually-hidden"> {title.toLowerCase()} values</span>
        </button>
      )}
    </div>
  );
}
