import { useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import {
  ROLE_DESCRIPTIONS,
  approverOf,
  employeeIdProblem,
  isIssued,
  keyIdProblem,
  keyRows,
  needsApproval,
  pendingMessage,
  type KeyRow,
} from '../../admin-keys';
import { ROLES } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { InputField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { OneTimeToken } from '../../components/OneTimeToken';
import { PageHeading } from '../../components/PageHeading';
import { ApiError, userMessage } from '../../errors';
import { formatUtc } from '../../format';
import { ConfirmAction, Loading, TableScroll } from './common';
import { useLoad } from './use-load';

type Issued = { id: string; role: string; token: string };

/** /admin/keys: the tenant's API keys, creating one (its token shown once) and revoking one. */
export function KeysPage() {
  const { load, reload } = useLoad((signal) => adminApi.keys(signal), 'list API keys');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);

  const announce = (message: string) => {
    setNotice(message);
    requestAnimationFrame(() => noticeLine.current?.focus());
  };

  const revoke = (row: KeyRow) =>
    adminApi.revokeKey(row.id).then(
      (r) => {
        setFailure(null);
        announce(r.status === 'pending_request_withdrawn' ? `Request for key ${row.id} withdrawn.` : `Key ${row.id} revoked. It no longer signs anyone in.`);
        reload();
        return true;
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return false;
        setNotice('');
        setFailure(`Key ${row.id} not revoked: ${userMessage(err, { action: 'revoke API keys', notFound: `Key ${row.id} no longer exists.` })}`);
        return false;
      },
    );

  return (
    <>
      <PageHeading title="API keys">API keys</PageHeading>
      <p className="muted">
        Keys sign people and systems in to Custody with one role each. Keys for the compliance, legal and reviewer roles need a second person: an admin asks, a
        holder of that role (of compliance, for a reviewer) approves and receives the token.
      </p>

      {issued && (
        <OneTimeToken
          heading={`New key ${issued.id} (${issued.role})`}
          token={issued.token}
          warning="Copy this key now. It will not be shown again: Custody keeps only its hash."
          onDone={() => setIssued(null)}
        />
      )}

      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      <Alert message={failure} />

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        {load.status === 'loading' && <Loading what="the keys" />}
        {load.status === 'error' && <Alert message={load.message} />}
        {load.status === 'done' && <KeyTable rows={keyRows(load.data)} onRevoke={revoke} />}
      </section>

      <CreateKey
        onIssued={(key) => {
          setNotice('');
          setFailure(null);
          setIssued(key);
          reload();
        }}
        onPending={(id, role) => {
          setIssued(null);
          setFailure(null);
          announce(pendingMessage(id, role));
          reload();
        }}
      />
    </>
  );
}

function KeyTable({ rows, onRevoke }: { rows: KeyRow[]; onRevoke: (row: KeyRow) => Promise<boolean> }) {
  if (rows.length === 0) return <p className="empty">No keys yet — create one below.</p>;
  return (
    <TableScroll label="API keys">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Key id</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.kind}:${row.id}`}>
              <th scope="row" className="code">
                {row.id}
              </th>
              <td>
                {row.role}
                {row.employeeId && <span className="cell-note">Employee {row.employeeId}</span>}
              </td>
              <td>
                <KeyStatus row={row} />
              </td>
              <td>
                {row.kind === 'key' && row.source === 'environment' ? (
                  <span className="muted">Configured by the operator (CUSTODY_API_KEYS); removed there</span>
                ) : (
                  <ConfirmAction
                    label={
                      <>
                        {row.kind === 'pending' ? 'Withdraw request' : 'Revoke'}
                        <span className="visually-hidden"> {row.id}</span>
                      </>
                    }
                    question={
                      row.kind === 'pending' ? `Withdraw the request for key ${row.id}?` : `Revoke key ${row.id}? Whoever uses it is signed out at once.`
                    }
                    confirmLabel={row.kind === 'pending' ? `Withdraw ${row.id}` : `Yes, revoke ${row.id}`}
                    busyLabel="Revoking…"
                    onConfirm={() => onRevoke(row)}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function KeyStatus({ row }: { row: KeyRow }) {
  if (row.kind === 'key') return <span className="status-ok">Active</span>;
  return (
    <>
      <span className="status-pending">Pending approval</span>
      <span className="cell-note">
        By a {approverOf(row.role)} key holder
        {row.requestedBy && `; asked by ${row.requestedBy}`}
        {row.requestedAt && ` on ${formatUtc(row.requestedAt)}`}. They approve with POST /v1/admin/api-keys/{row.id}/approve.
      </span>
    </>
  );
}

function CreateKey({ onIssued, onPending }: { onIssued: (key: Issued) => void; onPending: (id: string, role: string) => void }) {
  const [role, setRole] = useState('auditor');
  const [id, setId] = useState('');
  const [idError, setIdError] = useState<string | null>(null);
  const [employeeId, setEmployeeId] = useState('');
  const [employeeError, setEmployeeError] = useState<string | null>(null);
  const employeeInput = useRef<HTMLInputElement>(null);
  const { busy, failure, setFailure, handleSubmit, send } = useSubmit();
  const idInput = useRef<HTMLInputElement>(null);

  const submit = handleSubmit(() => {
    const problem = keyIdProblem(id.trim());
    const employeeProblem = employeeIdProblem(role, employeeId.trim());
    setIdError(problem);
    setEmployeeError(employeeProblem);
    setFailure(null);
    if (problem || employeeProblem) {
      (problem ? idInput : employeeInput).current?.focus();
      return;
    }
    send(
      adminApi.createKey(role, id.trim() || undefined, employeeId.trim() || undefined),
      (created) => {
        setId('');
        setEmployeeId('');
        if (isIssued(created)) onIssued({ id: created.id, role: created.role, token: created.token });
        else onPending(created.id, created.role);
      },
      (err) => `No key created: ${userMessage(err, { action: 'create API keys' })}`,
    );
  });

  return (
    <section aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create a key</h2>
      <form className="admin-form" onSubmit={submit} noValidate aria-labelledby="create-key-heading">
        <div className="field">
          <label htmlFor="key-role">Role</label>
          <select id="key-role" value={role} onChange={(e) => setRole(e.target.value)} aria-describedby="key-role-hint">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <p id="key-role-hint" className="hint">
            {ROLE_DESCRIPTIONS[role]}
            {needsApproval(role) && ` You will not see this key’s token: the ${approverOf(role)} holder who approves it receives it.`}
          </p>
        </div>
        <InputField
          ref={idInput}
          id="key-id"
          label="Key id (optional)"
          hint="Shown in audit records, e.g. ci-export. Left empty, Custody chooses one."
          error={idError ?? undefined}
          type="text"
          value={id}
          maxLength={63}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setId(e.target.value)}
        />
        <InputField
          ref={employeeInput}
          id="key-employee"
          label={role === 'reviewer' ? 'Employee id' : 'Employee id (optional)'}
          hint="The directory employee who holds the key. Supervision needs it to keep a reviewer (or compliance) from reviewing their own messages or their reporting chain."
          error={employeeError ?? undefined}
          type="text"
          value={employeeId}
          maxLength={256}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setEmployeeId(e.target.value)}
        />
        <FormActions label={needsApproval(role) ? 'Request key' : 'Create key'} busy={busy} busyLabel="Creating…" failure={failure} />
      </form>
    </section>
  );
}
