import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { S3ArchiveStore } from '@custody/archive-store';
import { signWhatsAppBody } from '@custody/connectors';
import { OpenSearchIndex } from '@custody/search-index';
import { freePort, uniqueName, waitFor } from '@custody/testing';
import { textWebhook } from '@custody/testing/whatsapp';
import { WebhookLoad } from './load';

// the SDK's notice about its future Node floor is noise in test output (the integration project's globalSetup does the same)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { CustodyProcess, DedicatedStack, type Server } from './stack';

/**
 * The stack under server faults: kill -9 and restart Kafka, MinIO, OpenSearch and Custody itself
 * while webhooks arrive, then require every acknowledged webhook's record in the archive and in the
 * index exactly once. Runs on servers of its own (DedicatedStack), never on the shared ones.
 * The tests run in order and share one Custody process and one topic set.
 */
describe('the stack under server faults', () => {
  const stack = new DedicatedStack();
  const name = uniqueName('faults');
  const appSecret = `app-secret-${randomBytes(8).toString('hex')}`;
  const compliance = mintApiKey('acme', 'compliance');
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-faults-data-'));
  let custody: CustodyProcess;
  let store: S3ArchiveStore;
  let index: OpenSearchIndex;
  /** Every acknowledged envelope id of the whole suite, with how often it was acknowledged. */
  const acked = new Map<string, number>();

  beforeAll(async () => {
    await stack.start();
    const e = stack.endpoints;
    const port = await freePort();
    custody = new CustodyProcess(`http://127.0.0.1:${port}`, {
      CUSTODY_MODE: 'stack',
      KAFKA_BROKERS: e.KAFKA_BROKERS,
      S3_ENDPOINT: e.S3_ENDPOINT,
      S3_ACCESS_KEY_ID: e.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: e.S3_SECRET_ACCESS_KEY,
      OPENSEARCH_URL: e.OPENSEARCH_URL,
      CUSTODY_HTTP_PORT: String(port),
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_TOPIC_SUFFIX: name,
      CUSTODY_ARCHIVER_GROUP: `archiver-${name}`,
      CUSTODY_AUDIT_GROUP: `audit-${name}`,
      CUSTODY_RECORD_LOG_GROUP: `record-log-${name}`,
      CUSTODY_SUPERVISION_GROUP: `supervision-${name}`,
      CUSTODY_MEDIA_GROUP: `media-${name}`,
      S3_BUCKET: `custody-${name}`,
      OPENSEARCH_INDEX_PREFIX: `custody-${name}`,
      CUSTODY_DEFAULT_RETENTION_DAYS: '1',
      CUSTODY_MIN_LOCK_SECONDS: '60',
      CUSTODY_CONNECTORS: JSON.stringify([
        { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret, verifyToken: 'verify-faults-123' } },
      ]),
      CUSTODY_API_KEYS: JSON.stringify([compliance.record]),
      // info: the suite reads startup_waiting, bus_unavailable and bus_recovered from the log
      LOG_LEVEL: 'info',
    });
    store = new S3ArchiveStore({
      bucket: `custody-${name}`,
      endpoint: e.S3_ENDPOINT,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: true,
    });
    index = new OpenSearchIndex({ url: e.OPENSEARCH_URL, prefix: `custody-${name}` });
    await custody.start();
  }, 900_000);

  afterAll(async () => {
    await custody?.stop();
    store?.client.destroy();
    await index?.client.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 300_000);

  async function readyz(): Promise<{
    status: number;
    body: { status?: string; dependencies?: Record<string, string>; error?: { message: string }; waitingFor?: string[] };
  }> {
    const res = await fetch(`${custody.url}/readyz`);
    return { status: res.status, body: (await res.json()) as never };
  }
  /** Waits for a /readyz status; on timeout says what /readyz last answered and what the process last warned about. */
  async function readyzIs(status: number, what = `/readyz ${status}`) {
    let last: unknown;
    try {
      return await waitFor(
        what,
        async () => {
          const r = await readyz();
          last = r;
          return r.status === status ? r : undefined;
        },
        180_000,
        250,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; last answer ${JSON.stringify(last)}\n${warnings()}`);
    }
  }
  function warnings(): string {
    const lines = custody
      .output()
      .split('\n')
      .filter((l) => /"level":(4|5|6)0/.test(l));
    return `custody warnings and errors (last 30 of ${lines.length}):\n${lines.slice(-30).join('\n')}`;
  }

  function post(body: string): Promise<Response> {
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(appSecret, body) };
    return fetch(`${custody.url}/webhooks/acme-wa`, { method: 'POST', headers, body });
  }
  function search(): Promise<Response> {
    return fetch(`${custody.url}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${compliance.token}`, 'content-type': 'application/json' },
      body: '{"text":"fault"}',
    });
  }
  async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = Date.now();
    const value = await fn();
    return { value, ms: Date.now() - started };
  }

  /** Each acknowledged record is in the archive exactly once (one version of its key) and in the index exactly once. */
  async function expectEachAckedOnceInArchiveAndIndex(): Promise<void> {
    const ids = [...acked.keys()];
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    const archived = await waitFor(
      `all ${ids.length} acknowledged records in the archive`,
      async () => {
        const versions = new Map<string, number>();
        for await (const v of store.list('tenants/acme/records/')) {
          if (v.deleteMarker) continue;
          const id = /([^/]+)\.json$/.exec(v.key)?.[1];
          if (id) versions.set(id, (versions.get(id) ?? 0) + 1);
        }
        return ids.every((id) => versions.has(id)) ? versions : undefined;
      },
      240_000,
      1_000,
    );
    expect(ids.filter((id) => archived.get(id) !== 1)).toEqual([]);
    const indexed = await waitFor(
      `all ${ids.length} acknowledged records in the index`,
      async () => {
        await index.refresh();
        const res = await index.client.search({ index: index.index, body: { query: { term: { tenant: 'acme' } }, size: 10_000, _source: ['id'] } });
        const counts = new Map<string, number>();
        for (const h of res.body.hits.hits as Array<{ _source: { id: string } }>) counts.set(h._source.id, (counts.get(h._source.id) ?? 0) + 1);
        return ids.every((id) => counts.has(id)) ? counts : undefined;
      },
      240_000,
      1_000,
    );
    expect(ids.filter((id) => indexed.get(id) !== 1)).toEqual([]);
    // nothing else under the tenant: no record of a webhook that was never sent
    expect([...archived.keys()].filter((id) => !acked.has(id))).toEqual([]);
    expect([...indexed.keys()].filter((id) => !acked.has(id))).toEqual([]);
  }

  /** Load through the fault: the fault starts once a first share of the webhooks is acknowledged. */
  async function underLoad(label: string, fault: (load: WebhookLoad) => Promise<void>): Promise<WebhookLoad> {
    const load = new WebhookLoad({ url: custody.url, instance: 'acme-wa', secret: appSecret, label, count: 240, concurrency: 6, giveUpMs: 240_000 });
    await waitFor(`the first ${label} webhooks acknowledged`, async () => (load.acked.size >= 40 ? true : undefined), 120_000, 50);
    await fault(load);
    await load.finished();
    for (const [id, n] of load.acked) acked.set(id, (acked.get(id) ?? 0) + n);
    expect(load.acked.size).toBe(240);
    return load;
  }

  async function killAndRestart(server: Server, load: WebhookLoad): Promise<void> {
    const before = load.acked.size;
    await stack.kill(server);
    // hold the outage until the pipeline has met it: webhooks refused (Kafka) or more accepted while the archiver cannot write
    await waitFor(
      `the ${server} outage to be felt`,
      async () => (load.unavailable > 0 || load.acked.size >= before + 40 || load.acked.size === 240 ? true : undefined),
      60_000,
      50,
    );
    await stack.restart(server);
  }

  test('a process whose first publish meets a Kafka outage answers 503 fast with Retry-After, turns unready naming kafka, logs the outage once, and recovers', async () => {
    await readyzIs(200);
    await stack.kill('kafka');
    try {
      const hook = textWebhook('fault first publish during the outage');
      for (let i = 0; i < 5; i++) {
        const { value: res, ms } = await timed(() => post(hook.body));
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBeTruthy();
        await res.body?.cancel();
        expect(ms).toBeLessThan(5_000); // loose sanity bound, not a performance claim
      }
      // the API's first audit write fails too: the search is refused, fast, not held for the client's retries
      const { value: refused, ms } = await timed(search);
      expect(refused.status).toBe(503);
      expect(ms).toBeLessThan(5_000);
      const down = await readyzIs(503, '/readyz to report kafka unavailable');
      expect(down.body.dependencies).toMatchObject({ kafka: 'unavailable', s3: 'ok', opensearch: 'ok' });
      expect(down.body.error!.message).toContain('kafka');
      expect((await fetch(`${custody.url}/healthz`)).status).toBe(200);
    } finally {
      await stack.restart('kafka');
    }
    // the failed connect was not kept: the same process publishes again once Kafka is back
    const res = await waitFor(
      'a webhook accepted after Kafka is back',
      async () => {
        const r = await post(textWebhook('fault first publish after the outage').body);
        const body = (await r.json()) as { ids?: string[] };
        return r.status === 200 ? body : undefined;
      },
      180_000,
      500,
    );
    for (const id of res.ids!) acked.set(id, 1);
    expect((await search()).status).toBe(200);
    await readyzIs(200);
    expect(custody.events('bus_unavailable')).toHaveLength(1);
    await waitFor('bus_recovered in the log', async () => (custody.events('bus_recovered').length === 1 ? true : undefined));
    // kafkajs's per-retry connection errors are not logged as errors
    const clientErrors = custody.events('kafka_client_log').filter((l) => (l.level as number) >= 50);
    expect(clientErrors.map((l) => l.msg)).toEqual([]);
  }, 600_000);

  test('kill -9 of Kafka mid-load: no acknowledged record lost or duplicated', async () => {
    const load = await underLoad('kafka', (l) => killAndRestart('kafka', l));
    expect(load.unavailable + load.connectionErrors).toBeGreaterThan(0); // the outage was met
    await expectEachAckedOnceInArchiveAndIndex();
  }, 600_000);

  test('kill -9 of MinIO mid-load: no acknowledged record lost or duplicated', async () => {
    await underLoad('minio', (l) => killAndRestart('minio', l));
    await expectEachAckedOnceInArchiveAndIndex();
    await readyzIs(200);
  }, 600_000);

  test('kill -9 of OpenSearch mid-load: no acknowledged record lost or duplicated', async () => {
    await underLoad('opensearch', (l) => killAndRestart('opensearch', l));
    await expectEachAckedOnceInArchiveAndIndex();
    await readyzIs(200);
  }, 600_000);

  test('kill -9 of Custody mid-load: the restarted process listens before its consumer groups joined, and nothing is lost or duplicated', async () => {
    let restartLog = 0;
    await underLoad('custody', async () => {
      await custody.kill9();
      restartLog = custody.output().length;
      await custody.start();
    });
    await readyzIs(200);
    await expectEachAckedOnceInArchiveAndIndex();
    // HTTP first: the restarted process said what start-up waits for, listened, and only then had its groups joined
    const lines = custody.output().slice(restartLog).split('\n');
    const at = (event: string, what?: string) => lines.findIndex((l) => l.includes(`"${event}"`) && (what === undefined || l.includes(what)));
    const archiverGroup = `"consumer group archiver-${name}"`;
    expect(at('startup_waiting', archiverGroup)).toBeGreaterThan(-1);
    expect(at('custody_started')).toBeGreaterThan(-1);
    expect(at('startup_done', archiverGroup)).toBeGreaterThan(at('custody_started'));
  }, 600_000);
});
