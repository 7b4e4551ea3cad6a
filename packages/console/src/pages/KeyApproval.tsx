import { useRef, useState, type FormEvent } from 'react';
import { apiRequest } from '../api';
import { Alert } from '../components/Alert';
import { PageHeading } from '../components/PageHeading';
import { userMessage } from '../errors';
import { OneTimeToken } from '../components/OneTimeToken';

interface Approved {
  id: string;
  role: string;
  token: string;
  requestedBy?: string;
}

const KEY_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;

/**
 * Separation of duties: an admin may only ask for a compliance, legal or reviewer key; a holder of
 * that role (compliance, for a reviewer's) approves the request here and receives the token, once,
 * to hand to its new holder. The admin who asked tells the approver the request's id (the admin's
 * API keys page lists it as pending).
 */
export function KeyApproval() {
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [approved, setApproved] = useState<Approved | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const approve = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const wanted = id.trim();
    if (!KEY_ID.test(wanted)) {
      setProblem('Enter the id of the key request: 3–63 lowercase letters, digits and dashes.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    apiRequest<Approved>('POST', `/v1/admin/api-keys/${encodeURIComponent(wanted)}/approve`)
      .then((key) => {
        setApproved(key);
        setId('');
      })
      .catch((err: unknown) => {
        setProblem(
          userMessage(err, { action: 'approve this key request', notFound: `No pending key request ${wanted}: check the id with the admin who asked.` }),
        );
        input.current?.focus();
      })
      .finally(() => setBusy(false));
  };

  return (
    <>
      <PageHeading title="Key requests">Key requests</PageHeading>
      <p className="muted">
        Keys for the compliance, legal and reviewer roles need a second person: an admin asks for one, and a holder of that role (compliance, for a reviewer’s)
        approves it here and receives the token. Custody keeps only its hash.
      </p>
      {approved && (
        <OneTimeToken
          heading={`Approved key ${approved.id} (${approved.role})`}
          token={approved.token}
          warning="Copy this key now and hand it to its holder. It will not be shown again."
          onDone={() => setApproved(null)}
        >
          {approved.requestedBy && <p>Requested by {approved.requestedBy}.</p>}
        </OneTimeToken>
      )}
      <form onSubmit={approve} noValidate aria-labelledby="approve-heading">
        <h2 id="approve-heading">Approve a key request</h2>
        <label htmlFor="key-request-id">Key request id</label>
        <input
          id="key-request-id"
          ref={input}
          value={id}
          onChange={(e) => setId(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'key-request-problem' : undefined}
        />
        <div id="key-request-problem">
          <Alert message={problem} />
        </div>
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Approving…' : 'Approve request'}
        </button>
      </form>
    </>
  );
}
