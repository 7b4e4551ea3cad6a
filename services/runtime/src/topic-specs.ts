import type { TopicSpec, Topics } from '@custody/bus';
import type { Config } from '@custody/config';

/**
 * The quarantine topic as every process that writes to it declares it: forensic samples and
 * rejected deliveries are kept for investigation, not forever. One definition, because the spec
 * given to ensureTopics is what the embedded bus enforces in that process, and what Kafka creates
 * the topic with when that process is the first to declare it.
 */
export function quarantineTopicSpec(config: Config, name: string, maxMessageBytes?: number): TopicSpec {
  return {
    name,
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    retentionMs: Math.max(1, Math.round(config.CUSTODY_QUARANTINE_RETENTION_DAYS * 86_400_000)),
    retentionBytes: config.CUSTODY_QUARANTINE_RETENTION_BYTES,
  };
}

/**
 * The topics this process's services consume, each naming the consumer groups that must have read a
 * log segment before the embedded bus may delete it: customer data and the audit trail live in the
 * WORM store once archived, so the log does not grow with history. A topic whose consumer does not
 * run in this process keeps everything (its group never committed); Kafka ignores the field and keeps
 * its topic retention.
 */
export function consumedTopicSpecs(config: Config, services: ReadonlySet<string>, topics: Topics, maxMessageBytes: number): TopicSpec[] {
  const archiver = services.has('archiver');
  const media = services.has('media');
  // customer data is deleted only once archived, and, when the media service runs, its attachments fetched
  const customerData = archiver ? [config.CUSTODY_ARCHIVER_GROUP, ...(media ? [config.CUSTODY_MEDIA_GROUP] : [])] : [];
  const consumedBy = (groups: string[]) => (groups.length > 0 ? { deleteConsumedBy: groups } : {});
  return [
    { name: topics.customerData, maxMessageBytes, ...consumedBy(customerData) },
    { name: topics.audit, maxMessageBytes, ...consumedBy(archiver ? [config.CUSTODY_AUDIT_GROUP] : []) },
    { name: topics.mediaRetry, maxMessageBytes, ...consumedBy(media ? [`${config.CUSTODY_MEDIA_GROUP}-retry`] : []) },
    // once appended, the leaves live in the WORM store: the log keeps only what is not yet appended, and
    // (where the API runs supervision's screener) not yet screened
    {
      name: topics.recordLog,
      maxMessageBytes,
      ...consumedBy([...(archiver ? [config.CUSTODY_RECORD_LOG_GROUP] : []), ...(services.has('api') ? [config.CUSTODY_SUPERVISION_GROUP] : [])]),
    },
  ];
}
