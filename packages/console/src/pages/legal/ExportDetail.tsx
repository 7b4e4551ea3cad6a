import { useCallback } from 'react';
import { Alert } from '../../components/Alert';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { formatUtc } from '../../format';
import { exportDownloadPath, legalApi } from '../../legal-api';
import { exportJobRunning, exportProgress, formatBytes, records } from '../../legal-jobs';
import { formatNames } from '../../legal-scope';
import type { ExportItem } from '../../legal-types';
import { Link } from '../../router';
import { zoneName } from '../../time-zone';
import { ExportScopeText } from './ExportParts';
import { JobAnnouncer } from './JobAnnouncer';
import { JobStatus } from './JobStatus';
import { usePolled } from './usePolled';

const running = (item: ExportItem) => exportJobRunning(item.job);

/** One export: its progress (asked again while it runs), why it failed, or its package to download. */
export function ExportDetail({ id }: { id: string }) {
  const load = useCallback(async (signal: AbortSignal) => (await legalApi.export(id, signal)).export, [id]);
  const { data: item, loading, error, reload } = usePolled(load, running, 'read exports', 'No export with this id exists.');
  const title = item ? `Export: ${item.name}` : 'Export';
  const progress = item ? exportProgress(item) : null;

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p className="back">
        <Link to="/exports">All exports</Link>
      </p>
      <LoadState loading={loading} what="the export" error={error} onRetry={reload} />
      {item && progress && (
        <>
          <section aria-labelledby="export-progress-heading">
            <h2 id="export-progress-heading">Progress</h2>
            {/* a failure is the one thing to hear now: an alert; a retried attempt stays beside the progress */}
            <JobStatus progress={item.job.phase === 'failed' ? { ...progress, problem: null } : progress} label="Export progress" />
            {item.job.phase === 'failed' && <Alert message={progress.problem} />}
            <JobAnnouncer progress={progress} />
            {item.job.phase === 'done' && (
              <p>
                <a className="button-link" href={exportDownloadPath(item.id)} download>
                  Download export (zip)
                </a>
              </p>
            )}
          </section>

          <section aria-labelledby="export-details-heading">
            <h2 id="export-details-heading">Details</h2>
            <dl className="facts">
              <dt>What</dt>
              <dd>
                <ExportScopeText scope={item.scope} />
              </dd>
              <dt>Formats</dt>
              <dd>{formatNames(item.formats)}</dd>
              <dt>Time zone of PDF transcripts</dt>
              <dd>{zoneName(item.timeZone)}</dd>
              <dt>Production numbers</dt>
              <dd>
                <code>{item.batesPrefix}00000001</code> onwards
              </dd>
              <dt>Requested</dt>
              <dd>
                <time dateTime={item.requestedAt}>{formatUtc(item.requestedAt)}</time> by {item.requestedBy} ({item.requestedRole})
              </dd>
              {item.result && (
                <>
                  <dt>Records produced</dt>
                  <dd>{records(item.result.records)}</dd>
                  <dt>Documents</dt>
                  <dd>{item.result.documents.toLocaleString('en')}</dd>
                  <dt>Files</dt>
                  <dd>
                    {item.result.files.toLocaleString('en')} ({formatBytes(item.result.bytes)})
                  </dd>
                  <dt>Manifest SHA-256</dt>
                  <dd>
                    <code className="hash">{item.result.manifestSha256}</code>
                  </dd>
                  <dt>Certificate</dt>
                  <dd>
                    <code className="hash">{item.result.certificateKey}</code>
                  </dd>
                  <dt>Completed</dt>
                  <dd>
                    <time dateTime={item.result.completedAt}>{formatUtc(item.result.completedAt)}</time>
                  </dd>
                </>
              )}
              <dt>Export id</dt>
              <dd>
                <code>{item.id}</code>
              </dd>
            </dl>
          </section>
        </>
      )}
    </>
  );
}
