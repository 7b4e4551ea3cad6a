import { useEffect, useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import { IDENTIFIER_KINDS, blankIdentifier, employeeBodyFrom, formFromEmployee, type EmployeeForm as Form, type IdentifierRow } from '../../admin-directory';
import type { Employee } from '../../admin-types';
import { FieldError, InputField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { focusFirstInvalid } from './common';

/**
 * Adds an employee, or edits one (`employee`): the name and the identifiers that were theirs when.
 * PUT replaces the entry whole, so the form holds every identifier the employee has.
 */
export function EmployeeForm({
  employee,
  existingIds,
  onSaved,
  onCancel,
}: {
  employee: Employee | null;
  existingIds: ReadonlySet<string>;
  onSaved: (employeeId: string, created: boolean) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<Form>(() => formFromEmployee(employee));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, failure, setFailure, handleSubmit, send } = useSubmit();
  const formElement = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const title = employee ? `Edit employee ${employee.employeeId}` : 'Add an employee';

  useEffect(() => heading.current?.focus(), []);

  const setRow = (key: number, change: Partial<IdentifierRow>) =>
    setForm((f) => ({ ...f, identifiers: f.identifiers.map((r) => (r.key === key ? { ...r, ...change } : r)) }));
  const addRow = () => {
    const row = blankIdentifier();
    setForm((f) => ({ ...f, identifiers: [...f.identifiers, row] }));
    requestAnimationFrame(() => document.getElementById(`identifier-${row.key}-kind`)?.focus());
  };
  const removeRow = (index: number) => {
    setForm((f) => ({ ...f, identifiers: f.identifiers.filter((_, i) => i !== index) }));
    // focus stays in the list: on the row that took this one's place, else on "Add identifier"
    requestAnimationFrame(() => {
      const kinds = formElement.current?.querySelectorAll<HTMLElement>('[data-identifier-kind]');
      (kinds?.[Math.min(index, kinds.length - 1)] ?? formElement.current?.querySelector<HTMLElement>('[data-add-identifier]'))?.focus();
    });
  };

  const submit = handleSubmit(() => {
    setFailure(null);
    const result = employeeBodyFrom(form);
    const found = result.ok ? {} : { ...result.errors };
    if (!employee && result.ok && existingIds.has(result.employeeId))
      found.employeeId = `Employee ${result.employeeId} is already in the directory: edit that entry instead.`;
    setErrors(found);
    if (!result.ok || Object.keys(found).length > 0) {
      setFailure('Some fields need attention: see the messages by each one.');
      focusFirstInvalid(formElement.current);
      return;
    }
    send(
      adminApi.saveEmployee(result.employeeId, result.body),
      () => onSaved(result.employeeId, !employee),
      (err) => `Not saved: ${userMessage(err, { action: 'edit the directory' })}`,
    );
  });

  return (
    <section className="panel" aria-labelledby="employee-form-heading">
      <h2 id="employee-form-heading" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <form ref={formElement} className="admin-form admin-form-wide" onSubmit={submit} noValidate aria-labelledby="employee-form-heading">
        <InputField
          id="employee-id"
          label={
            <>
              Employee id <span className="required">(required)</span>
            </>
          }
          hint={employee ? 'An employee’s id cannot be changed.' : 'Your firm’s id for the employee: letters, digits, _ . @ or -.'}
          error={errors.employeeId}
          type="text"
          value={form.employeeId}
          readOnly={Boolean(employee)}
          maxLength={256}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setForm((f) => ({ ...f, employeeId: e.target.value }))}
          aria-required="true"
        />
        <InputField
          id="employee-name"
          label="Name"
          type="text"
          value={form.name}
          maxLength={512}
          autoComplete="off"
          onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
        />

        <fieldset>
          <legend>Identifiers</legend>
          <p className="hint">
            Phones (E.164, e.g. +14155550100), email addresses and handles that were this employee’s. Dates are UTC days: “From” is the first day an identifier
            was theirs, “Until” the first day it no longer was. Leave a date empty for no limit.
          </p>
          {form.identifiers.length === 0 && <p className="empty">No identifiers: messages cannot be matched to this employee.</p>}
          {form.identifiers.map((row, index) => (
            <IdentifierInputs
              key={row.key}
              row={row}
              number={index + 1}
              errors={errors}
              onChange={(c) => setRow(row.key, c)}
              onRemove={() => removeRow(index)}
            />
          ))}
          <FieldError id="identifiers-error" message={errors.identifiers} />
          <button type="button" className="button-secondary" onClick={addRow} data-add-identifier>
            Add identifier
          </button>
        </fieldset>

        <FormActions label="Save employee" busy={busy} busyLabel="Saving…" failure={failure} onCancel={onCancel} />
      </form>
    </section>
  );
}

function IdentifierInputs({
  row,
  number,
  errors,
  onChange,
  onRemove,
}: {
  row: IdentifierRow;
  number: number;
  errors: Record<string, string>;
  onChange: (change: Partial<IdentifierRow>) => void;
  onRemove: () => void;
}) {
  const id = `identifier-${row.key}`;
  const valueError = errors[`${id}-value`];
  const toError = errors[`${id}-to`];
  return (
    <fieldset className="identifier">
      <legend>Identifier {number}</legend>
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} data-identifier-kind value={row.kind} onChange={(e) => onChange({ kind: e.target.value as IdentifierRow['kind'] })}>
          {IDENTIFIER_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field identifier-value">
        <label htmlFor={`${id}-value`}>Value</label>
        <input
          id={`${id}-value`}
          type="text"
          value={row.value}
          maxLength={512}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange({ value: e.target.value })}
          aria-invalid={valueError ? true : undefined}
          aria-describedby={valueError ? `${id}-value-error` : undefined}
        />
        <FieldError id={`${id}-value-error`} message={valueError} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>From (UTC)</label>
        <input id={`${id}-from`} type="date" value={row.from} max={row.to || undefined} onChange={(e) => onChange({ from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>Until (UTC)</label>
        <input
          id={`${id}-to`}
          type="date"
          value={row.to}
          min={row.from || undefined}
          onChange={(e) => onChange({ to: e.target.value })}
          aria-invalid={toError ? true : undefined}
          aria-describedby={toError ? `${id}-to-error` : undefined}
        />
        <FieldError id={`${id}-to-error`} message={toError} />
      </div>
      <div className="identifier-remove">
        <button type="button" className="button-secondary" onClick={onRemove}>
          Remove<span className="visually-hidden"> identifier {number}</span>
        </button>
      </div>
    </fieldset>
  );
}
