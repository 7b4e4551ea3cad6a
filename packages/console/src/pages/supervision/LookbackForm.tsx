import { useRef, useState } from 'react';
import { Alert } from '../../components/Alert';
import { FieldError } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { formatUtc } from '../../format';
import { supervisionApi } from '../../supervision-api';
import { lookbackFromForm, recentDays, shortVersion, type LookbackForm as Form, type LookbackProblems } from '../../supervision-plans';
import { focusFirstInvalid } from '../admin/common';
import { useLoad } from '../admin/use-load';

/**
 * Starts a lookback: the policy, the version screened (the one in force unless another is chosen),
 * the days of records, and optionally a draft to compare with it (a dry run: nothing is raised).
 */
export function LookbackForm({ onStarted }: { onStarted: () => void }) {
  const policies = useLoad((signal) => supervisionApi.policies(signal), 'read supervision policies');
  const [form, setForm] = useState<Form>(() => ({
    policyId: '',
    version: '',
    ...recentDays(Date.now()),
    raiseAlerts: true,
    draftFormat: 'yaml',
    draftSource: '',
  }));
  const [problems, setProblems] = useState<LookbackProblems>({});
  const { busy, failure, handleSubmit, send } = useSubmit();
  const [notice, setNotice] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);
  const dryRun = form.draftSource.trim() !== '';

  const submit = handleSubmit(() => {
    const result = lookbackFromForm(form);
    setProblems('problems' in result ? result.problems : {});
    if ('problems' in result) focusFirstInvalid(formRef.current);
    else
      send(
        supervisionApi.startLookback(result.request),
        ({ lookback }) => {
          setNotice(`Lookback of ${lookback.policyId} started. Its progress is shown in the list below.`);
          requestAnimationFrame(() => noticeLine.current?.focus());
          onStarted();
        },
        (err) => `Not started: ${userMessage(err, { action: 'run lookbacks' })}`,
      );
  });

  const invalid = (name: keyof LookbackProblems, hint?: string) => ({
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': [problems[name] && `lookback-${name}-error`, hint].filter(Boolean).join(' ') || undefined,
  });

  return (
    <section aria-labelledby="lookback-form-heading">
      <h2 id="lookback-form-heading">Start a lookback</h2>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      {policies.load.status === 'error' && <Alert message={policies.load.message} />}
      <form ref={formRef} className="admin-form" onSubmit={submit} noValidate aria-labelledby="lookback-form-heading">
        <div className="field">
          <label htmlFor="lookback-policy">Policy</label>
          <select
            id="lookback-policy"
            value={form.policyId}
            onChange={(e) => setForm({ ...form, policyId: e.target.value, version: '' })}
            {...invalid('policyId')}
          >
            <option value="">Choose…</option>
            {policies.load.status === 'done' &&
              policies.load.data.policies.map((p) => (
                <option key={p.policyId} value={p.policyId}>
                  {p.name} ({p.policyId})
                </option>
              ))}
          </select>
          <FieldError id="lookback-policyId-error" message={problems.policyId} />
        </div>
        {form.policyId && (
          <VersionSelect
            key={form.policyId}
            policyId={form.policyId}
            value={form.version}
            onChange={(version) => setForm({ ...form, version })}
            problem={problems.version}
          />
        )}
        <fieldset>
          <legend>Records sent (UTC days, both included)</legend>
          <div className="date-range">
            <div className="field">
              <label htmlFor="lookback-from">First day</label>
              <input id="lookback-from" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} {...invalid('range')} />
            </div>
            <div className="field">
              <label htmlFor="lookback-to">Last day</label>
              <input id="lookback-to" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} {...invalid('range')} />
            </div>
          </div>
          <FieldError id="lookback-range-error" message={problems.range} />
        </fieldset>
        <fieldset>
          <legend>Dry run (optional)</legend>
          <div className="field">
            <label htmlFor="lookback-draft-format">Draft format</label>
            <select id="lookback-draft-format" value={form.draftFormat} onChange={(e) => setForm({ ...form, draftFormat: e.target.value as 'yaml' | 'json' })}>
              <option value="yaml">YAML</option>
              <option value="json">JSON</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="lookback-draft">Draft policy source</label>
            <textarea
              id="lookback-draft"
              rows={6}
              spellCheck={false}
              value={form.draftSource}
              onChange={(e) => setForm({ ...form, draftSource: e.target.value })}
              {...invalid('draftSource', 'lookback-draft-hint')}
            />
            <p id="lookback-draft-hint" className="hint">
              A proposed version of the policy: screened beside the version above and compared with it. It is not archived as a version and raises no alert.
            </p>
            <FieldError id="lookback-draftSource-error" message={problems.draftSource} />
          </div>
        </fieldset>
        <div className="field-check">
          <label className="check">
            <input
              type="checkbox"
              checked={form.raiseAlerts && !dryRun}
              disabled={dryRun}
              onChange={(e) => setForm({ ...form, raiseAlerts: e.target.checked })}
            />
            Raise an alert for each hit not raised before
          </label>
        </div>
        <FormActions label={dryRun ? 'Start dry run' : 'Start lookback'} busy={busy} busyLabel="Starting…" failure={failure} />
      </form>
    </section>
  );
}

/** The policy's archived versions, newest first; none chosen means the one in force. */
function VersionSelect({ policyId, value, onChange, problem }: { policyId: string; value: string; onChange: (v: string) => void; problem?: string }) {
  const history = useLoad((signal) => supervisionApi.policy(policyId, signal), 'read supervision policies');
  const versions = history.load.status === 'done' ? [...history.load.data.versions].reverse() : [];
  return (
    <div className="field">
      <label htmlFor="lookback-version">Version screened</label>
      <select
        id="lookback-version"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'lookback-version-error' : undefined}
      >
        <option value="">The version in force</option>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {shortVersion(v.version)}, archived {formatUtc(v.archivedAt)}
          </option>
        ))}
      </select>
      {history.load.status === 'error' && <p className="field-error">{history.load.message}</p>}
      <FieldError id="lookback-version-error" message={problem} />
    </div>
  );
}
