import { useRef, useState } from 'react';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { ApiError, userMessage } from '../../errors';
import { formatUtc } from '../../format';
import { Link } from '../../router';
import { policyPath } from '../../routes';
import { canWritePolicies, supervisionApi } from '../../supervision-api';
import { shortVersion } from '../../supervision-plans';
import type { PolicySummary, StarterPackView } from '../../supervision-types';
import { Loading, TableScroll } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { PolicySourceForm } from './PolicySourceForm';

/**
 * /supervision/policies: the tenant's policies with the version in force, the starter packs to
 * enable (each archived as it ships), and a policy of one's own typed or uploaded. Auditors read.
 */
export function PoliciesPage({ role }: { role: string }) {
  const policies = useLoad((signal) => supervisionApi.policies(signal), 'read supervision policies');
  const writer = canWritePolicies(role);

  return (
    <>
      <PageHeading title="Supervision policies">Supervision policies</PageHeading>
      <p className="muted">
        A policy is a list of rules a message is screened with as it is archived; each hit raises an alert in the policy’s review queue. Every version is
        archived to WORM before it screens anything.
      </p>
      <section aria-labelledby="policies-heading">
        <h2 id="policies-heading">Policies</h2>
        {policies.load.status === 'loading' && <Loading what="the policies" />}
        {policies.load.status === 'error' && <Alert message={policies.load.message} />}
        {policies.load.status === 'done' && <PolicyTable policies={policies.load.data.policies} />}
      </section>
      {writer && (
        <StarterPacks enabled={policies.load.status === 'done' ? policies.load.data.policies.map((p) => p.policyId) : null} onEnabled={policies.reload} />
      )}
      {writer && (
        <section aria-labelledby="policy-upload-heading">
          <h2 id="policy-upload-heading">Add or change a policy</h2>
          <PolicySourceForm idPrefix="policy-upload" onArchived={policies.reload} />
        </section>
      )}
    </>
  );
}

function PolicyTable({ policies }: { policies: PolicySummary[] }) {
  if (policies.length === 0) return <p className="empty">No policies yet: enable a starter pack or add a policy below.</p>;
  return (
    <TableScroll label="Policies">
      <table className="admin-table">
        <caption className="visually-hidden">Supervision policies and the version in force</caption>
        <thead>
          <tr>
            <th scope="col">Policy</th>
            <th scope="col">Severity</th>
            <th scope="col">Rules</th>
            <th scope="col">Version in force</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <tr key={p.policyId}>
              <th scope="row">
                <Link to={policyPath(p.policyId)}>{p.name}</Link>
                <span className="cell-note">{p.policyId}</span>
              </th>
              <td>{p.severity}</td>
              <td>{p.rules}</td>
              <td>
                <code title={p.version}>{shortVersion(p.version)}</code>
              </td>
              <td>
                <time dateTime={p.archivedAt}>{formatUtc(p.archivedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The packs Custody ships: enabling one archives its YAML, as shipped, as a version of the policy it names. */
function StarterPacks({ enabled, onEnabled }: { enabled: string[] | null; onEnabled: () => void }) {
  const packs = useLoad((signal) => supervisionApi.starterPacks(signal), 'read the starter packs');
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);

  const enable = (pack: StarterPackView) => {
    if (busy) return;
    setBusy(pack.id);
    setFailure(null);
    supervisionApi.savePolicy(pack.id, 'yaml', pack.source).then(
      (archived) => {
        setBusy(null);
        setNotice(`${pack.name} is enabled: version ${shortVersion(archived.version)} screens messages from now on.`);
        requestAnimationFrame(() => noticeLine.current?.focus());
        onEnabled();
      },
      (err: unknown) => {
        setBusy(null);
        if (err instanceof ApiError && err.status === 401) return;
        setNotice('');
        setFailure(`${pack.name} not enabled: ${userMessage(err, { action: 'write supervision policies' })}`);
      },
    );
  };

  return (
    <section aria-labelledby="packs-heading">
      <h2 id="packs-heading">Starter packs</h2>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      <Alert message={failure} />
      {packs.load.status === 'loading' && <Loading what="the starter packs" />}
      {packs.load.status === 'error' && <Alert message={packs.load.message} />}
      {packs.load.status === 'done' && (
        <ul className="packs">
          {packs.load.data.packs.map((pack) => (
            <li key={pack.id}>
              <span>
                <span className="pack-name">{pack.name}</span>
                <span className="cell-note">{pack.id}</span>
              </span>
              {enabled?.includes(pack.id) ? (
                <span className="status-ok">Enabled</span>
              ) : (
                <button type="button" className="button-secondary" onClick={() => enable(pack)} aria-disabled={busy === pack.id || undefined}>
                  {busy === pack.id ? 'Enabling…' : `Enable ${pack.name}`}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
