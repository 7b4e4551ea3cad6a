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
        <SuggestedField
          id="search-employee"
          label="Employee id"
          field="employeeId"
          value={form.employeeId}
          onChange={set('employeeId')}
          options={employees.status === 'ready' ? employees.items.map((e) => ({ value: e.employeeId, label: e.name ?? e.employeeId })) : null}
          hint={`Records involving this employee (their id in the directory).${suggestionNote(employees, 'directory', 'employees')}`}
        />
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
        <SuggestedField
          id="search-hold"
          label="Legal hold id"
          field="holdId"
          value={form.holdId}
          onChange={set('holdId')}
          options={holds.status === 'ready' ? holds.items.map((h) => ({ value: h.id, label: `${h.matter} (${h.status})` })) : null}
          hint={`Records under this hold.${suggestionNote(holds, 'holds', 'holds')}`}
        />
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
/** A text input with suggestions (a datalist) once they are read; the hint says what they are, or why there are none. */
function SuggestedField(props: {
  id: string;
  label: string;
  field: 'employeeId' | 'holdId';
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  options: Array<{ value: string; label: string }> | null;
  hint: string;
}) {
  const { id, label, field, value, onChange, options, hint } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        name={field}
        maxLength={MAX_LENGTH[field]}
        list={options ? `${id}-options` : undefined}
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={onChange}
      />
      {options && (
        <datalist id={`${id}-options`}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </datalist>
      )}
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
    </div>
  );
}

function suggestionNote(list: Suggestions<unknown>, what: string, items: string): string {
  if (list.status === 'loading') return ` Loading the ${what}…`;
  if (list.status === 'unavailable') return ` The ${what} could not be read: type the id.`;
  if (list.status === 'ready') return list.items.length > 0 ? ` Suggestions list the ${items} as you type.` : ` There are no ${items} yet.`;
  return '';
}
