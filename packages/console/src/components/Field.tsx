import type { ComponentProps, ReactNode } from 'react';

/**
 * Labelled text fields with their hint and their error, wired the same way in every form: the label
 * names the control; aria-describedby reads out the hint, then the error; aria-invalid marks the
 * control while it has an error (which is how focusFirstInvalid finds it after a refused submit).
 * Ids follow the control's: `${id}-hint`, `${id}-error`.
 */
interface FieldParts {
  id: string;
  label: ReactNode;
  /** Said below the control and read out with it. */
  hint?: ReactNode;
  /** What the form's own check found wrong; none while the value is fine. */
  error?: string;
  /** The error's id where a form named it otherwise than `${id}-error`. */
  errorId?: string;
}

type Wired = 'id' | 'aria-invalid' | 'aria-describedby';

export function InputField({ id, label, hint, error, errorId, ...input }: FieldParts & Omit<ComponentProps<'input'>, Wired>) {
  const ids = partIds(id, errorId);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} ids={ids}>
      <input id={id} {...input} {...wiring(ids, hint, error)} />
    </FieldFrame>
  );
}

export function TextAreaField({ id, label, hint, error, errorId, ...textarea }: FieldParts & Omit<ComponentProps<'textarea'>, Wired>) {
  const ids = partIds(id, errorId);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} ids={ids}>
      <textarea id={id} {...textarea} {...wiring(ids, hint, error)} />
    </FieldFrame>
  );
}

/** A field's error, referenced by the field's aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

interface PartIds {
  hint: string;
  error: string;
}

const partIds = (id: string, errorId: string | undefined): PartIds => ({ hint: `${id}-hint`, error: errorId ?? `${id}-error` });

function wiring(ids: PartIds, hint: ReactNode, error: string | undefined) {
  return {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hint ? ids.hint : '', error ? ids.error : ''].filter(Boolean).join(' ') || undefined,
  };
}

function FieldFrame({ id, label, hint, error, ids, children }: Omit<FieldParts, 'errorId'> & { ids: PartIds; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={ids.hint} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={ids.error} message={error} />
    </div>
  );
}
