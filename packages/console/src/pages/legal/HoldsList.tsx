import { useMemo } from 'react';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { formatUtc } from '../../format';
import { canPlaceHolds, holdPath, legalApi } from '../../legal-api';
import { holdJobRunning, holdProgress } from '../../legal-jobs';
import { holdScopeLine } from '../../legal-scope';
import type { Hold } from '../../legal-types';
import { Link } from '../../router';
import { JobStatus } from './JobStatus';
import { HoldStatus, HoldReportLinks } from './HoldParts';
import { usePolled } from './usePolled';

const loadHolds = async (signal: AbortSignal) => (await legalApi.holds(signal)).holds;
const anyRunning = (holds: Hold[]) => holds.some((h) => holdJobRunning(h.job));

/**
 * Every hold of the tenant, newest first, with its job's progress. While any job runs the list is
 * asked for again (one GET /v1/holds for all of them, rather than one call per running hold).
 */
export function HoldsList({ role }: { role: string }) {
  const { data, loading, error, reload } = usePolled(loadHolds, anyRunning, 'read legal holds');
  const holds = useMemo(() => (data ? [...data].reverse() : null), [data]);

  return (
    <>
      <PageHeading title="Legal holds">Legal holds</PageHeading>
      <div className="legal-actions">
        {canPlaceHolds(role) ? (
          <Link to="/holds/new" className="button-link">
            Place a hold from the current search
          </Link>
        ) : (
          <p className="muted">Only the legal role can place and release holds; your role ({role}) can read them and export them.</p>
        )}
        <HoldReportLinks />
      </div>

      <LoadState loading={loading} what="the legal holds" error={error} onRetry={reload} />
      {holds && holds.length === 0 && <p>No legal holds have been placed yet.</p>}
      {holds && holds.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Legal holds, scrollable">
          <table className="hits legal-table">
            <thead>
              <tr>
                <th scope="col">Matter</th>
                <th scope="col">Status</th>
                <th scope="col">Scope</th>
                <th scope="col">Reason</th>
                <th scope="col">Placed</th>
                <th scope="col">Job</th>
              </tr>
            </thead>
            <tbody>
              {holds.map((hold) => (
                <tr key={hold.id}>
                  <td>
                    <Link to={holdPath(hold.id)}>{hold.matter}</Link>
                  </td>
                  <td className="nowrap">
                    <HoldStatus status={hold.status} />
                  </td>
                  <td>{holdScopeLine(hold.scope)}</td>
                  <td>{hold.reason}</td>
                  <td>
                    <time dateTime={hold.placedAt}>{formatUtc(hold.placedAt)}</time>
                    <span className="muted"> by {hold.placedBy}</span>
                  </td>
                  <td>
                    <JobStatus progress={holdProgress(hold.job)} label={`Job progress: ${hold.matter}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
