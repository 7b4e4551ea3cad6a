import { createLogger, type Logger } from '@custody/logger';

/** The real servers' endpoints (set by globalSetup) as a Custody config environment in stack mode. */
export function requireStackEnv(): Record<string, string> {
  const missing = ['KAFKA_BROKERS', 'S3_ENDPOINT', 'OPENSEARCH_URL'].filter((k) => !process.env[k]);
  if (missing.length) throw new Error(`integration test needs the real stack: ${missing.join(', ')} not set (globalSetup resolves them)`);
  return {
    CUSTODY_MODE: 'stack',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
    S3_ENDPOINT: process.env.S3_ENDPOINT!,
    S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID ?? '',
    S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY ?? '',
    OPENSEARCH_URL: process.env.OPENSEARCH_URL!,
  };
}

export function testLogger(): Logger {
  return createLogger('test', { level: process.env.LOG_LEVEL ?? 'error' });
}
