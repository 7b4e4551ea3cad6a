import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, type ArchiveStore } from '@custody/archive-store';
import type { Bus } from '@custody/bus';
import { loadConfig } from '@custody/config';
import { ConfigError } from '@custody/errors';
import { createLogger, silentLogger } from '@custody/logger';
import { createAdapters } from './adapters';
import { startCustody } from './custody';
import { custodyMetrics } from './metrics';
import { Readiness } from './readiness';
import { NonConformingStoreError, startWormConformance } from './worm-conformance';

/** The local store, but deletes of locked versions "succeed": a store that fails delete_refused. */
const lettingDeletes = (store: ArchiveStore, on: () => boolean = () => true): ArchiveStore =>
  new Proxy(store, {
    get: (target, prop, receiver) => (prop === 'deleteVersion' && on() ? async () => undefined : Reflect.get(target, prop, receiver)),
  });

describe('WORM conformance wiring', () => {
  let dir: string;
  let store: LocalArchiveStore;
  let events: Array<Record<string, unknown>>;
  let stop: AbortController;
  const logger = () => createLogger('test', { level: 'info' }, { write: (line: string) => void events.push(JSON.parse(line)) });
  const embedded = () => loadConfig({ CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dir });
  const bus = { lag: async () => 0, stalledBatches: () => [] } as unknown as Bus;

  async function start(over: { store?: ArchiveStore; config?: ReturnType<typeof loadConfig>; services?: string[] } = {}) {
    const log = logger();
    const readiness = new Readiness({ dependencies: [], logger: log });
    const conformance = await startWormConformance({
      config: over.config ?? embedded(),
      services: new Set(over.services ?? ['api']),
      store: over.store ?? store,
      readiness,
      logger: log,
      signal: stop.signal,
    });
    const metrics = custodyMetrics(bus, { groupId: 'g', topics: [] }, log, undefined, conformance.latest);
    return { readiness, conformance, metrics };
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-worm-'));
    store = new LocalArchiveStore({ dir: join(dir, 'archive') });
    await store.ensureReady();
    events = [];
    stop = new AbortController();
  });
  afterEach(() => {
    stop.abort();
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  test('embedded: a failing store keeps the process up, unready, naming the store and the checks; the gauge is 0', async () => {
    const { readiness, conformance, metrics } = await start({ store: lettingDeletes(store) });
    const storeName = `archive directory in ${dir}`;
    expect(conformance.latest()).toMatchObject({ store: storeName, ok: false, failures: [{ check: 'delete_refused' }] });

    const res = await readiness.response();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'unavailable',
      error: { code: 'check_failed', message: 'failed: worm-conformance' },
      checks: { 'worm-conformance': { status: 'failed', store: 'archive-dir', failed: ['delete_refused'] } },
    });
    // unauthenticated: the kind of store, never this machine's paths or the store's own words
    expect(JSON.stringify(res.body)).not.toContain(dir);

    expect((await metrics.expose()).body).toContain(`custody_worm_conformance{store="${storeName}"} 0`);
    expect(events.find((e) => e.event === 'worm_conformance_failed')).toMatchObject({
      level: 50,
      store: storeName,
      failures: [{ check: 'delete_refused', detail: expect.stringContaining('accepted deleting') }],
    });
  });

  test('stack: a failing store stops start-up with a config error naming bucket, endpoint and checks, never credentials', async () => {
    const config = loadConfig({
      CUSTODY_MODE: 'stack',
      KAFKA_BROKERS: '127.0.0.1:9092',
      OPENSEARCH_URL: 'http://127.0.0.1:9200',
      S3_ENDPOINT: 'http://minio-user:minio-pass@minio.internal:9000',
      S3_BUCKET: 'custody-archive',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'very-secret-key',
    });
    const err = await start({ store: lettingDeletes(store), config }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(NonConformingStoreError);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(
      /^the archive store bucket custody-archive at http:\/\/minio\.internal:9000 is not WORM, .*delete_refused \(the store accepted deleting/,
    );
    for (const secret of ['minio-pass', 'minio-user', 'AKIAEXAMPLE', 'very-secret-key']) expect(err!.message).not.toContain(secret);
  });

  test('a conforming store: ready, the check ok, the gauge 1', async () => {
    const { readiness, metrics } = await start();
    const res = await readiness.response();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', checks: { 'worm-conformance': { status: 'ok' } } });
    expect((await metrics.expose()).body).toContain(`custody_worm_conformance{store="archive directory in ${dir}"} 1`);
    expect(events.map((e) => e.event)).toContain('worm_conformance_passed');
  });

  test('a process whose services do not use the store neither probes nor reports', async () => {
    const put = jest.spyOn(store, 'put');
    const { readiness, conformance, metrics } = await start({ services: ['gateway'] });
    expect(put).not.toHaveBeenCalled();
    expect(conformance.latest()).toBeUndefined();
    expect((await readiness.state()).checks).toBeUndefined();
    expect((await metrics.expose()).body).not.toMatch(/^custody_worm_conformance\{/m);
  });

  test('the probe runs again every 24 h, and a store that fails later makes the process unready; stop ends it', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    let broken = false;
    const { readiness, conformance } = await start({ store: lettingDeletes(store, () => broken) });
    expect((await readiness.state()).ready).toBe(true);
    broken = true;
    await jest.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
    // the local store does real I/O: wait for the second probe to finish
    while (conformance.latest()!.ok) await new Promise((resolve) => setImmediate(resolve));
    expect(await readiness.state()).toMatchObject({ ready: false, checks: { 'worm-conformance': { status: 'failed', failed: ['delete_refused'] } } });
    expect(jest.getTimerCount()).toBe(1); // the next day's
    stop.abort();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('startCustody in embedded mode serves the failure on /readyz and /metrics', async () => {
    const token = 'metrics-token-1234';
    const config = loadConfig({
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(token).digest('hex'),
    });
    const adapters = await createAdapters(config, silentLogger());
    const custody = await startCustody(config, silentLogger(), { adapters: { ...adapters, store: lettingDeletes(adapters.store) } });
    try {
      const readyz = await fetch(`${custody.url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await readyz.json()).toMatchObject({ checks: { 'worm-conformance': { status: 'failed', store: 'archive-dir', failed: ['delete_refused'] } } });
      const metrics = await fetch(`${custody.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(await metrics.text()).toContain(`custody_worm_conformance{store="archive directory in ${dir}"} 0`);
    } finally {
      await custody.stop();
    }
  });
});
