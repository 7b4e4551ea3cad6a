import { mediaContexts } from '@custody/connector-kit';
import { MediaWorker } from '@custody/media';
import type { ServiceModule } from './service-module';

/** Attachments fetched from the vendors and archived beside their records. */
export const media: ServiceModule = {
  name: 'media',
  async start({ adapters, lockPolicy, instances, topics, config, logger, metrics }) {
    // vendor base URLs and local media directories are the operator's (environment), never a tenant's
    const egress = mediaContexts({ baseUrls: config.CUSTODY_VENDOR_BASE_URLS, mediaDirs: config.CUSTODY_MEDIA_DIRS });
    const worker = new MediaWorker({
      bus: adapters.bus,
      store: adapters.store,
      policy: lockPolicy,
      instances,
      contextFor: (inst) => egress.contextFor(inst.connector, inst.id),
      topics,
      groupId: config.CUSTODY_MEDIA_GROUP,
      retry: { attempts: config.CUSTODY_MEDIA_RETRY_ATTEMPTS, initialMs: config.CUSTODY_MEDIA_RETRY_INITIAL_MS, maxMs: config.CUSTODY_MEDIA_RETRY_MAX_MS },
      logger: logger.child({ component: 'media' }),
      metrics: metrics.deadLetters,
    });
    return {
      consumers: [{ what: `consumer group ${config.CUSTODY_MEDIA_GROUP}`, start: () => worker.start() }],
      stop: async () => {
        await worker.stop();
        await egress.close();
      },
    };
  },
  routes: () => [],
};
