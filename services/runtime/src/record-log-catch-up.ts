import { topicsFor } from '@custody/bus';
import type { Config } from '@custody/config';
import type { Logger } from '@custody/logger';
import { loadLogKeys } from './log-signing-key';
import type { MaintenanceSession } from './maintenance-session';
import { recordLogConsumer } from './record-log-consumer';

/**
 * Embedded mode: appends what the stopped server's archiver announced but its log writer had not
 * appended yet, then signs a checkpoint of every tenant log, so a maintenance command (export,
 * verify) sees the archive whole. The server is stopped (the data directory is this process's), so
 * this is the only writer. Stack mode leaves it to the archiver processes, which run on.
 */
export async function catchUpRecordLog(config: Config, logger: Logger, { adapters, control }: MaintenanceSession): Promise<void> {
  if (config.CUSTODY_MODE !== 'embedded') return;
  const topics = topicsFor(config.CUSTODY_TOPIC_SUFFIX);
  await adapters.bus.ensureTopics([{ name: topics.recordLog }, { name: topics.dlq }]);
  const keys = await loadLogKeys(config, logger);
  const consumer = recordLogConsumer({ config, adapters, topics, control, signingKey: keys.signing, logger });
  await consumer.start();
  try {
    while ((await adapters.bus.lag(config.CUSTODY_RECORD_LOG_GROUP, [topics.recordLog])) > 0) await new Promise((r) => setTimeout(r, 50));
  } finally {
    // stopping checkpoints every tenant whose log grew
    await consumer.stop();
  }
}
