import { useMemo, useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import { configFrom, controlFor, initialValues, instanceNameProblem, typesByChannel, type FieldValues, type FormControl } from '../../admin-connector-form';
import type { ConnectorSaved, ConnectorSummary, ConnectorType } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { FieldError, InputField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { Loading, focusFirstInvalid } from './common';
import { useLoad } from './use-load';

/**
 * Adds a connector instance, or replaces the settings of one (`existing`): a form generated from the
 * connector's config schema as GET /v1/admin/connector-types describes it. The API never sends
 * settings back, so an edit starts empty and says why.
 */
export function ConnectorForm({ existing, onSaved }: { existing?: ConnectorSummary; onSaved: (saved: ConnectorSaved) => void }) {
  const { load } = useLoad((signal) => adminApi.connectorTypes(signal), 'read connector types');
  if (load.status === 'loading') return <Loading what="the connector types" />;
  if (load.status === 'error') return <Alert message={`The connector types could not be read: ${load.message}`} />;
  const types = load.data.types;
  if (types.length === 0) return <p>This deployment offers no connector types to configure.</p>;
  if (existing && !types.some((t) => t.connector === existing.connector))
    return <p>This deployment does not describe the settings of {existing.connector}, so this instance cannot be edited here.</p>;
  return <SettingsForm types={types} existing={existing} onSaved={onSaved} />;
}

function SettingsForm({ types, existing, onSaved }: { types: ConnectorType[]; existing?: ConnectorSummary; onSaved: (saved: ConnectorSaved) => void }) {
  const [connector, setConnector] = useState(existing?.connector ?? '');
  const [name, setName] = useState(existing?.id ?? '');
  const type = types.find((t) => t.connector === connector);
  const [values, setValues] = useState<FieldValues>(() => (type ? initialValues(type.fields) : {}));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, failure, setFailure, handleSubmit, send } = useSubmit();
  const form = useRef<HTMLFormElement>(null);
  const groups = useMemo(() => typesByChannel(types), [types]);
  const controls = useMemo(() => type?.fields.map((f) => controlFor(f, existing?.settings.includes(f.name) ?? false)) ?? [], [type, existing]);

  const chooseType = (value: string) => {
    setConnector(value);
    const chosen = types.find((t) => t.connector === value);
    setValues(chosen ? initialValues(chosen.fields) : {});
    setErrors({});
  };

  const submit = handleSubmit(() => {
    setFailure(null);
    const found: Record<string, string> = {};
    if (!type) found.connector = 'Choose a connector type.';
    const nameProblem = existing ? null : instanceNameProblem(name);
    if (nameProblem) found.name = nameProblem;
    const result = type ? configFrom(type.fields, values) : null;
    if (result && !result.ok) Object.assign(found, result.errors);
    setErrors(found);
    if (!type || !result?.ok || Object.keys(found).length > 0) {
      setFailure('Some settings need attention: see the messages by each one.');
      focusFirstInvalid(form.current);
      return;
    }
    send(
      adminApi.saveConnector(name, type.connector, result.config),
      (saved) => {
        // secrets leave the page's memory as soon as they are stored
        setValues(initialValues(type.fields));
        onSaved(saved);
      },
      (err) => `Not saved: ${userMessage(err, { action: 'configure connectors' })}`,
    );
  });

  return (
    <form ref={form} className="admin-form" onSubmit={submit} noValidate aria-label={existing ? `Settings of ${existing.id}` : 'New connector'}>
      {existing ? (
        <div className="admin-note">
          <p>
            Custody never sends settings back, not even those that are not secret, so this form starts empty. Saving replaces the whole configuration: enter
            every setting again, secrets included. A setting left empty is removed, or returns to its default.
          </p>
          <p>Currently set: {existing.settings.length > 0 ? existing.settings.join(', ') : 'nothing'}.</p>
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor="connector-type">
              Connector type <span className="required">(required)</span>
            </label>
            <select
              id="connector-type"
              value={connector}
              onChange={(e) => chooseType(e.target.value)}
              aria-required="true"
              aria-invalid={errors.connector ? true : undefined}
              aria-describedby={`connector-type-hint${errors.connector ? ' connector-type-error' : ''}`}
            >
              <option value="">Choose a channel and connector</option>
              {groups.map((g) => (
                <optgroup key={g.channel} label={g.label}>
                  {g.connectors.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
            <p id="connector-type-hint" className="hint">
              Grouped by channel. Its settings appear below once chosen.
            </p>
            <FieldError id="connector-type-error" message={errors.connector} />
          </div>
          <InputField
            id="connector-name"
            label={
              <>
                Instance name <span className="required">(required)</span>
              </>
            }
            hint="Your name for this instance, e.g. whatsapp-sales: lowercase letters, digits and dashes. It cannot be changed later."
            error={errors.name}
            type="text"
            value={name}
            maxLength={63}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            aria-required="true"
          />
        </>
      )}

      {type && (
        <fieldset className="settings">
          <legend>Settings of {type.connector}</legend>
          {controls.length === 0 && <p className="muted">This connector has no settings.</p>}
          {controls.map((control) => (
            <SettingInput
              key={`${type.connector}:${control.name}`}
              control={control}
              value={values[control.name]}
              error={errors[control.name]}
              onChange={(value) => setValues((v) => ({ ...v, [control.name]: value }))}
            />
          ))}
        </fieldset>
      )}

      <FormActions label={existing ? 'Save settings' : 'Add connector'} busy={busy} busyLabel="Saving…" failure={failure} />
    </form>
  );
}

/** One setting's control, by kind; its hints and error read out with it (aria-describedby). */
function SettingInput({
  control,
  value,
  error,
  onChange,
}: {
  control: FormControl;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const { id, label, kind, required } = control;
  const hintIds = control.hints.map((_, i) => `${id}-hint-${i}`);
  const describedBy = [...hintIds, ...(error ? [`${id}-error`] : [])].join(' ') || undefined;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': required || undefined,
  };
  const text = typeof value === 'string' ? value : '';
  const hints = (
    <>
      {control.hints.map((hint, i) => (
        <p key={hintIds[i]} id={hintIds[i]} className="hint">
          {hint}
        </p>
      ))}
      <FieldError id={`${id}-error`} message={error} />
    </>
  );
  const labelText = (
    <>
      {label}
      {required && <span className="required"> (required)</span>}
    </>
  );

  if (kind === 'checkbox')
    return (
      <div className="field field-check">
        <div className="check">
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <label htmlFor={id}>{labelText}</label>
        </div>
        {hints}
      </div>
    );
  return (
    <div className="field">
      <label htmlFor={id}>{labelText}</label>
      {kind === 'select' && (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {control.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
      {kind === 'json' && <textarea {...common} value={text} rows={4} spellCheck={false} className="code" onChange={(e) => onChange(e.target.value)} />}
      {(kind === 'text' || kind === 'number' || kind === 'password') && (
        <input
          {...common}
          type={kind}
          value={text}
          spellCheck={false}
          // a vendor secret must never be filled in with a password the browser saved for Custody itself
          autoComplete={kind === 'password' ? 'new-password' : 'off'}
          {...(kind === 'number' && { inputMode: 'decimal' as const, step: 'any' })}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hints}
    </div>
  );
}
