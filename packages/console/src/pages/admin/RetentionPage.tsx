import { useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import { DATA_TYPES, UNITS, formFrom, inputFrom, presetRows, settingRows, type PeriodField, type RetentionForm } from '../../admin-retention';
import type { RetentionView } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { FieldError } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { PageHeading } from '../../components/PageHeading';
import { useSubmit } from '../../components/use-submit';
import { ApiError, userMessage } from '../../errors';
import { formatCount, formatUtc } from '../../format';
import { channelLabel } from '../../search-query';
import { Loading, TableScroll, focusFirstInvalid } from './common';
import { useLoad } from './use-load';

/**
 * /admin/retention: how long records are locked, by data type and channel, and the regulatory
 * presets whose floors no setting may undercut. The API is the authority on floors and on presets
 * that may not be removed: its refusal is shown as it words it.
 */
export function RetentionPage() {
  const { load, reload } = useLoad((signal) => adminApi.retention(signal), 'read retention settings');
  const [notice, setNotice] = useState('');
  const noticeLine = useRef<HTMLParagraphElement>(null);

  const saved = (version: number) => {
    setNotice(`Saved version ${version}. It applies to records written from now on; apply it below to extend the locks of records already archived.`);
    requestAnimationFrame(() => noticeLine.current?.focus());
    reload();
  };

  return (
    <>
      <PageHeading title="Retention">Retention</PageHeading>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      {load.status === 'loading' && <Loading what="the retention settings" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && (
        <>
          <CurrentSettings view={load.data} />
          <RetentionEditor key={load.data.settings?.version ?? 0} view={load.data} onSaved={saved} />
          <ApplyToExisting />
        </>
      )}
    </>
  );
}

function CurrentSettings({ view }: { view: RetentionView }) {
  const { settings, presets } = view;
  return (
    <section aria-labelledby="current-heading">
      <h2 id="current-heading">Current settings</h2>
      {!settings ? (
        <p className="empty">No retention settings saved yet: records are locked for the deployment’s default period, set by the operator.</p>
      ) : (
        <>
          <p className="muted">
            Version {settings.version}
            {settings.changedBy && `, changed by ${settings.changedBy}`}
            {settings.changedAt && ` on ${formatUtc(settings.changedAt)}`}. A channel’s period wins over a data type’s, a data type’s over the default; no
            period is shorter than the floor of an enabled preset.
          </p>
          <TableScroll label="Current retention settings">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Applies to</th>
                  <th scope="col">Period set</th>
                  <th scope="col">Period that applies</th>
                </tr>
              </thead>
              <tbody>
                {settingRows(settings, presets).map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{row.appliesTo}</th>
                    <td>{row.set}</td>
                    <td>
                      {row.applies}
                      {row.raisedBy && <span className="cell-note">Raised to the floor of {row.raisedBy}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

function RetentionEditor({ view, onSaved }: { view: RetentionView; onSaved: (version: number) => void }) {
  const [form, setForm] = useState<RetentionForm>(() => formFrom(view.settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, failure, setFailure, handleSubmit, send } = useSubmit();
  const formElement = useRef<HTMLFormElement>(null);
  const presets = presetRows(view.presets, view.settings);

  const setPeriod = (group: 'byType' | 'byChannel', key: string) => (f: PeriodField) => setForm((s) => ({ ...s, [group]: { ...s[group], [key]: f } }));
  const togglePreset = (id: string, on: boolean) => setForm((s) => ({ ...s, presets: on ? [...s.presets, id] : s.presets.filter((p) => p !== id) }));

  const submit = handleSubmit(() => {
    setFailure(null);
    const result = inputFrom(form);
    if (!result.ok) {
      setErrors(result.errors);
      setFailure('Some periods need attention: see the messages by each one.');
      focusFirstInvalid(formElement.current);
      return;
    }
    setErrors({});
    send(
      adminApi.saveRetention(result.input),
      (r) => onSaved(r.settings.version),
      (err) => `Not saved: ${userMessage(err, { action: 'change retention settings' })}`,
    );
  });

  return (
    <section aria-labelledby="change-heading">
      <h2 id="change-heading">Change settings</h2>
      <form ref={formElement} className="admin-form" onSubmit={submit} noValidate aria-labelledby="change-heading">
        <fieldset>
          <legend>Regulatory presets</legend>
          <p className="hint">A preset is a floor: no period may be set shorter. Once saved, a preset stays; only the operator can release it.</p>
          {presets.map((p) => (
            <div key={p.id} className="field field-check">
              <div className="check">
                <input
                  id={`preset-${p.id}`}
                  type="checkbox"
                  checked={form.presets.includes(p.id)}
                  onChange={(e) => togglePreset(p.id, e.target.checked)}
                  aria-describedby={`preset-${p.id}-hint`}
                />
                <label htmlFor={`preset-${p.id}`}>{p.label}</label>
              </div>
              <p id={`preset-${p.id}-hint`} className="hint">
                Floor {p.floor}. {p.enabled ? 'Enabled: the API refuses to remove it.' : 'Not enabled.'}
              </p>
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>Default period</legend>
          <PeriodInput
            id="period-default"
            label="Default"
            field={form.default}
            error={errors.default}
            onChange={(f) => setForm((s) => ({ ...s, default: f }))}
            required
          />
        </fieldset>

        <fieldset>
          <legend>By data type</legend>
          <p className="hint">Empty: the default applies.</p>
          {DATA_TYPES.map((t) => (
            <PeriodInput
              key={t.value}
              id={`period-type-${t.value}`}
              label={t.label}
              field={form.byType[t.value]}
              error={errors[`byType.${t.value}`]}
              onChange={setPeriod('byType', t.value)}
            />
          ))}
        </fieldset>

        <fieldset>
          <legend>By channel</legend>
          <p className="hint">Empty: the data type’s period, or the default, applies.</p>
          {Object.keys(form.byChannel).map((c) => (
            <PeriodInput
              key={c}
              id={`period-channel-${c}`}
              label={channelLabel(c)}
              field={form.byChannel[c]}
              error={errors[`byChannel.${c}`]}
              onChange={setPeriod('byChannel', c)}
            />
          ))}
        </fieldset>

        <FormActions label="Save settings" busy={busy} busyLabel="Saving…" failure={failure} />
      </form>
    </section>
  );
}

/** A period: its number ("Messages period") and its unit ("Messages unit"), on one row. */
function PeriodInput({
  id,
  label,
  field,
  error,
  onChange,
  required = false,
}: {
  id: string;
  label: string;
  field: PeriodField;
  error: string | undefined;
  onChange: (f: PeriodField) => void;
  required?: boolean;
}) {
  return (
    <div className="period">
      <label htmlFor={id} className="period-label">
        {label}
        <span className="visually-hidden"> period</span>
        {required && <span className="required"> (required)</span>}
      </label>
      <input
        id={id}
        type="number"
        min={0}
        step="any"
        inputMode="decimal"
        value={field.value}
        onChange={(e) => onChange({ ...field, value: e.target.value })}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <label htmlFor={`${id}-unit`} className="visually-hidden">
        {label} unit
      </label>
      <select id={`${id}-unit`} value={field.unit} onChange={(e) => onChange({ ...field, unit: e.target.value as PeriodField['unit'] })}>
        {UNITS.map((u) => (
          <option key={u.value} value={u.value}>
            {u.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** POST /v1/admin/retention/apply: extends existing locks to the current settings, never shortens one. */
function ApplyToExisting() {
  const [state, setState] = useState<{ status: 'idle' | 'busy' } | { status: 'done'; text: string } | { status: 'error'; text: string }>({ status: 'idle' });
  const apply = () => {
    if (state.status === 'busy') return;
    setState({ status: 'busy' });
    adminApi.applyRetention().then(
      (r) => setState({ status: 'done', text: `Examined ${formatCount(r.examined)} records; extended the locks of ${formatCount(r.extended)}.` }),
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return;
        setState({ status: 'error', text: `Not applied: ${userMessage(err, { action: 'apply retention settings' })}` });
      },
    );
  };
  return (
    <section aria-labelledby="apply-heading">
      <h2 id="apply-heading">Apply to existing records</h2>
      <p className="muted">
        New settings apply to records written from now on. Applying them extends the locks of records already archived to what the current settings give; it
        never shortens a lock. On a large archive this takes a while.
      </p>
      <button type="button" className="button-secondary" onClick={apply} aria-disabled={state.status === 'busy' || undefined}>
        {state.status === 'busy' ? 'Applying…' : 'Apply to existing records'}
      </button>
      <p role="status" className="success" aria-busy={state.status === 'busy' || undefined}>
        {state.status === 'busy' ? 'Applying the settings to existing records…' : state.status === 'done' ? state.text : ''}
      </p>
      {state.status === 'error' && <Alert message={state.text} />}
    </section>
  );
}
