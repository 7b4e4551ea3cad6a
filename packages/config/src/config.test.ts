import { ConfigError } from '@custody/errors';
import { configTable, loadConfig } from './load';
import { ConfigSchema } from './schema';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).code).toBe('config_invalid');
  return caught as ConfigError;
}

const STACK = { CUSTODY_MODE: 'stack', KAFKA_BROKERS: 'localhost:9092', OPENSEARCH_URL: 'http://localhost:9200' };

describe('loadConfig', () => {
  test('defaults for an empty environment', () => {
    const c = loadConfig({});
    // every setting with a default gets it; optional settings without one stay unset
    for (const [key, schema] of Object.entries(ConfigSchema.shape)) {
      const hasDefault = (schema as { def?: { defaultValue?: unknown } }).def?.defaultValue !== undefined;
      expect({ key, present: key in c && c[key as keyof typeof c] !== undefined }).toEqual({ key, present: hasDefault });
    }
    expect(c).toMatchObject({
      CUSTODY_MODE: 'embedded',
      CUSTODY_SERVICES: ['gateway', 'archiver', 'media', 'api', 'disposition'],
      CUSTODY_DATA_DIR: './data',
      CUSTODY_HTTP_HOST: '127.0.0.1',
      CUSTODY_HTTP_PORT: 8080,
      CUSTODY_MAX_BODY_BYTES: 5 * 1024 * 1024,
      CUSTODY_DEFAULT_RETENTION_DAYS: 2557,
      CUSTODY_EXPORT_RETENTION_DAYS: 2557,
      CUSTODY_MIN_LOCK_SECONDS: 86_400,
      CUSTODY_TOPIC_SUFFIX: '',
      CUSTODY_ARCHIVER_GROUP: 'custody-archiver',
      CUSTODY_ARCHIVER_CONCURRENCY: 8,
      CUSTODY_CONNECTORS: [],
      CUSTODY_API_KEYS: [],
      KAFKA_CLIENT_ID: 'custody',
      S3_REGION: 'us-east-1',
      S3_BUCKET: 'custody-archive',
      OPENSEARCH_INDEX_PREFIX: 'custody',
      LOG_LEVEL: 'info',
    });
  });

  test('empty variables count as unset; unrelated variables are ignored', () => {
    const c = loadConfig({ CUSTODY_HTTP_PORT: '', CUSTODY_MODE: '', PATH: '/usr/bin', HOME: '/root' });
    expect(c.CUSTODY_HTTP_PORT).toBe(8080);
    expect(c.CUSTODY_MODE).toBe('embedded');
    expect(c).not.toHaveProperty('PATH');
  });

  test('reads and coerces values', () => {
    const c = loadConfig({
      ...STACK,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_SERVICES: 'gateway, api',
      KAFKA_BROKERS: 'k1:9092, k2.internal:9093',
      S3_FORCE_PATH_STYLE: 'false',
      CUSTODY_CONNECTORS: JSON.stringify([{ id: 'wa-main', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret: 's' } }]),
    });
    expect(c.CUSTODY_MODE).toBe('stack');
    expect(c.CUSTODY_HTTP_PORT).toBe(0);
    expect(c.CUSTODY_SERVICES).toEqual(['gateway', 'api']);
    expect(c.KAFKA_BROKERS).toEqual(['k1:9092', 'k2.internal:9093']);
    expect(c.S3_FORCE_PATH_STYLE).toBe(false);
    expect(c.CUSTODY_CONNECTORS).toEqual([{ id: 'wa-main', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret: 's' } }]);
  });

  test.each(['abc', '70000', '-1', '8080.5'])('invalid CUSTODY_HTTP_PORT=%s names the variable and what it expects', (port) => {
    const err = configError({ CUSTODY_HTTP_PORT: port });
    expect(err.message).toMatch(/^invalid configuration:\n {2}CUSTODY_HTTP_PORT: /);
    expect(err.message).toContain('(expects: HTTP port (0 = any free port))');
    expect(err.message.split('\n')).toHaveLength(2); // only the bad variable is reported
  });

  test('a blank CUSTODY_HTTP_PORT is invalid, not silently port 0', () => {
    const err = configError({ CUSTODY_HTTP_PORT: ' ' });
    expect(err.message).toContain('CUSTODY_HTTP_PORT');
  });

  test('CUSTODY_MODE=stack without KAFKA_BROKERS fails naming KAFKA_BROKERS', () => {
    const { KAFKA_BROKERS: _omitted, ...env } = STACK;
    const err = configError(env);
    expect(err.message).toContain('KAFKA_BROKERS: required when CUSTODY_MODE=stack');
    expect(err.message).toContain('(expects: Kafka bootstrap servers, host:port,... (stack mode))');
    expect(err.message).not.toContain('OPENSEARCH_URL');
  });

  test('CUSTODY_MODE=stack without OPENSEARCH_URL fails naming it; with both it loads', () => {
    const { OPENSEARCH_URL: _omitted, ...env } = STACK;
    expect(configError(env).message).toContain('OPENSEARCH_URL: required when CUSTODY_MODE=stack');
    expect(() => loadConfig(STACK)).not.toThrow();
  });

  test.each(['acme:eu', 'Acme', 'acme/eu', '-acme', 'a'.repeat(64), '_system'])('a tenant id %j is refused everywhere configuration names one', (tenant) => {
    const key = { id: 'k1', tenant, role: 'admin', sha256: 'a'.repeat(64) };
    expect(configError({ CUSTODY_API_KEYS: JSON.stringify([key]) }).message).toContain('CUSTODY_API_KEYS');
    expect(configError({ CUSTODY_CONNECTORS: JSON.stringify([{ id: 'wa', connector: 'whatsapp-cloud', tenant, config: {} }]) }).message).toContain(
      'CUSTODY_CONNECTORS',
    );
    expect(configError({ CUSTODY_BOOTSTRAP_TENANT: tenant }).message).toContain('CUSTODY_BOOTSTRAP_TENANT');
  });

  test('embedded mode does not require KAFKA_BROKERS', () => {
    expect(loadConfig({ CUSTODY_MODE: 'embedded' }).KAFKA_BROKERS).toBeUndefined();
  });

  test('malformed KAFKA_BROKERS names the variable', () => {
    expect(configError({ ...STACK, KAFKA_BROKERS: 'localhost' }).message).toMatch(/KAFKA_BROKERS\[0\]: host:port/);
    expect(configError({ ...STACK, KAFKA_BROKERS: ' , ' }).message).toContain('KAFKA_BROKERS');
  });

  test('CUSTODY_CONNECTORS that is not JSON fails naming it', () => {
    const err = configError({ CUSTODY_CONNECTORS: '[{id: wa}]' });
    expect(err.message).toMatch(/CUSTODY_CONNECTORS: not valid JSON \(/);
    expect(err.message).toContain('(expects: JSON array of connector instances {id, connector, tenant, config})');
  });

  test('CUSTODY_CONNECTORS with a bad instance names the variable and the element path', () => {
    expect(configError({ CUSTODY_CONNECTORS: '{}' }).message).toContain('CUSTODY_CONNECTORS: ');
    const err = configError({ CUSTODY_CONNECTORS: JSON.stringify([{ id: 'Bad Id', connector: 'whatsapp-cloud', tenant: 'acme', config: {} }]) });
    expect(err.message).toContain('CUSTODY_CONNECTORS[0.id]');
  });

  test('CUSTODY_API_KEYS with a plaintext token instead of a hash is refused', () => {
    const err = configError({ CUSTODY_API_KEYS: JSON.stringify([{ id: 'k1', tenant: 'acme', role: 'admin', sha256: 'my-token' }]) });
    expect(err.message).toContain('CUSTODY_API_KEYS[0.sha256]');
  });

  test('CUSTODY_SECRETS_KEYS reads keyId:base64 pairs in order, and a bad entry is named by position, never shown', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    const c = loadConfig({ CUSTODY_SECRETS_KEYS: `new:${a.toString('base64')}, old:${b.toString('base64url')}` });
    expect(c.CUSTODY_SECRETS_KEYS).toEqual([
      { id: 'new', key: a },
      { id: 'old', key: b },
    ]);
    const short = Buffer.alloc(16, 7).toString('base64');
    const err = configError({ CUSTODY_SECRETS_KEYS: `new:${a.toString('base64')},weak:${short}` });
    expect(err.message).toContain('CUSTODY_SECRETS_KEYS: entry 2: expected keyId:base64 of 32 random bytes');
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain(a.toString('base64'));
    expect(configError({ CUSTODY_SECRETS_KEYS: `k:${a.toString('base64')},k:${b.toString('base64')}` }).message).toContain('a key id appears twice');
  });

  test('an unknown enum value names the variable', () => {
    expect(configError({ CUSTODY_MODE: 'cluster' }).message).toContain('CUSTODY_MODE: ');
    expect(configError({ CUSTODY_SERVICES: 'gateway,web' }).message).toContain('CUSTODY_SERVICES[1]');
    expect(configError({ LOG_LEVEL: 'verbose' }).message).toContain('LOG_LEVEL: ');
  });

  test('several bad variables are all reported', () => {
    const err = configError({ CUSTODY_HTTP_PORT: 'x', CUSTODY_ARCHIVER_CONCURRENCY: '0', S3_BUCKET: 'UPPER' });
    for (const key of ['CUSTODY_HTTP_PORT', 'CUSTODY_ARCHIVER_CONCURRENCY', 'S3_BUCKET']) expect(err.message).toContain(`  ${key}`);
  });
});

describe('configTable', () => {
  const table = configTable();
  const rows = table.split('\n');

  test('is a markdown table with one row per setting', () => {
    expect(rows[0]).toBe('| variable | default | meaning |');
    expect(rows[1]).toBe('|---|---|---|');
    const keys = Object.keys(ConfigSchema.shape);
    expect(rows).toHaveLength(keys.length + 2);
    expect(rows.slice(2).map((r) => /^\| `([A-Z0-9_]+)` \|/.exec(r)?.[1])).toEqual(keys);
  });

  test('lists every key the loader reads, with its description', () => {
    for (const key of [
      'CUSTODY_MODE',
      'CUSTODY_HTTP_PORT',
      'CUSTODY_CONNECTORS',
      'CUSTODY_API_KEYS',
      'KAFKA_BROKERS',
      'S3_BUCKET',
      'OPENSEARCH_URL',
      'LOG_LEVEL',
    ]) {
      const row = rows.find((r) => r.startsWith(`| \`${key}\` |`));
      expect(row).toBeDefined();
      expect(row!.split('|')[3].trim().length).toBeGreaterThan(5);
    }
  });

  test('shows defaults', () => {
    expect(table).toContain('| `CUSTODY_HTTP_PORT` | `8080` | HTTP port (0 = any free port) |');
    expect(table).toContain('| `CUSTODY_SERVICES` | `gateway,archiver,media,api,disposition` |');
    expect(table).toContain('| `CUSTODY_MODE` | `embedded` |');
    expect(table).toMatch(/\| `KAFKA_BROKERS` \| {2}\| Kafka bootstrap servers/);
  });
});

test('CUSTODY_RELEASE_PRESETS takes tenant:preset pairs and refuses anything else', () => {
  expect(loadConfig({ CUSTODY_RELEASE_PRESETS: 'acme:sec-17a-4, globex:cftc-1.31' }).CUSTODY_RELEASE_PRESETS).toEqual(['acme:sec-17a-4', 'globex:cftc-1.31']);
  expect(() => loadConfig({ CUSTODY_RELEASE_PRESETS: 'acme' })).toThrow(/CUSTODY_RELEASE_PRESETS/);
  expect(() => loadConfig({ CUSTODY_RELEASE_PRESETS: 'Acme:eu:sec-17a-4' })).toThrow(/CUSTODY_RELEASE_PRESETS/);
});
