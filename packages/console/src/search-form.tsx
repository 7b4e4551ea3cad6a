import { useEffect, useState, type FormEvent } from 'react';
import { moreFiltersSet } from './search-filters';
import { CHANNELS, DIRECTIONS, KINDS, MAX_LENGTH, type SearchForm, type TriState } from './search-query';
import { useSearchSuggestions, type Suggestions } from './search-suggestions';

/**
 * The search form: text, channel and dates always in view; the other filters in a "More filters"
 * disclosure that keeps the form short at 768 px and opens by itself whenever one of them is set
 * (typed, or applied from a facet), so no filter in force is ever out of sight.
 */
export function SearchFormFields({ form, setForm, onSubmit }: { form: SearchForm; setForm: (form: SearchForm) => void; onSubmit: () => void }) {
  const set = (field: keyof SearchForm) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <form role="search" aria-label="Records" className="search-panel" onSubmit={submit} noValidate>
      <div className="field search-text">
        <label htmlFor="search-text">Search text</label>
        <input
          id="search-text"
          type="text"
          name="text"
          maxLength={MAX_LENGTH.text}
          aria-describedby="search-text-hint"
          value={form.text}
          onChange={set('text')}
        />
        <p id="search-text-hint" className="hint">
          Every word must occur, in any form (<i>fill</i> finds <i>filled</i>). Use <code>"an exact phrase"</code>, <code>prefix*</code>, and <code>AND</code>,{' '}
          <code>OR</code>, <code>NOT</code> in capitals, with parentheses to group: <code>(acme OR globex) NOT draft</code>.
        </p>
      </div>
      <div className="field">
        <label htmlFor="search-channel">Channel</label>
        <select id="search-channel" name="channel" value={form.channel} onChange={set('channel')}>
          <option value="">Any channel</option>
          <Options list={CHANNELS} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="search-from">From (UTC)</label>
        <input id="search-from" type="date" name="from" value={form.from} max={form.to || undefined} onChange={set('from')} />
      </div>
      <div className="field">
        <label htmlFor="search-to">To (UTC, included)</label>
        <input id="search-to" type="date" name="to" value={form.to} min={form.from || undefined} onChange={set('to')} />
      </div>
      <MoreFilters form={form} set={set} />
      <div className="search-actions">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

type Setter = (field: keyof SearchForm) => (e: { target: { value: string } }) => void;

function MoreFilters({ form, set }: { form: SearchForm; set: Setter }) {
  const { employees, holds, load } = useSearchSuggestions();
  const setCount = moreFiltersSet(form);
  const [open, setOpen] = useState(setCount > 0);
  const anySet = setCount > 0;

  useEffect(() => {
    if (anySet) setOpen(true);
  }, [anySet]);
  // the directory and the holds are read when these filters are first wanted, not on every visit
  useEffect(() => {
    if (open) load();
  }, [open, load]);

  return (
    <details className="more-filters" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>More filters{anySet && <span className="more-filters-count"> ({setCount} set)</span>}</summary>
      <div className="more-filters-fields">
        <div className="field">
          <label htmlFor="search-participant">Participant</label>
          <input
            id="search-participant"
            type="text"
            name="participant"
            maxLength={MAX_LENGTH.participant}
            aria-describedby="search-participant-hint"
            value={form.participant}
            onChange={set('participant')}
          />
          <p id="search-participant-hint" className="hint">
            A phone number (any format), email address, handle or platform id.
          </p>
        </div>
        <div className="field">
          <label htmlFor="search-employee">Employee id</label>
          <input
            id="search-employee"
            type="text"
            name="employeeId"
            maxLength={MAX_LENGTH.employeeId}
            list={employees.status === 'ready' ? 'search-employee-options' : undefined}
            aria-describedby="search-employee-hint"
            value={form.employeeId}
            onChange={set('employeeId')}
          />
          {employees.status === 'ready' && (
            <datalist id="search-employee-options">
              {employees.items.map((e) => (
                <option key={e.employeeId} value={e.employeeId}>
                  {e.name ?? e.employeeId}
                </option>
              ))}
            </datalist>
          )}
          <p id="search-employee-hint" className="hint">
            Records involving this employee (their id in the directory).{suggestionNote(employees, 'directory', 'employees')}
          </p>
        </div>
        <div className="field">
          <label htmlFor="search-kind">Kind</label>
          <select id="search-kind" name="kind" value={form.kind} onChange={set('kind')}>
            <option value="">Any kind</option>
            <Options list={KINDS} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-direction">Direction</label>
          <select id="search-direction" name="direction" value={form.direction} onChange={set('direction')}>
            <option value="">Any direction</option>
            <Options list={DIRECTIONS} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-hold">Legal hold id</label>
          <input
            id="search-hold"
            type="text"
            name="holdId"
            maxLength={MAX_LENGTH.holdId}
            list={holds.status === 'ready' ? 'search-hold-options' : undefined}
            aria-describedby="search-hold-hint"
            value={form.holdId}
            onChange={set('holdId')}
          />
          {holds.status === 'ready' && (
            <datalist id="search-hold-options">
              {holds.items.map((h) => (
                <option key={h.id} value={h.id}>
                  {`${h.matter} (${h.status})`}
                </option>
              ))}
            </datalist>
          )}
          <p id="search-hold-hint" className="hint">
            Records under this hold.{suggestionNote(holds, 'holds', 'holds')}
          </p>
        </div>
        <TriStateSelect
          id="search-edited"
          label="Edited"
          value={form.edited}
          onChange={set('edited')}
          only="Only edited records"
          never="Never-edited records"
        />
        <TriStateSelect
          id="search-deleted"
          label="Deleted"
          value={form.deleted}
          onChange={set('deleted')}
          only="Only deleted or unsent records"
          never="Never-deleted records"
        />
      </div>
    </details>
  );
}

function Options({ list }: { list: readonly { value: string; label: string }[] }) {
  return list.map((o) => (
    <option key={o.value} value={o.value}>
      {o.label}
    </option>
  ));
}

function TriStateSelect(props: {
  id: string;
  label: string;
  value: TriState;
  onChange: (e: { target: { value: string } }) => void;
  only: string;
  never: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={props.onChange}>
        <option value="">Any</option>
        <option value="only">{props.only}</option>
        <option value="never">{props.never}</option>
      </select>
    </div>
  );
}

/** What the hint adds about the suggestion list: nothing when it is there or not offered to this role. */
function suggestionNote(list: Suggestions<unknown>, what: string, items: string): string {
  if (list.status === 'loading') return ` Loading the ${what}…`;
  if (list.status === 'unavailable') return ` The ${what} could not be read: type the id.`;
  if (list.status === 'ready') return list.items.length > 0 ? ` Suggestions list the ${items} as you type.` : ` There are no ${items} yet.`;
  return '';
}
