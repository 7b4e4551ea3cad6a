import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { InputField } from '../../components/Field';
import { ApiError, userMessage } from '../../errors';
import { exportPath, legalApi } from '../../legal-api';
import { exportFormProblems, firstProblem, type Problems } from '../../legal-forms';
import { EXPORT_FORMAT_CHOICES, EXPORT_FORMATS, type ExportFormat, type ExportScope } from '../../legal-types';
import { navigate } from '../../router';
import { UTC, browserTimeZone, zoneChoices } from '../../time-zone';

/**
 * Starts an export of `scope` (a search or a hold): its name, the formats (all by default) and the
 * time zone PDF transcripts show beside UTC (UTC by default). On success, the export's own page.
 * `idPrefix` keeps the inputs' ids unique on a page.
 */
export function ExportForm({ scope, defaultName, idPrefix }: { scope: ExportScope; defaultName: string; idPrefix: string }) {
  const zones = useMemo(() => zoneChoices(browserTimeZone()), []);
  const [name, setName] = useState(defaultName);
  const [formats, setFormats] = useState<ExportFormat[]>([...EXPORT_FORMATS]);
  const [timeZone, setTimeZone] = useState(UTC);
  const [problems, setProblems] = useState<Problems<'name' | 'formats'>>({});
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);
  const firstFormat = useRef<HTMLInputElement>(null);
  const id = (field: string) => `${idPrefix}-${field}`;

  const toggle = (format: ExportFormat, on: boolean) =>
    // kept in the API's order whatever order they are ticked in
    setFormats((current) => EXPORT_FORMATS.filter((f) => (f === format ? on : current.includes(f))));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (starting) return;
    const found = exportFormProblems({ name, formats });
    setProblems(found);
    const first = firstProblem(found, ['name', 'formats'] as const);
    if (first) {
      (first === 'name' ? nameField : firstFormat).current?.focus();
      return;
    }
    setStarting(true);
    setError(null);
    try {
      const { export: started } = await legalApi.startExport({ name: name.trim(), scope, formats, timeZone });
      navigate(exportPath(started.id));
    } catch (err) {
      setStarting(false);
      if (err instanceof ApiError && err.status === 401) return;
      setError(userMessage(err, { action: 'produce exports' }));
    }
  };

  return (
    <form className="legal-form" onSubmit={submit} noValidate>
      <InputField
        ref={nameField}
        id={id('name')}
        label="Export name"
        hint="The matter or request the production is for."
        error={problems.name}
        type="text"
        maxLength={512}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <fieldset className="format-choices" aria-describedby={problems.formats ? id('formats-error') : undefined}>
        <legend>Formats</legend>
        {EXPORT_FORMAT_CHOICES.map((choice, i) => (
          <div className="format-choice" key={choice.value}>
            <input
              ref={i === 0 ? firstFormat : undefined}
              id={id(`format-${choice.value}`)}
              type="checkbox"
              checked={formats.includes(choice.value)}
              aria-describedby={id(`format-${choice.value}-hint`)}
              onChange={(e) => toggle(choice.value, e.target.checked)}
            />
            <label htmlFor={id(`format-${choice.value}`)}>{choice.label}</label>
            <p id={id(`format-${choice.value}-hint`)} className="hint">
              {choice.hint}
            </p>
          </div>
        ))}
        {problems.formats && (
          <p id={id('formats-error')} className="field-error">
            {problems.formats}
          </p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={id('time-zone')}>Time zone of PDF transcripts</label>
        <select id={id('time-zone')} value={timeZone} aria-describedby={id('time-zone-hint')} onChange={(e) => setTimeZone(e.target.value)}>
          {zones.map((z) => (
            <option key={z.value} value={z.value}>
              {z.label}
            </option>
          ))}
        </select>
        <p id={id('time-zone-hint')} className="hint">
          PDF transcripts show their times in this zone beside UTC.
        </p>
      </div>
      <Alert message={error} />
      <div>
        <button type="submit" aria-disabled={starting || undefined}>
          {starting ? 'Starting the export…' : 'Start export'}
        </button>
      </div>
    </form>
  );
}
