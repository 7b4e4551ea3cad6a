import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { LoadState } from '../../components/LoadState';
import { PageHeading } from '../../components/PageHeading';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { formatUtc } from '../../format';
import { Link } from '../../router';
import { canWritePolicies, supervisionApi } from '../../supervision-api';
import { shortVersion } from '../../supervision-plans';
import type { PolicyDiff, PolicyHistory, PolicyVersionView } from '../../supervision-types';
import { TableScroll } from '../admin/common';
import { DiffView } from './DiffView';
import { PolicySourceForm } from './PolicySourceForm';
import { useFetched } from './use-fetched';

/**
 * /supervision/policies/<id>: the version in force and its rules, every version (each read back
 * from WORM and re-checked against its name), a diff between any two, and, for those who write
 * policies, the version in force to edit as a new one.
 */
export function PolicyPage({ id, role }: { id: string; role: string }) {
  const { load, reload } = useFetched(
    (signal) => supervisionApi.policy(id, signal),
    (err) => userMessage(err, { action: 'read supervision policies', notFound: `No supervision policy ${id} exists.` }),
  );
  const history = load.status === 'done' ? load.data : null;
  const title = history ? `Policy: ${history.current.policy.name}` : `Policy ${id}`;

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p className="back">
        <Link to="/supervision/policies">All policies</Link>
      </p>
      <LoadState loading={load.status === 'loading'} what="the policy" error={load.status === 'error' ? load.message : null} onRetry={reload} />
      {history && (
        <>
          <CurrentVersion history={history} />
          <Versions id={id} versions={history.versions} />
          {canWritePolicies(role) && (
            <section aria-labelledby="policy-edit-heading">
              <h2 id="policy-edit-heading">Edit as a new version</h2>
              <PolicySourceForm
                key={history.current.version}
                idPrefix="policy-edit"
                initial={{ format: 'json', source: JSON.stringify(history.current.policy, null, 2) }}
                onArchived={reload}
              />
            </section>
          )}
        </>
      )}
    </>
  );
}

function CurrentVersion({ history }: { history: PolicyHistory }) {
  const { policy, version, archivedAt, archivedBy } = history.current;
  return (
    <section aria-labelledby="policy-current-heading">
      <h2 id="policy-current-heading">Version in force</h2>
      <dl className="facts admin-facts">
        <dt>Version</dt>
        <dd>
          <code className="hash">{version}</code>
        </dd>
        <dt>Archived</dt>
        <dd>
          <time dateTime={archivedAt}>{formatUtc(archivedAt)}</time> by {archivedBy}
        </dd>
        <dt>Severity</dt>
        <dd>{policy.severity}</dd>
        {policy.description && (
          <>
            <dt>Description</dt>
            <dd>{policy.description}</dd>
          </>
        )}
        {policy.references.length > 0 && (
          <>
            <dt>References</dt>
            <dd>{policy.references.join('; ')}</dd>
          </>
        )}
        {policy.reviewerGuidance && (
          <>
            <dt>Reviewer guidance</dt>
            <dd>{policy.reviewerGuidance}</dd>
          </>
        )}
      </dl>
      <h3>Rules</h3>
      <ol className="rule-list">
        {policy.rules.map((rule) => (
          <li key={rule.id}>
            <span className="diff-heading">
              {rule.id}: {rule.description}
            </span>
            <code className="rule-match">{rule.match}</code>
            {rule.exclude.length > 0 && <span className="cell-note">Except: {rule.exclude.join(' · ')}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Versions({ id, versions }: { id: string; versions: PolicyVersionView[] }) {
  const newest = versions.length - 1;
  const [from, setFrom] = useState(versions[Math.max(0, newest - 1)]?.version ?? '');
  const [to, setTo] = useState(versions[newest]?.version ?? '');
  const [diff, setDiff] = useState<PolicyDiff | null>(null);
  const { busy, failure, handleSubmit, send } = useSubmit();

  const compare = handleSubmit(() => send(supervisionApi.policyDiff(id, from, to), setDiff, (err) => userMessage(err, { action: 'compare policy versions' })));

  return (
    <section aria-labelledby="policy-versions-heading">
      <h2 id="policy-versions-heading">Versions</h2>
      <TableScroll label="Policy versions">
        <table className="admin-table">
          <caption className="visually-hidden">Every version of the policy, oldest first; the last is in force</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Version</th>
              <th scope="col">Archived</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => (
              <tr key={v.version}>
                <td>{i + 1}</td>
                <td>
                  <code className="hash">{v.version}</code>
                  {i === newest && <span className="cell-note">In force</span>}
                </td>
                <td>
                  <time dateTime={v.archivedAt}>{formatUtc(v.archivedAt)}</time>
                </td>
                <td>{v.archivedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {versions.length > 1 && (
        <>
          <h3 id="policy-compare-heading">Compare two versions</h3>
          <form className="admin-form compare-form" onSubmit={compare} aria-labelledby="policy-compare-heading">
            <VersionChoice id="diff-from" label="From" versions={versions} value={from} onChange={setFrom} />
            <VersionChoice id="diff-to" label="To" versions={versions} value={to} onChange={setTo} />
            <FormActions label="Compare" busy={busy} busyLabel="Comparing…" />
          </form>
          <Alert message={failure} />
          {diff && (
            <div role="region" aria-label="Differences between the two versions">
              <DiffView diff={diff} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** One end of a comparison: any version, named by its number, short hash and date. */
function VersionChoice({
  id,
  label,
  versions,
  value,
  onChange,
}: {
  id: string;
  label: string;
  versions: PolicyVersionView[];
  value: string;
  onChange: (version: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {versions.map((v, i) => (
          <option key={v.version} value={v.version}>
            {`${i + 1}: ${shortVersion(v.version)}, ${formatUtc(v.archivedAt)}`}
          </option>
        ))}
      </select>
    </div>
  );
}
