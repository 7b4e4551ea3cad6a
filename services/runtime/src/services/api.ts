import {
  adminRoutes,
  apiRoutes,
  attachmentRoutes,
  auditRoutes,
  conversationRoutes,
  directoryRoutes,
  keyRoutes,
  reconciliationRoutes,
  verificationRoutes,
} from '@custody/api';
import { sessionRoutes } from '@custody/http';
import { errorMessage } from '@custody/errors';
import { resolveInstance } from '@custody/connectors';
import { dispositionRoutes, holdRoutes, retentionRoutes } from '@custody/governance';
import { exportRoutes } from '@custody/exports';
import { mergeActivity, watchSilence } from '@custody/control';
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
    // records captured before a directory change are resolved again (an own write is read back unchanged: skipped)
    control.directory.onChange((_key, before, after) => {
      const tenant = (after ?? before)?.tenant;
      if (!tenant || JSON.stringify(before) === JSON.stringify(after)) return;
      resolution.changed(tenant, [before, after]).catch((err) => logger.error({ event: 'directory_change_not_recorded', tenant, err: errorMessage(err) }));
    });
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
      stop: async () => {
        silenceWatch.stop();
        await reconciliationSchedule.stop();
      },
    };
  },
  routes: (ctx) => {
    const { adapters, control, config, holdJobs, exportJobs, tenantPolicy, releasedPresets, logger, logKeys, activity, silence } = ctx;
    const governance = { store: adapters.store, index: adapters.index, holds: control.holds, logger: logger.child({ component: 'governance' }) };
    return [
      ...apiRoutes({ store: adapters.store, index: adapters.index }),
      ...conversationRoutes({ store: adapters.store, index: adapters.index }),
      ...keyRoutes({ apiKeys: control.apiKeys, keyGrants: control.keyGrants, configuredKeys: config.CUSTODY_API_KEYS }),
      ...adminRoutes({
        connectors: control.connectors,
        validateConnector: (inst) => void resolveInstance(inst),
        configured: config.CUSTODY_CONNECTORS,
        activity: () => mergeActivity(activity.rows()),
        silence,
      }),
      ...directoryRoutes({ directory: control.directory }),
      ...attachmentRoutes({ store: adapters.store }),
      ...auditRoutes({ store: adapters.store, logger: logger.child({ component: 'api' }) }),
      ...holdRoutes({ holds: control.holds, jobs: holdJobs, index: adapters.index }),
      ...retentionRoutes({ retention: control.retention, policy: tenantPolicy, store: adapters.store, index: adapters.index, releasedPresets }),
      ...dispositionRoutes({ ...governance, retention: control.retention }),
      ...exportRoutes({ store: adapters.store, exports: control.exports, holds: control.holds, jobs: exportJobs }),
      ...verificationRoutes({ store: adapters.store, index: adapters.index, keys: logKeys.published, logger: logger.child({ component: 'verification' }) }),
      ...reconciliationRoutes(reconciliationSources(ctx)),
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
