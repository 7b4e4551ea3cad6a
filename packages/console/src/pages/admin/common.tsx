import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Shared pieces of the admin pages: loading line, confirm-before-acting, scrolling tables. */

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/**
 * A destructive action behind a second, explicit step: the first button asks, the question and
 * both answers replace it, and focus moves to "Cancel" (the safe answer) so Enter never destroys.
 * After Cancel or a refusal focus returns to the first button; after success the page decides (its
 * row is usually gone). Accessible names: `{label}` (e.g. "Revoke ci-reader"), `{confirmLabel}`, "Cancel".
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  busyLabel,
  onConfirm,
}: {
  label: ReactNode;
  question: string;
  confirmLabel: string;
  busyLabel: string;
  /** Resolves true when done, false when refused (the page shows why). */
  onConfirm: () => Promise<boolean>;
}) {
  const [step, setStep] = useState<'idle' | 'asking' | 'busy'>('idle');
  const cancel = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);

  useEffect(() => {
    if (step === 'asking') cancel.current?.focus();
    // back from asking (Cancel, or a refusal): focus returns to the button that asked
    if (step === 'idle' && asked.current) ask.current?.focus();
  }, [step]);

  if (step === 'idle')
    return (
      <button
        ref={ask}
        type="button"
        className="button-secondary"
        onClick={() => {
          asked.current = true;
          setStep('asking');
        }}
      >
        {label}
      </button>
    );
  const confirm = () => {
    if (step === 'busy') return;
    setStep('busy');
    onConfirm().then(
      (done) => {
        asked.current = !done;
        setStep('idle');
      },
      () => setStep('idle'),
    );
  };
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button type="button" className="button-danger" onClick={confirm} aria-disabled={step === 'busy' || undefined}>
        {step === 'busy' ? busyLabel : confirmLabel}
      </button>
      <button ref={cancel} type="button" className="button-secondary" onClick={() => setStep('idle')}>
        Cancel
      </button>
    </span>
  );
}

/** A wide table that scrolls inside itself at narrow widths: focusable and named so the keyboard can scroll it. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Moves focus to the first control marked invalid inside `form` (after a submit the page refused). */
export function focusFirstInvalid(form: HTMLElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
