import { useMemo } from 'react';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { formatCount, formatUtc } from '../../format';
import { canRunLookbacks, supervisionApi } from '../../supervision-api';
import { lookbackProgress, lookbackRunning } from '../../supervision-plans';
import type { LookbackView } from '../../supervision-types';
import { JobAnnouncer } from '../legal/JobAnnouncer';
import { JobStatus } from '../legal/JobStatus';
import { usePolled } from '../legal/usePolled';
import { LookbackForm } from './LookbackForm';

const loadLookbacks = async (signal: AbortSignal) => (await supervisionApi.lookbacks(signal)).lookbacks;
const anyRunning = (lookbacks: LookbackView[]) => lookbacks.some(lookbackRunning);
const count = (n: number, what: string) => `${formatCount(n)} ${what}${n === 1 ? '' : 's'}`;

/**
 * /supervision/lookbacks: a policy version (or a draft, as a dry run) screened over records already
 * archived. Each job's result is identified by the hash of its inputs, and its output by its own
 * SHA-256: the same inputs give the same bytes, so an examiner can have it run again and compare.
 * The list is asked for again while any job runs.
 */
export function LookbacksPage({ role }: { role: string }) {
  const { data, loading, error, reload } = usePolled(loadLookbacks, anyRunning, 'read lookbacks');
  const lookbacks = useMemo(() => (data ? [...data].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)) : null), [data]);

  return (
    <>
      <PageHeading title="Lookbacks">Lookbacks</PageHeading>
      <p className="muted">
        Screen records already archived with a policy version, to find what it would have raised; or try a draft as a dry run and see which hits it adds and
        drops.
      </p>
      {canRunLookbacks(role) && <LookbackForm onStarted={reload} />}
      <section aria-labelledby="lookbacks-heading">
        <h2 id="lookbacks-heading">Jobs</h2>
        <LoadState loading={loading} what="the lookbacks" error={error} onRetry={reload} />
        {lookbacks && lookbacks.length === 0 && <p className="empty">No lookbacks have been run yet.</p>}
        {lookbacks?.map((lookback) => (
          <LookbackItem key={lookback.id} lookback={lookback} />
        ))}
      </section>
    </>
  );
}

function LookbackItem({ lookback }: { lookback: LookbackView }) {
  const progress = lookbackProgress(lookback);
  const { result } = lookback;
  const headingId = `lookback-${lookback.id}`;
  return (
    <article className="lookback panel" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {lookback.policyId}
        {lookback.draftVersion ? ' (dry run of a draft)' : ''}: records sent from {formatUtc(lookback.from)}, before {formatUtc(lookback.to)}
      </h3>
      <JobStatus progress={progress} label={`Progress of the lookback of ${lookback.policyId}`} />
      <JobAnnouncer progress={progress} />
      <dl className="facts admin-facts">
        <dt>Version screened</dt>
        <dd>
          <code className="hash">{lookback.version}</code>
        </dd>
        {lookback.draftVersion && (
          <>
            <dt>Draft</dt>
            <dd>
              <code className="hash">{lookback.draftVersion}</code>
            </dd>
          </>
        )}
        <dt>Requested</dt>
        <dd>
          <time dateTime={lookback.requestedAt}>{formatUtc(lookback.requestedAt)}</time> by {lookback.requestedBy}
          {!lookback.raiseAlerts && <span className="cell-note">Raises no alerts</span>}
        </dd>
        {result && (
          <>
            <dt>Records</dt>
            <dd>
              {formatCount(result.records)} screened, {formatCount(result.inScope)} in the policy’s scope, {count(result.hits, 'hit')},{' '}
              {count(result.alertsRaised, 'alert')} raised
            </dd>
            <dt>Inputs hash</dt>
            <dd>
              <code className="hash">{result.inputsHash}</code>
            </dd>
            <dt>Corpus SHA-256</dt>
            <dd>
              <code className="hash">{result.corpusSha256}</code>
            </dd>
            <dt>Result SHA-256</dt>
            <dd>
              <code className="hash">{result.resultSha256}</code>
            </dd>
          </>
        )}
        {result?.diff && (
          <>
            <dt>Draft against version</dt>
            <dd>
              {count(result.diff.added, 'hit')} added, {formatCount(result.diff.dropped)} dropped
              {(result.diff.sample.added.length > 0 || result.diff.sample.dropped.length > 0) && <DiffSample sample={result.diff.sample} />}
            </dd>
          </>
        )}
      </dl>
    </article>
  );
}

/** The first of the hits a draft adds and drops, as `<record id> <rule id>`. */
function DiffSample({ sample }: { sample: { added: string[]; dropped: string[] } }) {
  return (
    <details className="diff-sample">
      <summary>The first hits added and dropped</summary>
      {sample.added.length > 0 && (
        <>
          <p>Added</p>
          <ul>
            {sample.added.map((hit) => (
              <li key={hit}>
                <code>{hit}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {sample.dropped.length > 0 && (
        <>
          <p>Dropped</p>
          <ul>
            {sample.dropped.map((hit) => (
              <li key={hit}>
                <code>{hit}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
