import { PageHeading } from '../../components/PageHeading';
import { formatCount, formatUtc } from '../../format';
import { Link, useLocationSearch } from '../../router';
import { alertPath } from '../../routes';
import { canWorkAlerts, supervisionApi } from '../../supervision-api';
import { DEFAULT_FILTERS, ageOf, filtersFromSearch, searchFromFilters } from '../../supervision-queue';
import type { QueueView } from '../../supervision-types';
import { Loading, TableScroll } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { Alert } from '../../components/Alert';
import { AlertList } from './AlertList';
import { QueueFilterForm } from './QueueFilterForm';

/**
 * /review: the queues (one per policy and sampling plan) with what is open in each, the alerts of
 * the filters in the address, paged, and, for those who work them, a bulk close of the ones chosen.
 * Auditors read the same page without the controls that change anything.
 */
export function QueuesPage({ role }: { role: string }) {
  const search = useLocationSearch();
  const filters = filtersFromSearch(search);
  const queues = useLoad((signal) => supervisionApi.queues(signal), 'read the review queues');
  const queueNames = queues.load.status === 'done' ? queues.load.data.queues.map((q) => q.queue) : [];

  return (
    <>
      <PageHeading title="Review queues">Review queues</PageHeading>
      {canWorkAlerts(role) && <Notifications />}

      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues</h2>
        {queues.load.status === 'loading' && <Loading what="the queues" />}
        {queues.load.status === 'error' && <Alert message={queues.load.message} />}
        {queues.load.status === 'done' && <QueueTable queues={queues.load.data.queues} />}
      </section>

      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Alerts</h2>
        <QueueFilterForm key={`filters${search}`} filters={filters} queues={queueNames} role={role} />
        {/* a new address is a new list: its selection and any bulk result belong to the old one */}
        <AlertList key={`alerts${search}`} filters={filters} role={role} onChanged={queues.reload} />
      </section>
    </>
  );
}

function QueueTable({ queues }: { queues: QueueView[] }) {
  if (queues.length === 0)
    return <p className="empty">No queues yet: a queue appears when a policy raises its first alert or a sampling plan draws its first record.</p>;
  const now = Date.now();
  return (
    <TableScroll label="Queues">
      <table className="admin-table">
        <caption className="visually-hidden">Open alerts in each queue</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Kind</th>
            <th scope="col">Open</th>
            <th scope="col">Escalated</th>
            <th scope="col">Unassigned</th>
            <th scope="col">Oldest open</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.queue}>
              <th scope="row">
                <Link to={`/review${searchFromFilters({ ...DEFAULT_FILTERS, queue: q.queue })}`}>{q.queue}</Link>
              </th>
              <td>{q.kind === 'hit' ? 'Policy hits' : 'Samples'}</td>
              <td>{formatCount(q.open)}</td>
              <td>{formatCount(q.escalated)}</td>
              <td>{formatCount(q.unassigned)}</td>
              <td>
                {q.oldestOpenAt ? (
                  <>
                    <time dateTime={q.oldestOpenAt}>{formatUtc(q.oldestOpenAt)}</time>
                    <span className="cell-note">{ageOf(q.oldestOpenAt, now)} ago</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** What other reviewers asked the signed-in person to look at. */
function Notifications() {
  const { load } = useLoad((signal) => supervisionApi.notifications(signal), 'read notifications');
  if (load.status === 'loading') return null;
  if (load.status === 'error') return <Alert message={load.message} />;
  const { notifications } = load.data;
  if (notifications.length === 0) return null;
  return (
    <section aria-labelledby="notifications-heading" className="panel panel-warning">
      <h2 id="notifications-heading">
        For you <span className="tag tag-attention">{formatCount(notifications.length)}</span>
      </h2>
      <ul className="notifications">
        {notifications.map((n) => (
          <li key={`${n.alert}:${n.at}`}>
            <Link to={alertPath(n.alert)}>{n.alert}</Link>: {n.message}
            <span className="cell-note">
              From {n.from}, <time dateTime={n.at}>{formatUtc(n.at)}</time>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
