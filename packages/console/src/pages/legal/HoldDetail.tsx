import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { TextAreaField } from '../../components/Field';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { ApiError, userMessage } from '../../errors';
import { formatUtc } from '../../format';
import { canPlaceHolds, canProduce, legalApi } from '../../legal-api';
import { releaseProblems } from '../../legal-forms';
import { holdJobRunning, holdProgress, records } from '../../legal-jobs';
import type { Hold, HoldDetail as HoldAnswer } from '../../legal-types';
import { Link } from '../../router';
import { ExportForm } from './ExportForm';
import { HoldReportLinks, HoldStatus, ScopeList } from './HoldParts';
import { JobStatus } from './JobStatus';
import { JobAnnouncer } from './JobAnnouncer';
import { usePolled } from './usePolled';

const running = (answer: HoldAnswer) => holdJobRunning(answer.hold.job);

/** One hold: everything about it, its job's progress (asked again while it runs), release and export. */
export function HoldDetail({ id, role }: { id: string; role: string }) {
  const load = useCallback((signal: AbortSignal) => legalApi.hold(id, signal), [id]);
  const { data, loading, error, reload } = usePolled(load, running, 'read legal holds', 'No legal hold with this id exists.');
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const hold = data?.hold;
  const title = hold ? `Legal hold: ${hold.matter}` : 'Legal hold';

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const released = () => {
    setNotice('The hold is released. Its release job clears the legal hold from its records: its progress is shown below.');
    reload();
  };

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p className="back">
        <Link to="/holds">All legal holds</Link>
      </p>
      <LoadState loading={loading} what="the hold" error={error} onRetry={reload} />
      <p role="status" ref={noticeRef} tabIndex={-1}>
        {notice}
      </p>
      {data && hold && (
        <>
          <section aria-labelledby="hold-job-heading">
            <h2 id="hold-job-heading">{hold.job.kind === 'place' ? 'Placement' : 'Release'}</h2>
            <JobStatus progress={holdProgress(hold.job)} label={hold.job.kind === 'place' ? 'Placement progress' : 'Release progress'} />
            <JobAnnouncer progress={holdProgress(hold.job)} />
          </section>

          <section aria-labelledby="hold-details-heading">
            <h2 id="hold-details-heading">Details</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <HoldStatus status={hold.status} />
              </dd>
              <dt>Matter</dt>
              <dd>{hold.matter}</dd>
              <dt>Reason</dt>
              <dd>{hold.reason}</dd>
              <dt>Scope</dt>
              <dd>
                <ScopeList scope={hold.scope} />
              </dd>
              <dt>Records held now</dt>
              <dd>{records(data.recordsHeld)}</dd>
              <dt>Placed</dt>
              <dd>
                <time dateTime={hold.placedAt}>{formatUtc(hold.placedAt)}</time> by {hold.placedBy}
              </dd>
              {hold.releasedAt && (
                <>
                  <dt>Released</dt>
                  <dd>
                    <time dateTime={hold.releasedAt}>{formatUtc(hold.releasedAt)}</time> by {hold.releasedBy ?? 'unknown'}
                  </dd>
                  <dt>Release reason</dt>
                  <dd>{hold.releaseReason ?? '—'}</dd>
                </>
              )}
              <dt>Hold id</dt>
              <dd>
                <code>{hold.id}</code>
              </dd>
            </dl>
            <HoldReportLinks />
          </section>

          {hold.status === 'active' && !notice && (
            <section aria-labelledby="hold-release-heading" className="legal-section">
              <h2 id="hold-release-heading">Release this hold</h2>
              {canPlaceHolds(role) ? (
                <ReleaseForm hold={hold} onReleased={released} />
              ) : (
                <p>Only the legal role can release holds; your role ({role}) cannot.</p>
              )}
            </section>
          )}

          {canProduce(role) && (
            <section aria-labelledby="hold-export-heading" className="legal-section">
              <h2 id="hold-export-heading">Export this hold</h2>
              {hold.status === 'active' ? (
                <ExportForm scope={{ holdId: hold.id }} defaultName={hold.matter} idPrefix="hold-export" />
              ) : (
                <p>A released hold holds no records any more: there is nothing to export under it.</p>
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}

/** Release in two steps: the reason, then a confirmation that says what releasing does. */
function ReleaseForm({ hold, onReleased }: { hold: Hold; onReleased: () => void }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [step, setStep] = useState<'reason' | 'confirm' | 'releasing'>('reason');
  const [error, setError] = useState<string | null>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const releaseButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // where focus goes when the step changes: the confirmation, or back to where it was asked for
  const focusNext = useRef<'confirm' | 'release' | null>(null);

  useEffect(() => {
    if (focusNext.current === 'confirm') confirmButton.current?.focus();
    if (focusNext.current === 'release') releaseButton.current?.focus();
    focusNext.current = null;
  }, [step]);

  const ask = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = releaseProblems(reason).reason ?? null;
    setProblem(found);
    if (found) {
      reasonField.current?.focus();
      return;
    }
    setError(null);
    focusNext.current = 'confirm';
    setStep('confirm');
  };

  const cancel = () => {
    focusNext.current = 'release';
    setStep('reason');
  };

  const confirm = async () => {
    if (step === 'releasing') return;
    setStep('releasing');
    try {
      await legalApi.releaseHold(hold.id, reason.trim());
      onReleased();
    } catch (err) {
      focusNext.current = 'release';
      setStep('reason');
      if (err instanceof ApiError && err.status === 401) return;
      setError(userMessage(err, { action: 'release legal holds', notFound: 'This hold no longer exists.' }));
    }
  };

  return (
    <form className="legal-form" onSubmit={ask} noValidate>
      <TextAreaField
        ref={reasonField}
        id="release-reason"
        label="Reason for release"
        error={problem ?? undefined}
        maxLength={4000}
        value={reason}
        readOnly={step !== 'reason'}
        onChange={(e) => setReason(e.target.value)}
      />
      <Alert message={error} />
      {step === 'reason' ? (
        <div>
          <button ref={releaseButton} type="submit">
            Release hold
          </button>
        </div>
      ) : (
        <div className="confirm-panel" role="group" aria-labelledby="release-confirm-text">
          <p id="release-confirm-text">
            Release the hold for “{hold.matter}”? Records no other active hold covers lose their legal hold, and their retention period applies to them again. A
            released hold cannot be placed again.
          </p>
          <div className="button-row">
            <button ref={confirmButton} type="button" onClick={confirm} aria-disabled={step === 'releasing' || undefined}>
              {step === 'releasing' ? 'Releasing…' : 'Confirm release'}
            </button>
            {step === 'confirm' && (
              <button type="button" className="button-secondary" onClick={cancel}>
                Cancel
              </button>
            )}
          </div>
        </div>
      )}
    </form>
  );
}
