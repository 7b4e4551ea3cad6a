import { useMemo } from 'react';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { formatUtc } from '../../format';
import { canProduce, exportDownloadPath, exportPath, legalApi } from '../../legal-api';
import { exportJobRunning, exportProgress } from '../../legal-jobs';
import { exportQueryFrom, formatNames, searchParts } from '../../legal-scope';
import type { ExportItem } from '../../legal-types';
import { Link } from '../../router';
import { formProblem, searchRequest } from '../../search-query';
import { useSearch } from '../../search-state';
import { ExportForm } from './ExportForm';
import { ExportScopeText } from './ExportParts';
import { JobStatus } from './JobStatus';
import { usePolled } from './usePolled';

const loadExports = async (signal: AbortSignal) => (await legalApi.exports(signal)).exports;
const anyRunning = (exports: ExportItem[]) => exports.some((e) => exportJobRunning(e.job));

/** Exports of the tenant, newest first, with their progress (asked again while any runs); one of the current search starts here. */
export function ExportsList({ role }: { role: string }) {
  const { data, loading, error, reload } = usePolled(loadExports, anyRunning, 'read exports');
  const exports = useMemo(() => (data ? [...data].reverse() : null), [data]);

  return (
    <>
      <PageHeading title="Exports">Exports</PageHeading>
      <section aria-labelledby="export-search-heading">
        <h2 id="export-search-heading">Export the current search</h2>
        {canProduce(role) ? <ExportSearch /> : <p>Only the legal and compliance roles can produce exports; your role ({role}) cannot.</p>}
      </section>

      <section aria-labelledby="export-list-heading" className="legal-section">
        <h2 id="export-list-heading">All exports</h2>
        <LoadState loading={loading} what="the exports" error={error} onRetry={reload} />
        {exports && exports.length === 0 && <p>No exports have been produced yet.</p>}
        {exports && exports.length > 0 && (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Exports, scrollable">
            <table className="hits legal-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">What</th>
                  <th scope="col">Formats</th>
                  <th scope="col">Requested</th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {exports.map((item) => (
                  <tr key={item.id}>
                    <td>
                      <Link to={exportPath(item.id)}>{item.name}</Link>
                    </td>
                    <td>
                      <ExportScopeText scope={item.scope} />
                    </td>
                    <td>{formatNames(item.formats)}</td>
                    <td>
                      <time dateTime={item.requestedAt}>{formatUtc(item.requestedAt)}</time>
                      <span className="muted"> by {item.requestedBy}</span>
                    </td>
                    <td>
                      <JobStatus progress={exportProgress(item)} label={`Export progress: ${item.name}`} />
                      {item.job.phase === 'done' && (
                        <a href={exportDownloadPath(item.id)} download>
                          Download<span className="visually-hidden"> {item.name}</span>
                        </a>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** The current search (the one on the Search page) as an export scope, or why there is none to export. */
function ExportSearch() {
  const { state } = useSearch();
  const problem = formProblem(state.form);
  const query = useMemo(() => exportQueryFrom(searchRequest(state.form)), [state.form]);
  if (!query) {
    return (
      <>
        <p>
          There is no current search. Search for the records to produce, then come back here to export them. To export a legal hold, open it from Legal holds.
        </p>
        <p>
          <Link to="/search">Go to Search</Link>
        </p>
      </>
    );
  }
  if (problem) {
    return (
      <p>
        The current search cannot be exported as it is: {problem} <Link to="/search">Change the search</Link>
      </p>
    );
  }
  return (
    <>
      <ul className="scope-list" aria-label="The current search">
        {searchParts(query).map((p) => (
          <li key={p.label}>
            {p.label}: {p.value}
          </li>
        ))}
      </ul>
      <p className="hint">Every record the search finds is produced, not only the pages shown.</p>
      <ExportForm scope={{ query }} defaultName="" idPrefix="search-export" />
    </>
  );
}
