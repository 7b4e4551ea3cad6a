import { Alert } from './Alert';

/**
 * The end of a form: what the API refused (an alert, announced as it appears), the submit button and,
 * where the form can be left, Cancel. While `busy` the button says what is under way and is
 * aria-disabled rather than disabled, so it keeps focus and a second press is simply ignored.
 */
export function FormActions({
  label,
  busy,
  busyLabel,
  failure,
  describedBy,
  onCancel,
}: {
  label: string;
  busy?: boolean;
  busyLabel?: string;
  failure?: string | null;
  /** An element that says what the button acts on (e.g. how many alerts are selected). */
  describedBy?: string;
  onCancel?: () => void;
}) {
  return (
    <>
      <Alert message={failure ?? null} />
      <div className="form-actions">
        <button type="submit" aria-disabled={busy || undefined} aria-describedby={describedBy}>
          {busy && busyLabel ? busyLabel : label}
        </button>
        {onCancel && (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
