import { useEffect, useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import { activityOf, countText, lastEventText } from '../../admin-health';
import type { ConnectorActivity, ConnectorSaved, ConnectorSummary } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { Link } from '../../router';
import { ConnectorForm } from './ConnectorForm';
import { Loading, TableScroll } from './common';
import { useLoad } from './use-load';
import { WebhookAddress } from './WebhookAddress';

export const connectorPath = (name: string) => `/admin/connectors/${encodeURIComponent(name)}`;

/** The connectors and their activity; health figures are a bonus: the list shows without them. */
export async function connectorsWithActivity(signal: AbortSignal): Promise<{ connectors: ConnectorSummary[]; activity: ConnectorActivity[] | null }> {
  const [list, health] = await Promise.all([
    adminApi.connectors(signal),
    adminApi.health(signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      return null;
    }),
  ]);
  return { connectors: [...list.connectors].sort((a, b) => a.id.localeCompare(b.id)), activity: health?.connectors ?? null };
}

/** /admin/connectors: the tenant's connector instances, and adding one. */
export function ConnectorsPage() {
  const { load, reload } = useLoad(connectorsWithActivity, 'list connectors');
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<ConnectorSaved | null>(null);
  const savedHeading = useRef<HTMLHeadingElement>(null);
  const addHeading = useRef<HTMLHeadingElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (saved) savedHeading.current?.focus();
  }, [saved]);
  useEffect(() => {
    if (adding) addHeading.current?.focus();
  }, [adding]);

  const startAdding = () => {
    setSaved(null);
    setAdding(true);
  };
  const cancelAdding = () => {
    setAdding(false);
    requestAnimationFrame(() => addButton.current?.focus());
  };
  const added = (result: ConnectorSaved) => {
    setAdding(false);
    setSaved(result);
    reload();
  };

  return (
    <>
      <PageHeading title="Connectors">Connectors</PageHeading>
      <p className="muted">Each instance receives one vendor account’s webhooks (or imports) and archives what arrives.</p>

      {saved && (
        <section className="panel panel-ok" aria-labelledby="saved-heading">
          <h2 id="saved-heading" ref={savedHeading} tabIndex={-1}>
            Connector {saved.id} added
          </h2>
          <WebhookAddress connector={saved.connector} webhookPath={saved.webhookPath} />
          <p>
            <Link to={connectorPath(saved.id)}>Open {saved.id}</Link> to follow its activity once the vendor starts sending.
          </p>
        </section>
      )}

      {load.status === 'loading' && <Loading what="the connectors" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && (
        <>
          {load.data.connectors.length === 0 ? (
            !adding && <p className="empty">No connectors yet — add one to start archiving a channel.</p>
          ) : (
            <ConnectorTable connectors={load.data.connectors} activity={load.data.activity} />
          )}
          {load.data.activity === null && load.data.connectors.length > 0 && (
            <p className="muted">Activity figures are not available right now: last events and counts show as unavailable.</p>
          )}
        </>
      )}

      {adding ? (
        <section aria-labelledby="add-heading">
          <h2 id="add-heading" ref={addHeading} tabIndex={-1}>
            Add a connector
          </h2>
          <ConnectorForm onSaved={added} />
          <p>
            <button type="button" className="button-secondary" onClick={cancelAdding}>
              Cancel adding
            </button>
          </p>
        </section>
      ) : (
        <p>
          <button ref={addButton} type="button" onClick={startAdding}>
            Add a connector
          </button>
        </p>
      )}
    </>
  );
}

function ConnectorTable({ connectors, activity }: { connectors: ConnectorSummary[]; activity: ConnectorActivity[] | null }) {
  return (
    <TableScroll label="Connectors">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Connector</th>
            <th scope="col">Last event</th>
            <th scope="col">Quarantined today</th>
            <th scope="col">Dead-lettered today</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {connectors.map((c) => {
            const a = activity ? activityOf(c, activity) : null;
            return (
              <tr key={c.id}>
                <th scope="row">
                  <Link to={connectorPath(c.id)}>{c.id}</Link>
                </th>
                <td>{c.connector}</td>
                <td>{activity ? lastEventText(a?.lastEventAt) : 'unavailable'}</td>
                <td className={a?.quarantinedToday ? 'attention' : undefined}>{countText(a?.quarantinedToday)}</td>
                <td className={a?.deadLetteredToday ? 'attention' : undefined}>{countText(a?.deadLetteredToday)}</td>
                <td>
                  <ActivityStatus activity={a} known={activity !== null} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** In words, never in colour alone. */
export function ActivityStatus({ activity, known }: { activity: ConnectorActivity | null; known: boolean }) {
  if (!known || !activity) return <span className="muted">Unknown</span>;
  if (activity.silent) return <span className="status-bad">Silent</span>;
  if (!activity.lastEventAt) return <span className="status-pending">No events yet</span>;
  return <span className="status-ok">Receiving</span>;
}
