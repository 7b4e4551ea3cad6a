import { useEffect, useRef } from 'react';
import type { AppliedFilter } from './search-filters';
import type { SearchForm } from './search-query';

/**
 * The filters of the search shown, one removable chip each ("Remove filter Channel: WhatsApp"), and
 * "Clear all filters". A removed chip's button is gone: focus moves to the chip that took its place,
 * or, with none left, wherever the page says (`onNoneLeft`), never lost to the document body.
 */
export function AppliedFilters(props: {
  filters: AppliedFilter[];
  onRemove: (field: keyof SearchForm) => void;
  onClearAll: () => void;
  onNoneLeft: () => void;
}) {
  const { filters, onNoneLeft } = props;
  const list = useRef<HTMLUListElement>(null);
  // the position of the chip removed, until the chips are drawn again
  const removedAt = useRef<number | null>(null);

  useEffect(() => {
    const at = removedAt.current;
    if (at === null) return;
    removedAt.current = null;
    const chips = list.current?.querySelectorAll('button');
    const next = chips?.[Math.min(at, chips.length - 1)];
    if (next) next.focus();
    else onNoneLeft();
  }, [filters, onNoneLeft]);

  if (filters.length === 0) return null;
  return (
    <div role="group" aria-labelledby="applied-filters-title" className="applied-filters">
      <span id="applied-filters-title" className="applied-filters-title">
        Filters
      </span>
      <ul ref={list} className="chips">
        {filters.map((filter, i) => (
          <li key={filter.field}>
            <button
              type="button"
              className="chip"
              onClick={() => {
                removedAt.current = i;
                props.onRemove(filter.field);
              }}
            >
              <span className="visually-hidden">Remove filter </span>
              {filter.label}
              <span className="chip-x" aria-hidden="true">
                ×
              </span>
            </button>
          </li>
        ))}
      </ul>
      {filters.length > 1 && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            removedAt.current = 0;
            props.onClearAll();
          }}
        >
          Clear all filters
        </button>
      )}
    </div>
  );
}
