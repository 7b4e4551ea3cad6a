import { adminRoutes, apiRoutes, attachmentRoutes, auditRoutes, conversationRoutes, directoryRoutes, keyRoutes, verificationRoutes } from '@custody/api';
import { errorMessage } from '@custody/errors';
import { resolveInstance } from '@custody/connectors';
import { dispositionRoutes, holdRoutes, retentionRoutes } from '@custody/governance';
import { exportRoutes } from '@custody/exports';
import { mergeActivity, watchSilence } from '@custody/control';
import type { ServiceModule } from './service-module';

/** The /v1 API: records, conversations, keys, connectors, directory, audit trail, holds, retention, disposition, exports. */
export const api: ServiceModule = {
  name: 'api',
  async start({ holdJobs, exportJobs, resolution, control, logger, activity, silence }) {
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
    return { stop: async () => silenceWatch.stop() };
  },
  routes: ({ adapters, control, config, holdJobs, exportJobs, tenantPolicy, releasedPresets, logger, logKeys, activity, silence }) => {
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
    ];
  },
};
