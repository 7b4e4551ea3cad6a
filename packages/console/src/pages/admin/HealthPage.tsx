import { Fragment } from 'react';
import { adminApi } from '../../admin-api';
import { LAG_WARNING, countText, dayRows, healthHeadline, healthIssues, lastEventText } from '../../admin-health';
import type { AdminHealth } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { formatCount } from '../../format';
import { ActivityStatus } from './ConnectorsPage';
import { Loading, TableScroll } from './common';
import { useLoad } from './use-load';

/** /admin/health: is everything received accounted for, are consumers keeping up, has a connector gone quiet. */
export function HealthPage() {
  const { load, refreshing, reload } = useLoad((signal) => adminApi.health(signal), 'read system health');
  return (
    <>
      <PageHeading title="Health">Health</PageHeading>
      <p>
        <button type="button" className="button-secondary" onClick={reload} aria-disabled={refreshing || undefined}>
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </p>
      {load.status === 'loading' && <Loading what="the health figures" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && <HealthDetails health={load.data} refreshing={refreshing} />}
    </>
  );
}

function HealthDetails({ health, refreshing }: { health: AdminHealth; refreshing: boolean }) {
  const issues = healthIssues(health);
  const connectors = [...health.connectors].sort((a, b) => Number(Boolean(b.silent)) - Number(Boolean(a.silent)) || a.id.localeCompare(b.id));
  return (
    <div aria-busy={refreshing || undefined}>
      <p role="status" className={issues.length > 0 ? 'headline headline-bad' : 'headline'}>
        {healthHeadline(health)}
      </p>
      {issues.length > 0 && (
        <ul className="issues">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}

      <section aria-labelledby="today-heading">
        <h2 id="today-heading">Today{health.today && ` (${health.today.day}, UTC)`}</h2>
        {!health.today ? (
          <p className="empty">Today’s counts are not available from this deployment.</p>
        ) : (
          <dl className="facts">
            {dayRows(health.today).map((row) => (
              <Fragment key={row.key}>
                <dt>{row.label}</dt>
                <dd className={row.attention ? 'attention' : undefined}>
                  {row.value}
                  {row.attention && <span className="tag tag-attention">needs attention</span>}
                </dd>
              </Fragment>
            ))}
          </dl>
        )}
      </section>

      <section aria-labelledby="consumers-heading">
        <h2 id="consumers-heading">Consumer lag</h2>
        <p className="muted">Records each consumer group still has to process. A group {formatCount(LAG_WARNING)} or more behind is flagged.</p>
        {health.consumers.length === 0 ? (
          <p className="empty">No consumer groups reported.</p>
        ) : (
          <TableScroll label="Consumer lag">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Consumer group</th>
                  <th scope="col">Lag (records)</th>
                </tr>
              </thead>
              <tbody>
                {health.consumers.map((c) => (
                  <tr key={c.group}>
                    <th scope="row" className="code">
                      {c.group}
                    </th>
                    <td className={(c.lagRecords ?? 0) >= LAG_WARNING ? 'attention' : undefined}>
                      {countText(c.lagRecords)}
                      {(c.lagRecords ?? 0) >= LAG_WARNING && <span className="tag tag-attention">behind</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section aria-labelledby="health-connectors-heading">
        <h2 id="health-connectors-heading">Connectors</h2>
        {connectors.length === 0 ? (
          <p className="empty">No connectors have reported yet.</p>
        ) : (
          <TableScroll label="Connector activity">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                  <th scope="col">Connector</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last event</th>
                  <th scope="col">Quarantined today</th>
                  <th scope="col">Dead-lettered today</th>
                </tr>
              </thead>
              <tbody>
                {connectors.map((c) => (
                  <tr key={c.id}>
                    <th scope="row" className="code">
                      {c.id}
                    </th>
                    <td>{c.connector}</td>
                    <td>
                      <ActivityStatus activity={c} known={c.silent !== null} />
                    </td>
                    <td>{lastEventText(c.lastEventAt)}</td>
                    <td className={c.quarantinedToday ? 'attention' : undefined}>{countText(c.quarantinedToday)}</td>
                    <td className={c.deadLetteredToday ? 'attention' : undefined}>{countText(c.deadLetteredToday)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </div>
  );
}
