import { useMemo, useRef, useState, type FormEvent } from 'react';
import { adminApi } from '../../admin-api';
import { CSV_EXAMPLE, csvExampleHref, describeRange, filterEmployees, importSummary, kindLabel } from '../../admin-directory';
import type { Employee } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { ApiError, userMessage } from '../../errors';
import { formatCount } from '../../format';
import { ConfirmAction, Loading, TableScroll } from './common';
import { EmployeeForm } from './EmployeeForm';
import { useLoad } from './use-load';

/** Rows drawn at once: a directory of thousands is narrowed with the filter, not scrolled through. */
const SHOWN = 200;

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; employee: Employee };

/** /admin/directory: the employees, which identifiers were theirs when, and a CSV import. */
export function DirectoryPage() {
  const { load, reload } = useLoad((signal) => adminApi.directory(signal), 'read the directory');
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const [filter, setFilter] = useState('');
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  const employees = load.status === 'done' ? load.data.employees : [];
  const ids = useMemo(() => new Set(employees.map((e) => e.employeeId)), [employees]);
  const shown = useMemo(() => filterEmployees(employees, filter), [employees, filter]);

  const announce = (message: string) => {
    setFailure(null);
    setNotice(message);
    requestAnimationFrame(() => noticeLine.current?.focus());
  };
  const startEditing = (next: Editing) => {
    setNotice('');
    setFailure(null);
    setEditing(next);
  };
  const remove = (employeeId: string) =>
    adminApi.removeEmployee(employeeId).then(
      () => {
        announce(`Employee ${employeeId} removed from the directory.`);
        reload();
        return true;
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return false;
        setNotice('');
        setFailure(
          `Employee ${employeeId} not removed: ${userMessage(err, { action: 'edit the directory', notFound: `Employee ${employeeId} is no longer in the directory.` })}`,
        );
        return false;
      },
    );

  return (
    <>
      <PageHeading title="Employee directory">Employee directory</PageHeading>
      <p className="muted">
        Who the firm’s employees are, and which phones, email addresses and handles were theirs when: records are attributed to employees through it.
      </p>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      <Alert message={failure} />

      {editing.kind === 'none' ? (
        <p>
          <button ref={addButton} type="button" onClick={() => startEditing({ kind: 'new' })}>
            Add an employee
          </button>
        </p>
      ) : (
        <EmployeeForm
          key={editing.kind === 'edit' ? editing.employee.employeeId : 'new'}
          employee={editing.kind === 'edit' ? editing.employee : null}
          existingIds={ids}
          onSaved={(id, created) => {
            setEditing({ kind: 'none' });
            announce(created ? `Employee ${id} added.` : `Employee ${id} saved.`);
            reload();
          }}
          onCancel={() => {
            setEditing({ kind: 'none' });
            requestAnimationFrame(() => addButton.current?.focus());
          }}
        />
      )}

      <section aria-labelledby="employees-heading">
        <h2 id="employees-heading">Employees</h2>
        {load.status === 'loading' && <Loading what="the directory" />}
        {load.status === 'error' && <Alert message={load.message} />}
        {load.status === 'done' && employees.length === 0 && <p className="empty">No employees yet — add one, or import a CSV file below.</p>}
        {load.status === 'done' && employees.length > 0 && (
          <>
            <div className="field filter">
              <label htmlFor="employee-filter">Filter employees</label>
              <input id="employee-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} aria-describedby="employee-count" />
            </div>
            <p id="employee-count" className="muted" aria-live="polite">
              {shown.length === employees.length
                ? `${formatCount(employees.length)} ${employees.length === 1 ? 'employee' : 'employees'}`
                : `${formatCount(shown.length)} of ${formatCount(employees.length)} employees match`}
              {shown.length > SHOWN && `; the first ${SHOWN} are shown, filter to narrow`}.
            </p>
            {shown.length === 0 ? (
              <p className="empty">No employee matches the filter.</p>
            ) : (
              <EmployeeTable employees={shown.slice(0, SHOWN)} onEdit={(employee) => startEditing({ kind: 'edit', employee })} onRemove={remove} />
            )}
          </>
        )}
      </section>

      <CsvImport onImported={reload} />
    </>
  );
}

function EmployeeTable({ employees, onEdit, onRemove }: { employees: Employee[]; onEdit: (e: Employee) => void; onRemove: (id: string) => Promise<boolean> }) {
  return (
    <TableScroll label="Employees">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Employee id</th>
            <th scope="col">Name</th>
            <th scope="col">Identifiers (effective, UTC)</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {employees.map((e) => (
            <tr key={e.employeeId}>
              <th scope="row" className="code">
                {e.employeeId}
              </th>
              <td>{e.name ?? <span className="muted">No name</span>}</td>
              <td>
                {e.identifiers.length === 0 ? (
                  <span className="muted">None</span>
                ) : (
                  <ul className="identifiers">
                    {e.identifiers.map((i, n) => (
                      <li key={n}>
                        {kindLabel(i.kind)} <span className="code">{i.value}</span> <span className="muted">({describeRange(i.from, i.to)})</span>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <div className="row-actions">
                  <button type="button" className="button-secondary" onClick={() => onEdit(e)}>
                    Edit<span className="visually-hidden"> {e.employeeId}</span>
                  </button>
                  <ConfirmAction
                    label={
                      <>
                        Delete<span className="visually-hidden"> {e.employeeId}</span>
                      </>
                    }
                    question={`Remove ${e.employeeId} from the directory?`}
                    confirmLabel={`Yes, delete ${e.employeeId}`}
                    busyLabel="Deleting…"
                    onConfirm={() => onRemove(e.employeeId)}
                  />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** POST /v1/admin/directory/import: one CSV file, its result counts or the lines the API refused. */
function CsvImport({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<{ status: 'idle' | 'busy' } | { status: 'done' | 'error'; text: string }>({ status: 'idle' });
  const input = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state.status === 'busy') return;
    if (!file) {
      setState({ status: 'error', text: 'Choose a CSV file first.' });
      input.current?.focus();
      return;
    }
    setState({ status: 'busy' });
    adminApi.importDirectory(file).then(
      (result) => {
        setState({ status: 'done', text: importSummary(result) });
        onImported();
      },
      (err: unknown) => {
        setState({ status: 'error', text: `Not imported: ${userMessage(err, { action: 'edit the directory' })}` });
      },
    );
  };

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading">Import from CSV</h2>
      <p>
        One row per identifier, with a header row: <code>employeeId,name,kind,value,from,to</code>. An employee’s rows share its id and name; <code>kind</code>{' '}
        is <code>phone</code>, <code>email</code> or <code>handle</code>; <code>from</code> and <code>to</code> are ISO 8601 instants in UTC (
        <code>2024-01-01T00:00:00Z</code>), or empty for no limit, <code>to</code> excluded. Employees in the file are added or updated.
      </p>
      <pre className="csv-example" tabIndex={0} role="region" aria-label="Example CSV">
        {CSV_EXAMPLE}
      </pre>
      <p>
        <a href={csvExampleHref()} download="directory-example.csv">
          Download the example CSV
        </a>
      </p>
      <form className="admin-form" onSubmit={submit} noValidate aria-labelledby="import-heading">
        <div className="field">
          <label htmlFor="directory-csv">CSV file</label>
          <input
            ref={input}
            id="directory-csv"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setState({ status: 'idle' });
            }}
          />
        </div>
        <div className="form-actions">
          <button type="submit" aria-disabled={state.status === 'busy' || undefined}>
            {state.status === 'busy' ? 'Uploading…' : 'Upload CSV'}
          </button>
        </div>
      </form>
      <p role="status" className="success" aria-busy={state.status === 'busy' || undefined}>
        {state.status === 'busy' ? 'Importing the file…' : state.status === 'done' ? state.text : ''}
      </p>
      {/* the API names the lines at fault, one a line: kept as lines */}
      {state.status === 'error' && (
        <div role="alert" className="alert alert-lines">
          {state.text}
        </div>
      )}
    </section>
  );
}
