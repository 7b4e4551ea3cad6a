import { useState } from 'react';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { formatUtc } from '../../format';
import { Link } from '../../router';
import { conversationPath, recordPath } from '../../routes';
import { canOpenHold, canReadRecords, canWorkAlerts, supervisionApi } from '../../supervision-api';
import { dispositionLabel, reasonCodeLabel, reviewMessage } from '../../supervision-forms';
import { actorLabel, alertSubject, stateLine } from '../../supervision-queue';
import type { AlertDetail, AlertView } from '../../supervision-types';
import { AlertActions } from './AlertActions';
import { AlertContext } from './AlertContext';
import { AlertHistory } from './AlertHistory';
import { AlertTexts } from './AlertTexts';
import { HoldForm } from './HoldForm';
import { useFetched } from './use-fetched';

/**
 * /review/alerts/<id>: one alert, everything a reviewer needs to decide it on one page — the texts
 * it was raised on with the hit marked, the policy's rule and guidance, the messages around it, the
 * actions their role allows, and everything done to it so far.
 */
export function AlertPage({ id, role }: { id: string; role: string }) {
  const { load, reload } = useFetched(
    (signal) => supervisionApi.alert(id, signal),
    (err) => reviewMessage(err, 'read alerts'),
  );
  // an action answers with the alert as it now stands: shown at once, without reading the texts again
  const [changed, setChanged] = useState<AlertView | null>(null);
  const detail = load.status === 'done' ? load.data : null;
  const alert = changed ?? detail?.alert ?? null;
  const title = detail && alert ? `Alert: ${detail.policy?.name ?? alertSubject(alert)}` : 'Alert';

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p className="back">
        <Link to="/review">All review queues</Link>
      </p>
      <LoadState loading={load.status === 'loading'} what="the alert" error={load.status === 'error' ? load.message : null} onRetry={reload} />
      {detail && alert && (
        <div className="review-layout">
          <div className="review-main">
            <AlertTexts zones={detail.zones} hit={alert.hit} tagged={detail.tagged} />
            <AlertFacts alert={alert} detail={detail} role={role} />
            <AlertContext recordId={alert.record.id} conversation={alert.record.conversation} />
          </div>
          <div className="review-side">
            {canWorkAlerts(role) && <AlertActions alert={alert} role={role} onChanged={setChanged} />}
            {canOpenHold(role) && <HoldForm alert={alert} onChanged={setChanged} />}
            <AlertNotes alert={alert} />
            <AlertHistory events={alert.events} />
          </div>
        </div>
      )}
    </>
  );
}

function AlertFacts({ alert, detail, role }: { alert: AlertView; detail: AlertDetail; role: string }) {
  const { record, hit, sample, disposition } = alert;
  return (
    <section aria-labelledby="alert-facts-heading">
      <h2 id="alert-facts-heading">Why it was raised</h2>
      {hit && detail.policy && (
        <div className="guidance">
          <p>
            <strong>{detail.policy.name}</strong>, rule <code>{hit.ruleId}</code>
            {detail.policy.rule && <>: {detail.policy.rule}</>}
          </p>
          {detail.policy.reviewerGuidance && (
            <>
              <h3>Reviewer guidance</h3>
              <p>{detail.policy.reviewerGuidance}</p>
            </>
          )}
        </div>
      )}
      <dl className="facts admin-facts">
        <dt>State</dt>
        <dd>{stateLine(alert)}</dd>
        {disposition && (
          <>
            <dt>Decision</dt>
            <dd>
              {dispositionLabel(disposition.code)} ({reasonCodeLabel(disposition.reasonCode)}): {disposition.reason}
              <span className="cell-note">
                By {actorLabel(disposition.by)}, <time dateTime={disposition.at}>{formatUtc(disposition.at)}</time>, at level {disposition.level}
              </span>
            </dd>
          </>
        )}
        <dt>Assigned to</dt>
        <dd>{actorLabel(alert.assignee)}</dd>
        <dt>Queue</dt>
        <dd>{alert.queue}</dd>
        {hit && (
          <>
            <dt>Severity</dt>
            <dd>{hit.severity}</dd>
            <dt>Policy version</dt>
            <dd>
              <code className="hash">{hit.version}</code>
            </dd>
          </>
        )}
        {sample && (
          <>
            <dt>Sample</dt>
            <dd>
              Plan {sample.plan}, period {sample.period}, drawn by {sample.by === 'rate' ? 'the rate' : 'the period’s minimum'} (score {sample.score})
            </dd>
          </>
        )}
        <dt>Raised</dt>
        <dd>
          <time dateTime={alert.raisedAt}>{formatUtc(alert.raisedAt)}</time> by {alert.source}
        </dd>
        <dt>Record</dt>
        <dd>
          {record.channel} {record.kind}, {record.direction}, sent <time dateTime={record.sentAt}>{formatUtc(record.sentAt)}</time>
          {record.employeeIds.length > 0 && <span className="cell-note">Employees: {record.employeeIds.join(', ')}</span>}
          <span className="cell-note">
            SHA-256 <code className="hash">{record.sha256}</code>
          </span>
        </dd>
        {alert.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{alert.tags.join(', ')}</dd>
          </>
        )}
      </dl>
      <p className="alert-links">
        <Link to={conversationPath(record.conversation, record.id)}>Read the whole conversation</Link>
        {canReadRecords(role) && <Link to={recordPath(record.id)}>Open the record and its verification</Link>}
      </p>
    </section>
  );
}

function AlertNotes({ alert }: { alert: AlertView }) {
  if (alert.notes.length === 0) return null;
  return (
    <section aria-labelledby="alert-notes-heading">
      <h2 id="alert-notes-heading">Notes</h2>
      <ul className="alert-notes">
        {alert.notes.map((note, i) => (
          <li key={i}>
            <p className="note-body">{note.text}</p>
            <span className="cell-note">
              {actorLabel(note.by)}, <time dateTime={note.at}>{formatUtc(note.at)}</time>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
