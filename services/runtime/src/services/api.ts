import {
  adminRoutes,
  apiRoutes,
  attachmentRoutes,
  auditRoutes,
  connectorTypesRoute,
  conversationRoutes,
  directoryRoutes,
  healthRoutes,
  keyRoutes,
  reconciliationRoutes,
  verificationRoutes,
} from '@custody/api';
import { sessionRoutes } from '@custody/http';
import { errorMessage } from '@custody/errors';
import { connectorIds, getConnector, resolveInstance } from '@custody/connectors';
import { dispositionRoutes, holdRoutes, retentionRoutes } from '@custody/governance';
import { exportRoutes } from '@custody/exports';
import { supervisionRoutes } from '@custody/supervision-service';
import { mergeActivity, watchSilence } from '@custody/control';
import type { Employee } from '@custody/identity';
import { tenantsOf } from '../disposition-schedule';
import { startReconciliationSchedule } from '../reconciliation-schedule';
import type { ServiceModule, ServiceContext } from './service-module';

/** The /v1 API: records, conversations, keys, connectors, directory, audit trail, holds, retention, disposition, exports. */
export const api: ServiceModule = {
  name: 'api',
  async start(ctx) {
    const { holdJobs, exportJobs, resolution, control, logger, activity, silence, config } = ctx;
    holdJobs.resume();
    exportJobs.resume();
    resolution.resume();
    ctx.supervision.startBackground();
    watchDirectory(ctx);
    // connector_silent / connector_resumed, logged once per deployment: by the process serving the API
    const silenceWatch = watchSilence({ activity: () => mergeActivity(activity.rows()), policy: silence, logger: logger.child({ component: 'completeness' }) });
    // each tenant's settled days reconciled and archived to WORM, by the process serving the API
    const reconciliationSchedule = startReconciliationSchedule({
      ...reconciliationSources(ctx),
      table: control.reconciliation,
      tenants: () => [...new Set([...tenantsOf(control), ...config.CUSTODY_CONNECTORS.map((c) => c.tenant)])],
      logger: logger.child({ component: 'completeness' }),
    });
    return {
      // every archived record screened against its tenant's supervision policies and sampling plans
      consumers: [{ what: `consumer group ${config.CUSTODY_SUPERVISION_GROUP}`, start: () => ctx.supervision.screener.start() }],
      stop: async () => {
        silenceWatch.stop();
        await reconciliationSchedule.stop();
      },
    };
  },
  routes: (ctx) => {
    const { adapters, control, config, holdJobs, exportJobs, tenantPolicy, releasedPresets, logger, logKeys, activity, silence, reconciliation, topics } = ctx;
    const governance = { store: adapters.store, index: adapters.index, holds: control.holds, logger: logger.child({ component: 'governance' }) };
    return [
      ...apiRoutes({ store: adapters.store, index: adapters.index }),
      ...conversationRoutes({ store: adapters.store, index: adapters.index, reviewerScope: (p, c) => ctx.supervision.reviewerMayRead(p, c) }),
      ...keyRoutes({ apiKeys: control.apiKeys, keyGrants: control.keyGrants, configuredKeys: config.CUSTODY_API_KEYS }),
      ...adminRoutes({
        connectors: control.connectors,
        validateConnector: (inst) => void resolveInstance(inst),
        configured: config.CUSTODY_CONNECTORS,
        activity: () => mergeActivity(activity.rows()),
        silence,
      }),
      connectorTypesRoute(connectorIds().map(getConnector)),
      ...healthRoutes({
        connectors: control.connectors,
        configured: config.CUSTODY_CONNECTORS,
        activity: () => mergeActivity(activity.rows()),
        silence,
        counts: () => reconciliation.rows(),
        consumers: [
          { group: config.CUSTODY_ARCHIVER_GROUP, topics: [topics.customerData, topics.raw] },
          { group: config.CUSTODY_MEDIA_GROUP, topics: [topics.customerData] },
          { group: config.CUSTODY_AUDIT_GROUP, topics: [topics.audit] },
          { group: config.CUSTODY_RECORD_LOG_GROUP, topics: [topics.recordLog] },
          { group: config.CUSTODY_SUPERVISION_GROUP, topics: [topics.recordLog] },
        ],
        lag: (group, groupTopics) => adapters.bus.lag(group, groupTopics),
      }),
      ...directoryRoutes({ directory: control.directory }),
      ...attachmentRoutes({ store: adapters.store, reviewerScope: (p, c) => ctx.supervision.reviewerMayRead(p, c) }),
      ...auditRoutes({ store: adapters.store, logger: logger.child({ component: 'api' }) }),
      ...holdRoutes({ holds: control.holds, jobs: holdJobs, index: adapters.index }),
      ...retentionRoutes({ retention: control.retention, policy: tenantPolicy, store: adapters.store, index: adapters.index, releasedPresets }),
      ...dispositionRoutes({ ...governance, retention: control.retention }),
      ...exportRoutes({ store: adapters.store, exports: control.exports, holds: control.holds, jobs: exportJobs }),
      ...verificationRoutes({ store: adapters.store, index: adapters.index, keys: logKeys.published, logger: logger.child({ component: 'verification' }) }),
      ...reconciliationRoutes(reconciliationSources(ctx)),
      ...supervisionRoutes(ctx.supervision),
      ...sessionRoutes(),
    ];
  },
};

/** What a reconciliation report is made of: every writer's counts, the connectors' activity, the store. */
function reconciliationSources({ adapters, reconciliation, activity, config }: ServiceContext) {
  return {
    store: adapters.store,
    counts: () => reconciliation.rows(),
    activity: () => mergeActivity(activity.rows()),
    settleMinutes: config.CUSTODY_RECONCILIATION_SETTLE_MINUTES,
  };
}

/**
 * Records captured before a directory change are resolved again (an own write is read back
 * unchanged: skipped). The changes of one tick (an import applies hundreds at once) are recorded
 * as one per tenant: one pending-resolution write, not one per employee.
 */
function watchDirectory({ control, resolution, logger }: ServiceContext): void {
  const changed = new Map<string, Employee[]>();
  const record = () => {
    for (const [tenant, entries] of changed)
      resolution.changed(tenant, entries).catch((err) => logger.error({ event: 'directory_change_not_recorded', tenant, err: errorMessage(err) }));
    changed.clear();
  };
  control.directory.onChange((_key, before, after) => {
    const tenant = (after ?? before)?.tenant;
    if (!tenant || JSON.stringify(before) === JSON.stringify(after)) return;
    if (changed.size === 0) setImmediate(record);
    const entries = changed.get(tenant) ?? [];
    changed.set(tenant, entries);
    for (const e of [before, after]) if (e) entries.push(e);
  });
}
