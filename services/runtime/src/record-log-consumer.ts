import { RecordLogConsumer } from '@custody/archiver';
import type { Bus, DeadLetterMetrics, Topics } from '@custody/bus';
import type { Config } from '@custody/config';
import type { ControlPlane } from '@custody/control';
import { SYSTEM_TENANT } from '@custody/envelope';
import type { Logger } from '@custody/logger';
import { RecordLogWriter, type SigningKey } from '@custody/record-log';
import type { ArchiveStore } from '@custody/archive-store';
import type { SearchIndex } from '@custody/search-index';

export interface RecordLogConsumerOptions {
  config: Config;
  adapters: { bus: Bus; store: ArchiveStore; index: SearchIndex };
  topics: Pick<Topics, 'recordLog' | 'dlq'>;
  control: ControlPlane;
  signingKey?: SigningKey;
  logger: Logger;
  metrics?: DeadLetterMetrics;
}

/**
 * The record log's writer on the bus, as the archiver service runs it and as an embedded maintenance
 * command catches up with it: one definition, so both append and checkpoint alike. Tenants known to
 * the control plane are checkpointed even before this process appends to them (a restart with
 * leaves not yet signed).
 */
export function recordLogConsumer(o: RecordLogConsumerOptions): RecordLogConsumer {
  return new RecordLogConsumer({
    bus: o.adapters.bus,
    writer: new RecordLogWriter({ store: o.adapters.store, signingKey: o.signingKey, logger: o.logger }),
    index: o.adapters.index,
    topic: o.topics.recordLog,
    dlq: o.topics.dlq,
    groupId: o.config.CUSTODY_RECORD_LOG_GROUP,
    checkpointEveryMs: o.config.CUSTODY_CHECKPOINT_INTERVAL_SECONDS * 1000,
    knownTenants: () => [SYSTEM_TENANT, ...new Set([...o.control.apiKeys.values(), ...o.control.connectors.values()].map((r) => r.tenant))],
    logger: o.logger,
    metrics: o.metrics,
  });
}
