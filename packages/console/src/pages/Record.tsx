import { useEffect, useState } from 'react';
import { api } from '../api';
import { Alert } from '../components/Alert';
import { PageHeading } from '../components/PageHeading';
import { ApiError, userMessage } from '../errors';
import { formatUtc, personLabel } from '../format';
import { Link } from '../router';
import { formatBytes } from '../thread-format';
import { rawPayloadOf } from '../raw-payload';
import { conversationPath, recordPath } from '../routes';
import { channelLabel } from '../search-query';
import type { Envelope, Participant, RecordLink, RecordView } from '../types';

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'done'; record: RecordView };

/**
 * One record as GET /v1/records/:id reads it back from the WORM store: what it says, and how it was
 * verified on this read (object hash, envelope integrity, record log), with the envelope as archived.
 */
export function Record({ id }: { id: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  useEffect(() => {
    if (!/^[0-9a-f]{40}$/.test(id)) {
      setLoad({ status: 'error', message: 'This is not a record id (40 hexadecimal characters).' });
      return;
    }
    setLoad({ status: 'loading' });
    const request = new AbortController();
    api.record(id, request.signal).then(
      (record) => setLoad({ status: 'done', record }),
      (err: unknown) => {
        // a lost session sends the console to sign-in; an abort is this page being left
        if (request.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        setLoad({ status: 'error', message: userMessage(err, 'record') });
      },
    );
    return () => request.abort();
  }, [id]);

  return (
    <>
      <p className="back">
        <Link to="/search">Back to results</Link>
      </p>
      <PageHeading title={`Record ${id.slice(0, 8)}`}>Record</PageHeading>
      {load.status === 'loading' && (
        <p role="status" aria-busy="true">
          Loading the record…
        </p>
      )}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && <RecordDetails record={load.record} />}
    </>
  );
}

function RecordDetails({ record }: { record: RecordView }) {
  const { envelope, archive, verification, revisions } = record;
  const text = envelope.content?.text;
  return (
    <>
      <section aria-labelledby="message-heading">
        <h2 id="message-heading">Message</h2>
        <dl className="facts">
          <dt>Sender</dt>
          <dd>{participant(envelope.sender)}</dd>
          <dt>Recipients</dt>
          <dd>{envelope.recipients.length > 0 ? envelope.recipients.map(participant).join('; ') : 'None recorded'}</dd>
          <dt>Sent</dt>
          <dd>
            <time dateTime={envelope.sentAt}>{formatUtc(envelope.sentAt, true)}</time>
          </dd>
          <dt>Captured</dt>
          <dd>
            <time dateTime={envelope.capturedAt}>{formatUtc(envelope.capturedAt, true)}</time>
          </dd>
          <dt>Channel</dt>
          <dd>
            {channelLabel(envelope.channel)} · {envelope.kind} · {envelope.direction}
          </dd>
          <dt>Conversation</dt>
          <dd>
            {envelope.conversation.title ? `${envelope.conversation.title} (${envelope.conversation.id})` : envelope.conversation.id}{' '}
            <Link to={conversationPath(envelope.conversation.id, envelope.id)}>Open conversation</Link>
          </dd>
          {envelope.content?.subject !== undefined && (
            <>
              <dt>Subject</dt>
              <dd>{envelope.content.subject}</dd>
            </>
          )}
          {envelope.attachments && envelope.attachments.length > 0 && (
            <>
              <dt>Attachments</dt>
              <dd>{envelope.attachments.map((a) => a.fileName ?? `${a.kind} ${a.id}`).join(', ')}</dd>
            </>
          )}
        </dl>
        <h3>Text</h3>
        {text ? <p className="message-text">{text}</p> : <p className="muted">This record has no text.</p>}
        {(revisions.edited || revisions.deleted || revisions.revises) && (
          <ul className="revisions">
            {revisions.edits?.map((r) => (
              <RevisionLink key={r.id} label="Edited by" link={r} />
            ))}
            {revisions.deletions?.map((r) => (
              <RevisionLink key={r.id} label="Deleted by" link={r} />
            ))}
            {revisions.revises && <RevisionLink label="Revises" link={revisions.revises} />}
          </ul>
        )}
      </section>

      <section aria-labelledby="verification-heading">
        <h2 id="verification-heading">Verification</h2>
        <p className="muted">Checked by the server on this read: “match” means the bytes read back from the archive store hash to what was recorded.</p>
        <dl className="facts">
          <dt>Object SHA-256</dt>
          <dd>
            <Status value={verification.objectSha256} />
          </dd>
          <dt>Envelope integrity</dt>
          <dd>
            <Status value={verification.envelopeIntegrity} />
          </dd>
          <dt>Record log</dt>
          <dd>
            <Status value={verification.recordLog} />
            {verification.logSequence !== undefined && ` (leaf ${verification.logSequence})`}
            {verification.recordLog === 'pending' && ' (not appended yet; seconds after capture)'}
          </dd>
          <dt>Locked until</dt>
          <dd>
            {archive.retainUntil ? formatUtc(archive.retainUntil) : 'No retention lock'}
            {archive.retentionMode && ` (${archive.retentionMode.toLowerCase()} mode)`}
          </dd>
          <dt>Legal hold</dt>
          <dd>{archive.legalHold ? 'On' : 'None'}</dd>
          <dt>Archive object</dt>
          <dd className="code">
            {archive.key}
            {archive.versionId && ` (version ${archive.versionId})`}
          </dd>
          <dt>Object hash</dt>
          <dd className="code">{archive.sha256}</dd>
        </dl>
      </section>

      <section aria-labelledby="envelope-heading">
        <h2 id="envelope-heading">Envelope as archived</h2>
        {/* a named, focusable region: a keyboard user can scroll a long envelope */}
        <pre className="envelope" role="region" aria-label="Envelope JSON" tabIndex={0}>
          {JSON.stringify(envelope, null, 2)}
        </pre>
      </section>

      <RawPayloadSection envelope={envelope} />
    </>
  );
}

/** The vendor's own bytes the record came from (`source.raw`): as received, never reformatted. */
function RawPayloadSection({ envelope }: { envelope: Envelope }) {
  const raw = rawPayloadOf(envelope);
  const download = `/v1/records/${encodeURIComponent(envelope.id)}/raw`;
  return (
    <section aria-labelledby="raw-heading">
      <h2 id="raw-heading">Vendor’s raw payload</h2>
      {raw.kind === 'missing' && <p className="muted">The envelope names no raw payload.</p>}
      {raw.kind === 'inline' && (
        <>
          <p className="muted">
            Kept in the record itself ({raw.contentType}, {raw.encoding === 'base64' ? 'base64' : 'UTF-8'}
            {raw.byteLength > 0 && `, ${formatBytes(raw.byteLength)}`}).{' '}
            {raw.encoding === 'base64' && !raw.decoded && 'Its bytes are not UTF-8 text: shown as the base64 archived. '}
            <a href={download} download>
              Download the bytes
            </a>
          </p>
          <pre className="envelope raw-payload" role="region" aria-label="Raw payload" tabIndex={0}>
            {raw.text}
          </pre>
        </>
      )}
      {raw.kind === 'reference' && (
        <>
          <p className="muted">
            A webhook delivery carries many events: its bytes are archived once under their SHA-256, and this record points at them and at its own event.{' '}
            <a href={download} download>
              Download the whole delivery
            </a>{' '}
            (the server re-checks its SHA-256 while sending it).
          </p>
          <pre className="envelope raw-payload" role="region" aria-label="Raw payload reference" tabIndex={0}>
            {JSON.stringify({ contentType: raw.contentType, sha256: raw.sha256, size: raw.size, ...(raw.path !== null && { path: raw.path }) }, null, 2)}
          </pre>
        </>
      )}
    </section>
  );
}

function participant(p: Participant): string {
  return personLabel(p.value, p.displayName);
}

/** The API's own status word (what `verification` says), in text, not only in colour. */
function Status({ value }: { value: string }) {
  return <span className={value === 'match' ? 'status-ok' : 'status-pending'}>{value}</span>;
}

function RevisionLink({ label, link }: { label: string; link: RecordLink }) {
  return (
    <li>
      {label} <Link to={recordPath(link.id)}>{link.sentAt ? `the record of ${formatUtc(link.sentAt)}` : link.id}</Link>
    </li>
  );
}
