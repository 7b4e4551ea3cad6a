import { Archiver, AuditArchiver, type SettledRecord } from '@custody/archiver';
import { utcDay, type ReconciliationCounter } from '@custody/control';
import { auditChainHead } from '@custody/record-log';
import { recordLogConsumer } from '../record-log-consumer';
import { DependencyUnavailableError } from '@custody/errors';
import { DATA_TYPES } from '@custody/policy';
import type { ServiceModule } from './service-module';

/** Customer data and the audit trail, from the bus to the WORM store (and the index). */
export const archiver: ServiceModule = {
  name: 'archiver',
  async start({ adapters, lockPolicy, tenantPolicy, topics, config, logger, metrics, logKeys, control, reconciliation }) {
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
      onSettled: (settled) => countSettled(reconciliation, settled),
    });
    // the audit trail is archived like customer data, for as long as the tenant's longest setting
    const audit = new AuditArchiver({
      bus: adapters.bus,
      store: adapters.store,
      topic: topics.audit,
      recordLogTopic: topics.recordLog,
      dlq: topics.dlq,
      groupId: config.CUSTODY_AUDIT_GROUP,
      retainFor: async (tenant) =>
        Math.max(config.CUSTODY_DEFAULT_RETENTION_DAYS * 86_400, ...DATA_TYPES.map((t) => tenantPolicy.retentionSeconds(tenant, t, 'audit'))),
      chainHead: async (tenant) => {
        // what was announced before a restart must be in the log first, or the chain would go on from a stale head
        const deadline = Date.now() + 60_000;
        while ((await adapters.bus.lag(config.CUSTODY_RECORD_LOG_GROUP, [topics.recordLog])) > 0) {
          if (Date.now() > deadline)
            throw new DependencyUnavailableError('record-log', 'the record log has not caught up in 60 s; the audit chain waits for it');
          await new Promise((r) => setTimeout(r, 100));
        }
        return auditChainHead(adapters.store, tenant);
      },
      logger: logger.child({ component: 'audit-archiver' }),
      metrics: metrics.deadLetters,
    });
    // every archived version, record or audit event, into its tenant's record log, checkpointed and signed
    const recordLog = recordLogConsumer({
      config,
      adapters,
      topics,
      control,
      signingKey: logKeys.signing,
      logger: logger.child({ component: 'record-log' }),
      metrics: metrics.deadLetters,
    });
    return {
      consumers: [
        { what: `consumer group ${config.CUSTODY_ARCHIVER_GROUP}`, start: () => records.start() },
        { what: `consumer group ${config.CUSTODY_AUDIT_GROUP}`, start: () => audit.start() },
        { what: `consumer group ${config.CUSTODY_RECORD_LOG_GROUP}`, start: () => recordLog.start() },
      ],
      stop: async () => {
        await records.stop();
        await audit.stop();
        // last: it signs what the two above appended before they stopped
        await recordLog.stop();
      },
    };
  },
  routes: () => [],
};

/**
 * A committed batch's records, counted per tenant, day of receipt and connector: stored for the first
 * time (archived) or found already stored (duplicates), indexed, or dead-lettered before the store
 * took them (one dead-lettered by the index step is stored, and counts as such, not indexed).
 */
function countSettled(counter: ReconciliationCounter, settled: SettledRecord[]): void {
  for (const r of settled) {
    const day = utcDay(r.receivedAt);
    if (r.created !== undefined) counter.add(r.tenant, day, r.connector, r.created ? 'archived' : 'duplicates');
    if (r.indexed) counter.add(r.tenant, day, r.connector, 'indexed');
    if (r.deadLettered && r.created === undefined) counter.add(r.tenant, day, r.connector, 'deadLettered');
  }
}
