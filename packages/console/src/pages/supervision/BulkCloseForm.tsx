import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { ApiError } from '../../errors';
import { formatCount } from '../../format';
import { supervisionApi } from '../../supervision-api';
import { decisionProblems, reviewMessage, type DecisionInput, type DecisionProblems } from '../../supervision-forms';
import type { BulkResult, Disposition } from '../../supervision-types';
import { focusFirstInvalid } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { DecisionFields } from './DecisionFields';

const EMPTY: DecisionInput = { disposition: '', reasonCode: '', reason: '' };

/**
 * Closes the chosen open alerts with one outcome, reason code and reason (required: the review's
 * record says why each was closed). The API closes what it may and says, for each it left open, why.
 */
export function BulkCloseForm({ ids, onClosed }: { ids: string[]; onClosed: (result: BulkResult) => void }) {
  const codes = useLoad((signal) => supervisionApi.reasonCodes(signal), 'read reason codes');
  const [value, setValue] = useState(EMPTY);
  const [problems, setProblems] = useState<DecisionProblems & { ids?: string }>({});
  const { busy, failure, handleSubmit, send } = useSubmit();
  const form = useRef<HTMLFormElement>(null);

  const submit = handleSubmit(() => {
    if (codes.load.status !== 'done') return;
    const found: DecisionProblems & { ids?: string } = decisionProblems(value, codes.load.data.dispositions);
    if (ids.length === 0) found.ids = 'Select at least one open alert in the list above.';
    setProblems(found);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(form.current);
      return;
    }
    const decision = { disposition: value.disposition as Disposition, reasonCode: value.reasonCode, reason: value.reason.trim() };
    send(
      supervisionApi.bulkClose(ids, decision),
      (answer) => {
        setValue(EMPTY);
        onClosed(answer);
      },
      (err) => `Nothing closed: ${reviewMessage(err, 'close alerts')}`,
    );
  });

  return (
    <section aria-labelledby="bulk-close-heading" className="bulk-close">
      <h3 id="bulk-close-heading">Close the selected alerts</h3>
      {codes.load.status === 'error' && <Alert message={codes.load.message} />}
      <form ref={form} className="admin-form" onSubmit={submit} noValidate aria-labelledby="bulk-close-heading">
        <p className={problems.ids ? 'field-error' : 'hint'} id="bulk-close-count">
          {problems.ids ?? `${formatCount(ids.length)} selected. Each is closed with the same outcome, reason code and reason.`}
        </p>
        <DecisionFields
          idPrefix="bulk"
          value={value}
          onChange={setValue}
          problems={problems}
          codes={codes.load.status === 'done' ? codes.load.data.dispositions : {}}
        />
        <FormActions label="Close selected alerts" busy={busy} busyLabel="Closing…" failure={failure} describedBy="bulk-close-count" />
      </form>
    </section>
  );
}

/** What a bulk close did: how many it closed, and each it left open with why. Focused as it appears. */
export function BulkResultPanel({ result }: { result: BulkResult }) {
  const line = useRef<HTMLParagraphElement>(null);
  useEffect(() => line.current?.focus(), [result]);
  return (
    <div className="panel panel-ok">
      <p ref={line} tabIndex={-1} role="status" className="success">
        Closed {formatCount(result.closed.length)} {result.closed.length === 1 ? 'alert' : 'alerts'}.
      </p>
      {result.refused.length > 0 && (
        <>
          <p>Left open:</p>
          <ul>
            {result.refused.map((r) => (
              <li key={r.id}>
                <code>{r.id}</code>: {reviewMessage(new ApiError(409, r.code, r.message), 'close alerts')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
