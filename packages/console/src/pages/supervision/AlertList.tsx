import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { formatUtc } from '../../format';
import { Link } from '../../router';
import { alertPath } from '../../routes';
import { canWorkAlerts, supervisionApi } from '../../supervision-api';
import {
  actorLabel,
  alertQuery,
  alertSubject,
  closableIds,
  pageCount,
  pageLine,
  searchFromFilters,
  stateLine,
  type QueueFilters,
} from '../../supervision-queue';
import type { AlertView, BulkResult } from '../../supervision-types';
import { Loading, TableScroll } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { BulkCloseForm, BulkResultPanel } from './BulkCloseForm';

/** One page of the alerts the filters select; those who work alerts choose open ones to close together. */
export function AlertList({ filters, role, onChanged }: { filters: QueueFilters; role: string; onChanged: () => void }) {
  const { load, reload } = useLoad((signal) => supervisionApi.alerts(alertQuery(filters), signal), 'read alerts');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<BulkResult | null>(null);
  const selectable = canWorkAlerts(role);

  if (load.status === 'loading') return <Loading what="the alerts" />;
  if (load.status === 'error') return <Alert message={load.message} />;
  const { alerts, total, hidden } = load.data;
  const open = closableIds(alerts);
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const closed = (result: BulkResult) => {
    setBulk(result);
    setSelected(new Set());
    reload();
    onChanged();
  };

  return (
    <>
      {bulk && <BulkResultPanel result={bulk} />}
      <p className="results-status" role="status">
        {pageLine(total, filters.page, alerts.length, hidden)}
      </p>
      {alerts.length > 0 && (
        <TableScroll label="Alerts">
          <table className="admin-table alert-table">
            <caption className="visually-hidden">Alerts, oldest first</caption>
            <thead>
              <tr>
                {selectable && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every open alert on this page"
                      checked={open.length > 0 && open.every((id) => selected.has(id))}
                      disabled={open.length === 0}
                      onChange={(e) => setSelected(new Set(e.target.checked ? open : []))}
                    />
                  </th>
                )}
                <th scope="col">Alert</th>
                <th scope="col">State</th>
                <th scope="col">Record</th>
                <th scope="col">Raised</th>
                <th scope="col">Assigned to</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <AlertRow key={alert.id} alert={alert} selectable={selectable} selected={selected.has(alert.id)} onSelect={(on) => toggle(alert.id, on)} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager filters={filters} total={total} />
      {selectable && open.length > 0 && <BulkCloseForm ids={[...selected].filter((id) => open.includes(id))} onClosed={closed} />}
    </>
  );
}

function AlertRow({ alert, selectable, selected, onSelect }: { alert: AlertView; selectable: boolean; selected: boolean; onSelect: (on: boolean) => void }) {
  const subject = alertSubject(alert);
  return (
    <tr>
      {selectable && (
        <td>
          {alert.status === 'open' && (
            <input
              type="checkbox"
              aria-label={`Select ${subject}, sent ${formatUtc(alert.record.sentAt)}`}
              checked={selected}
              onChange={(e) => onSelect(e.target.checked)}
            />
          )}
        </td>
      )}
      <td>
        <Link to={alertPath(alert.id)}>{subject}</Link>
        {alert.hit && <span className="cell-note">Severity {alert.hit.severity}</span>}
      </td>
      <td>
        <span className={alert.status === 'open' ? (alert.level === 2 ? 'attention' : 'status-pending') : 'status-ok'}>{stateLine(alert)}</span>
      </td>
      <td>
        {alert.record.channel} {alert.record.kind}, {alert.record.direction}
        <span className="cell-note">
          Sent <time dateTime={alert.record.sentAt}>{formatUtc(alert.record.sentAt)}</time>
        </span>
      </td>
      <td>
        <time dateTime={alert.raisedAt}>{formatUtc(alert.raisedAt)}</time>
      </td>
      <td>{alert.assignee ? actorLabel(alert.assignee) : <span className="muted">Nobody</span>}</td>
      <td>{alert.tags.length > 0 ? alert.tags.join(', ') : '—'}</td>
    </tr>
  );
}

/** Previous and next pages as links: each page has an address of its own. */
function Pager({ filters, total }: { filters: QueueFilters; total: number }) {
  const pages = pageCount(total);
  if (pages <= 1) return null;
  const to = (page: number) => `/review${searchFromFilters({ ...filters, page })}`;
  return (
    <nav className="pager" aria-label="Alert pages">
      {filters.page > 1 && <Link to={to(filters.page - 1)}>Previous page</Link>}
      <span>
        Page {filters.page} of {pages}
      </span>
      {filters.page < pages && <Link to={to(filters.page + 1)}>Next page</Link>}
    </nav>
  );
}
