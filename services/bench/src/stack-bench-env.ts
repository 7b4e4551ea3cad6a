/**
 * A Custody on the stack whose topics, consumer group, bucket and index are the bench run's own
 * (named by `name`), with the shortest locks, so runs never meet each other's data.
 */
export function stackBenchEnv(stackEnv: Record<string, string>, name: string): Record<string, string> {
  return {
    ...stackEnv,
    CUSTODY_MODE: 'stack',
    CUSTODY_TOPIC_SUFFIX: name,
    CUSTODY_ARCHIVER_GROUP: `archiver-${name}`,
    CUSTODY_AUDIT_GROUP: `audit-${name}`,
    CUSTODY_RECORD_LOG_GROUP: `record-log-${name}`,
    CUSTODY_SUPERVISION_GROUP: `supervision-${name}`,
    S3_BUCKET: `custody-${name}`,
    OPENSEARCH_INDEX_PREFIX: `custody-${name}`,
    CUSTODY_DEFAULT_RETENTION_DAYS: '1',
    CUSTODY_MIN_LOCK_SECONDS: '60',
  };
}
