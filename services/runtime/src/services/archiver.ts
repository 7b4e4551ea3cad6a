import { Archiver, AuditArchiver } from '@custody/archiver';
import { DATA_TYPES } from '@custody/policy';
import type { ServiceModule } from './service-module';

/** Customer data and the audit trail, from the bus to the WORM store (and the index). */
export const archiver: ServiceModule = {
  name: 'archiver',
  async start({ adapters, lockPolicy, tenantPolicy, topics, config, logger, metrics }) {
    const records = new Archiver({
      bus: adapters.bus,
      store: adapters.store,
      index: adapters.index,
      policy: lockPolicy,
      topics,
      groupId: config.CUSTODY_ARCHIVER_GROUP,
      concurrency: config.CUSTODY_ARCHIVER_CONCURRENCY,
      logger: logger.child({ component: 'archiver' }),
      metrics: metrics.archiver,
    });
    // the audit trail is archived like customer data, for as long as the tenant's longest setting
    const audit = new AuditArchiver({
      bus: adapters.bus,
      store: adapters.store,
      topic: topics.audit,
      dlq: topics.dlq,
      groupId: config.CUSTODY_AUDIT_GROUP,
      retainFor: async (tenant) =>
        Math.max(config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, ...DATA_TYPES.map((t) => tenantPolicy.retentionSeconds(tenant, t, 'audit'))),
      logger: logger.child({ component: 'audit-archiver' }),
      metrics: metrics.deadLetters,
    });
    return {
      consumers: [
        { what: `consumer group ${config.CUSTODY_ARCHIVER_GROUP}`, start: () => records.start() },
        { what: `consumer group ${config.CUSTODY_AUDIT_GROUP}`, start: () => audit.start() },
      ],
      stop: async () => {
        await records.stop();
        await audit.stop();
      },
    };
  },
  routes: () => [],
};
