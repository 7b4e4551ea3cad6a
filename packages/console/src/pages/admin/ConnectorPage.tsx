import { useEffect, useRef, useState } from 'react';
import { adminApi } from '../../admin-api';
import { activityOf, countText, lastEventText, plural } from '../../admin-health';
import type { ConnectorActivity, ConnectorSummary } from '../../admin-types';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { ApiError } from '../../errors';
import { formatUtc } from '../../format';
import { Link } from '../../router';
import { ConnectorForm } from './ConnectorForm';
import { ActivityStatus, connectorsWithActivity } from './ConnectorsPage';
import { Loading } from './common';
import { useLoad } from './use-load';
import { WebhookAddress } from './WebhookAddress';

/** /admin/connectors/<name>: one instance's webhook address, activity and settings. */
export function ConnectorPage({ name }: { name: string }) {
  const { load, reload } = useLoad(connectorsWithActivity, 'read connectors');
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const found = load.status === 'done' ? load.data.connectors.find((c) => c.id === name) : undefined;

  return (
    <>
      <p className="back">
        <Link to="/admin/connectors">All connectors</Link>
      </p>
      <PageHeading title={`Connector ${name}`}>Connector {name}</PageHeading>
      {load.status === 'loading' && <Loading what="the connector" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && !found && (
        <Alert message={`This tenant has no connector named ${name}. Instances the operator configured on the host are not listed or edited here.`} />
      )}
      {load.status === 'done' && found && (
        <ConnectorDetails
          connector={found}
          activity={load.data.activity ? activityOf(found, load.data.activity) : null}
          activityKnown={load.data.activity !== null}
          savedAt={savedAt}
          onSaved={() => {
            setSavedAt(new Date().toISOString());
            reload();
          }}
        />
      )}
    </>
  );
}

function ConnectorDetails({
  connector,
  activity,
  activityKnown,
  savedAt,
  onSaved,
}: {
  connector: ConnectorSummary;
  activity: ConnectorActivity | null;
  activityKnown: boolean;
  savedAt: string | null;
  onSaved: () => void;
}) {
  const saved = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (savedAt) saved.current?.focus();
  }, [savedAt]);
  return (
    <>
      <dl className="facts admin-facts">
        <dt>Connector</dt>
        <dd>{connector.connector}</dd>
        <dt>Settings set</dt>
        <dd>{connector.settings.length > 0 ? connector.settings.join(', ') : 'None'}</dd>
      </dl>

      <section aria-labelledby="webhook-heading">
        <h2 id="webhook-heading">Webhook address</h2>
        <WebhookAddress connector={connector.connector} webhookPath={connector.webhookPath} />
      </section>

      <section aria-labelledby="activity-heading">
        <h2 id="activity-heading">Activity</h2>
        <dl className="facts admin-facts">
          <dt>Status</dt>
          <dd>
            <ActivityStatus activity={activity} known={activityKnown} />
          </dd>
          {activityKnown && (
            <>
              <dt>Last event</dt>
              <dd>{lastEventText(activity?.lastEventAt)}</dd>
            </>
          )}
          <dt>Quarantined today</dt>
          <dd>{countText(activity?.quarantinedToday)}</dd>
          <dt>Dead-lettered today</dt>
          <dd>{countText(activity?.deadLetteredToday)}</dd>
        </dl>
        <Completeness name={connector.id} showLastEvent={!activityKnown} />
      </section>

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Change settings</h2>
        <p ref={saved} role="status" tabIndex={-1} className="success">
          {savedAt && `Settings saved at ${formatUtc(savedAt, true)}. The webhook address is unchanged.`}
        </p>
        <ConnectorForm key={savedAt ?? 'first'} existing={connector} onSaved={onSaved} />
      </section>
    </>
  );
}

/** GET /v1/admin/connectors/:name/health: last event, rate, silence and sequence gaps (when the deployment counts them). */
function Completeness({ name, showLastEvent }: { name: string; showLastEvent: boolean }) {
  const { load } = useLoad(
    (signal) =>
      adminApi.connectorHealth(name, signal).catch((err: unknown) => {
        // not counted by this deployment (the route is not served) or never seen: said below, not an error
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    'read connector health',
  );
  if (load.status === 'loading') return <Loading what="the connector’s completeness figures" />;
  if (load.status === 'error') return <Alert message={`Completeness figures could not be read: ${load.message}`} />;
  const health = load.data;
  if (!health) return <p className="muted">This deployment does not count events per connector, so completeness figures are not available.</p>;
  return (
    <>
      <dl className="facts admin-facts">
        {showLastEvent && (
          <>
            <dt>Last event</dt>
            <dd>{lastEventText(health.lastEventAt)}</dd>
          </>
        )}
        <dt>Events in the last hour</dt>
        <dd>{countText(health.eventsLastHour)}</dd>
        <dt>Average an hour (7 days)</dt>
        <dd>{health.averagePerHour.toFixed(1)}</dd>
        {health.silent && (
          <>
            <dt>Silent</dt>
            <dd className="status-bad">
              Since {health.since ? formatUtc(health.since) : 'unknown'}: normally at least {health.silence.minEventsPerHour} events an hour, none for{' '}
              {health.silence.afterMinutes} minutes.
            </dd>
          </>
        )}
      </dl>
      <h3>Sequence gaps</h3>
      {health.gaps.length === 0 ? (
        <p className="muted">No gaps in the vendor’s sequence numbers.</p>
      ) : (
        <ul className="gaps">
          {health.gaps.map((g) => (
            <li key={`${g.at}-${g.from}`}>
              {formatUtc(g.at)}: from {g.from} to {g.to}, {plural(g.missing, 'number')} missing
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
