import type { TopicSpec } from '@custody/bus';
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
