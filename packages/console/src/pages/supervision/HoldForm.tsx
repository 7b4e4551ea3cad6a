import { useRef, useState } from 'react';
import { InputField, TextAreaField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { holdPath } from '../../legal-api';
import { Link } from '../../router';
import { supervisionApi } from '../../supervision-api';
import { MATTER_MAX, REASON_MAX, reviewMessage, textProblem } from '../../supervision-forms';
import type { AlertView } from '../../supervision-types';
import { focusFirstInvalid } from '../admin/common';

/**
 * Preserves what the alert is about: a legal hold on the records of its conversation's participants
 * on its channel (POST …/alerts/:id/hold), for compliance and legal. The hold then lives on the
 * legal holds page like any other.
 */
export function HoldForm({ alert, onChanged }: { alert: AlertView; onChanged: (alert: AlertView) => void }) {
  const [matter, setMatter] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ matter?: string; reason?: string }>({});
  const { busy, failure, handleSubmit, send } = useSubmit();
  const [held, setHeld] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const heldLine = useRef<HTMLParagraphElement>(null);

  const submit = handleSubmit(() => {
    const found = { matter: textProblem(matter, MATTER_MAX, 'the matter'), reason: textProblem(reason, REASON_MAX, 'why the records are preserved') };
    setProblems(found);
    if (found.matter || found.reason) {
      focusFirstInvalid(form.current);
      return;
    }
    send(
      supervisionApi.openHold(alert.id, { matter: matter.trim(), reason: reason.trim() }),
      (answer) => {
        setHeld(answer.hold.id);
        setMatter('');
        setReason('');
        onChanged(answer.alert);
        requestAnimationFrame(() => heldLine.current?.focus());
      },
      (err) => `No hold placed: ${reviewMessage(err, 'place legal holds')}`,
    );
  });

  return (
    <section aria-labelledby="alert-hold-heading">
      <h2 id="alert-hold-heading">Legal hold</h2>
      {held && (
        <p ref={heldLine} tabIndex={-1} role="status" className="success">
          Hold placed: <Link to={holdPath(held)}>see its progress on the legal hold’s page</Link>.
        </p>
      )}
      <details className="action">
        <summary>Hold this conversation’s records</summary>
        <p className="hint">
          Holds the records of everyone in this alert’s conversation on its channel, employees and outside participants, until the hold is released.
        </p>
        <form ref={form} className="admin-form" onSubmit={submit} noValidate>
          <InputField
            id="hold-matter"
            label="Matter"
            error={problems.matter}
            type="text"
            maxLength={MATTER_MAX}
            value={matter}
            onChange={(e) => setMatter(e.target.value)}
          />
          <TextAreaField
            id="hold-reason"
            label="Why the records are preserved"
            error={problems.reason}
            rows={3}
            maxLength={REASON_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <FormActions label="Place legal hold" busy={busy} busyLabel="Placing…" failure={failure} />
        </form>
      </details>
    </section>
  );
}
