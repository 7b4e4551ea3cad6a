import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface ResolvedStack {
  source: 'environment' | 'testcontainers' | 'infra/local';
  env: Record<string, string>;
}

const ENDPOINTS = ['KAFKA_BROKERS', 'S3_ENDPOINT', 'OPENSEARCH_URL'] as const;

/**
 * Where the real servers come from, in order: endpoints in the environment → testcontainers when a
 * Docker engine answers → the native provisioning in infra/local → a failure naming what is missing.
 * Never a silent skip: a test run without real servers fails.
 */
export async function resolveStack(): Promise<ResolvedStack> {
  const given = ENDPOINTS.filter((k) => process.env[k]);
  if (given.length === ENDPOINTS.length) {
    return {
      source: 'environment',
      env: {
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
        S3_ENDPOINT: process.env.S3_ENDPOINT!,
        OPENSEARCH_URL: process.env.OPENSEARCH_URL!,
        S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID ?? '',
        S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY ?? '',
      },
    };
  }
  if (given.length > 0) {
    throw new Error(`test environment: ${given.join(', ')} set but ${ENDPOINTS.filter((k) => !process.env[k]).join(', ')} missing; set all three or none`);
  }
  const failures: string[] = [];
  if (dockerAnswers()) {
    try {
      return await fromTestcontainers();
    } catch (err) {
      failures.push(`testcontainers: ${(err as Error).message}`);
    }
  } else {
    failures.push('testcontainers: no Docker engine answers (`docker info` failed)');
  }
  try {
    return await fromInfraLocal();
  } catch (err) {
    failures.push(`infra/local: ${(err as Error).message}`);
  }
  throw new Error(
    `no real Kafka/S3/OpenSearch for integration tests:\n  - ${failures.join('\n  - ')}\n` +
      'Provide KAFKA_BROKERS, S3_ENDPOINT (+S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY) and OPENSEARCH_URL, start Docker, ' +
      'or install java 17, maven and go >= 1.24 so `npm run infra:up` can provision them.',
  );
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function fromInfraLocal(): Promise<ResolvedStack> {
  const script = resolve(__dirname, '../../../infra/local/up.sh');
  return new Promise((resolvePromise, reject) => {
    // test data is disposable (unique names per test); servers that are not running start empty
    execFile('bash', [script, '--fresh'], { timeout: 30 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${(stderr || err.message).trim().split('\n').slice(-15).join('\n')}`));
      const env = Object.fromEntries(
        stdout.split('\n').flatMap((line) => {
          const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
          return m ? [[m[1], m[2]]] : [];
        }),
      );
      const missing = ENDPOINTS.filter((k) => !env[k]);
      if (missing.length) return reject(new Error(`${script} did not print ${missing.join(', ')}`));
      resolvePromise({ source: 'infra/local', env });
    });
  });
}

async function fromTestcontainers(): Promise<ResolvedStack> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const user = 'custody';
  const password = 'custody-test-secret';
  const [kafka, minio, opensearch] = await Promise.all([
    new GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: 9092, host: 29092 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:29092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer('minio/minio:latest')
      .withCommand(['server', '/data'])
      .withEnvironment({ MINIO_ROOT_USER: user, MINIO_ROOT_PASSWORD: password })
      .withExposedPorts(9000)
      .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
      .start(),
    new GenericContainer('opensearchproject/opensearch:2.19.3')
      .withEnvironment({ 'discovery.type': 'single-node', DISABLE_SECURITY_PLUGIN: 'true', OPENSEARCH_JAVA_OPTS: '-Xms512m -Xmx512m' })
      .withExposedPorts(9200)
      .withWaitStrategy(Wait.forHttp('/_cluster/health', 9200))
      .start(),
  ]);
  return {
    source: 'testcontainers',
    env: {
      KAFKA_BROKERS: `127.0.0.1:${kafka.getMappedPort(9092)}`,
      S3_ENDPOINT: `http://${minio.getHost()}:${minio.getMappedPort(9000)}`,
      S3_ACCESS_KEY_ID: user,
      S3_SECRET_ACCESS_KEY: password,
      OPENSEARCH_URL: `http://${opensearch.getHost()}:${opensearch.getMappedPort(9200)}`,
    },
  };
}
