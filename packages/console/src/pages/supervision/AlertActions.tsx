import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { ApiError } from '../../errors';
import { canAssign, supervisionApi } from '../../supervision-api';
import { decisionProblems, NOTE_MAX, REASON_MAX, reviewMessage, type DecisionInput, type DecisionProblems } from '../../supervision-forms';
import { actorLabel } from '../../supervision-queue';
import type { AlertView, Disposition } from '../../supervision-types';
import { focusFirstInvalid } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { KeyForm, NotifyForm, TagsForm, TextForm, type Run } from './ActionForms';
import { DecisionFields } from './DecisionFields';

/**
 * What a reviewer (or compliance, the principal) does with an alert. Only what the alert's state
 * allows is offered: a closed alert takes notes and tags; an escalated one is a principal's to claim
 * and decide. The API decides anyway, and its refusals (a conflict of interest, an alert someone
 * else claimed) are said in full above the forms.
 */
export function AlertActions({ alert, role, onChanged }: { alert: AlertView; role: string; onChanged: (alert: AlertView) => void }) {
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);
  const failureBox = useRef<HTMLDivElement>(null);
  const open = alert.status === 'open';
  const principal = role === 'compliance';
  const mayHandle = open && (alert.level === 1 || principal);

  const run: Run = async (done, action, call) => {
    setFailure(null);
    try {
      const { alert: next } = await call();
      onChanged(next);
      setNotice(done);
      requestAnimationFrame(() => noticeLine.current?.focus());
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return false;
      setNotice('');
      setFailure(reviewMessage(err, action));
      requestAnimationFrame(() => failureBox.current?.scrollIntoView({ block: 'nearest' }));
      return false;
    }
  };

  return (
    <section aria-labelledby="alert-actions-heading">
      <h2 id="alert-actions-heading">Review</h2>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      <div ref={failureBox}>
        <Alert message={failure} />
      </div>
      {open && alert.level === 2 && !principal && <p className="admin-note">Escalated: a principal (compliance) reviews and decides it now.</p>}
      {mayHandle && <ClaimRelease alert={alert} run={run} />}
      {mayHandle && <DecideForm alert={alert} run={run} />}
      {open && alert.level === 1 && (
        <Disclosure summary="Escalate to a principal">
          <TextForm
            idPrefix="escalate"
            label="Why it needs a principal"
            max={REASON_MAX}
            what="why it needs a principal"
            submit="Escalate"
            onSubmit={(reason) => run('Escalated to a principal.', 'escalate alerts', () => supervisionApi.escalate(alert.id, reason))}
          />
        </Disclosure>
      )}
      {open && canAssign(role) && (
        <Disclosure summary="Assign to a reviewer">
          <KeyForm
            idPrefix="assign"
            label="Assign to key id"
            submit="Assign"
            onSubmit={(to) => run(`Assigned to ${to}.`, 'assign alerts', () => supervisionApi.assign(alert.id, to))}
          />
        </Disclosure>
      )}
      <Disclosure summary="Add a note">
        <TextForm
          idPrefix="note"
          label="Note"
          max={NOTE_MAX}
          what="the note"
          submit="Add note"
          onSubmit={(text) => run('Note added.', 'add notes', () => supervisionApi.note(alert.id, text))}
        />
      </Disclosure>
      <Disclosure summary="Tags">
        <TagsForm alert={alert} run={run} />
      </Disclosure>
      <Disclosure summary="Notify someone">
        <NotifyForm alert={alert} run={run} />
      </Disclosure>
    </section>
  );
}

function Disclosure({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details className="action">
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

function ClaimRelease({ alert, run }: { alert: AlertView; run: Run }) {
  const [busy, setBusy] = useState(false);
  const act = (claim: boolean) => {
    if (busy) return;
    setBusy(true);
    void run(
      claim ? 'Claimed: the alert is yours to review until you release or decide it.' : 'Released: anyone may claim it now.',
      claim ? 'claim alerts' : 'release alerts',
      () => (claim ? supervisionApi.claim(alert.id) : supervisionApi.release(alert.id)),
    ).finally(() => setBusy(false));
  };
  return (
    <div className="claim">
      <p>{alert.assignee ? `Claimed by ${actorLabel(alert.assignee)}.` : 'Nobody has claimed it.'}</p>
      {alert.assignee ? (
        <button type="button" className="button-secondary" onClick={() => act(false)} aria-disabled={busy || undefined}>
          Release
        </button>
      ) : (
        <button type="button" onClick={() => act(true)} aria-disabled={busy || undefined}>
          Claim
        </button>
      )}
    </div>
  );
}

const NO_DECISION: DecisionInput = { disposition: '', reasonCode: '', reason: '' };

function DecideForm({ alert, run }: { alert: AlertView; run: Run }) {
  const codes = useLoad((signal) => supervisionApi.reasonCodes(signal), 'read reason codes');
  const [value, setValue] = useState(NO_DECISION);
  const [problems, setProblems] = useState<DecisionProblems>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || codes.load.status !== 'done') return;
    const found = decisionProblems(value, codes.load.data.dispositions);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    const decision = { disposition: value.disposition as Disposition, reasonCode: value.reasonCode, reason: value.reason.trim() };
    void run('Decided: the alert is closed.', 'decide alerts', () => supervisionApi.decide(alert.id, decision)).then((done) => {
      setBusy(false);
      if (done) setValue(NO_DECISION);
    });
  };

  return (
    <form ref={form} className="admin-form decide" onSubmit={submit} noValidate aria-labelledby="decide-heading">
      <h3 id="decide-heading">Decide</h3>
      {codes.load.status === 'error' && <Alert message={codes.load.message} />}
      <DecisionFields
        idPrefix="decide"
        value={value}
        onChange={setValue}
        problems={problems}
        codes={codes.load.status === 'done' ? codes.load.data.dispositions : {}}
      />
      <FormActions label="Close alert with this decision" busy={busy} busyLabel="Closing…" />
    </form>
  );
}
