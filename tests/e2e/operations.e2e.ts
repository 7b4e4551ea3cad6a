import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { REPO_ROOT } from '@custody/testing/process';
import { postWebhook, textWebhook } from '@custody/testing/whatsapp';

/** Health, readiness, Prometheus metrics and start-up configuration errors, as an operator meets them. */
describe.each(['stack', 'embedded'] as const)('operations (%s)', (mode) => {
  const metricsToken = `metrics-${randomBytes(12).toString('hex')}`;
  let sc: StackConfig;
  let custody: RunningCustody;
  let dataDir: string | undefined;

  beforeAll(async () => {
    dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'custody-ops-')) : undefined;
    sc = stackConfig({
      CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(metricsToken).digest('hex'),
      ...(dataDir && { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir }),
    });
    custody = await startCustody(sc.config, testLogger());
  });
  afterAll(async () => {
    await custody?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('health and readiness answer without authentication; metrics only with the token', async () => {
    expect((await fetch(`${custody.url}/healthz`)).status).toBe(200);
    // consumers join their groups after HTTP is up: "starting" (503) until then
    const ready = await waitFor('/readyz to answer 200', async () => {
      const r = await fetch(`${custody.url}/readyz`);
      return r.status === 200 ? r.json() : (void (await r.body?.cancel()), undefined);
    });
    expect(ready.mode).toBe(mode);
    const deps = mode === 'stack' ? ['kafka', 's3', 'opensearch'] : ['embedded-bus', 'archive-dir', 'embedded-index'];
    expect(ready.dependencies).toEqual(Object.fromEntries(deps.map((d) => [d, 'ok'])));
    expect((await fetch(`${custody.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${custody.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-123' } })).status).toBe(401);
  });

  test('an oversized body gets 413 and only a forensic sample is quarantined (first 4 KiB, size, hash); the service keeps serving', async () => {
    const limit = sc.config.CUSTODY_MAX_BODY_BYTES;
    const huge = `{"object":"whatsapp_business_account","pad":"${'x'.repeat(limit + 10)}"}`;
    const res = await postWebhook(custody.url, 'acme-wa', huge, sc.appSecret);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('body_too_large');
    const seen: Array<{ headers: Record<string, string>; size: number }> = [];
    const sub = await custody.adapters.bus.subscribe({
      groupId: `q-${sc.name}`,
      topics: [custody.topics.quarantine],
      onBatch: async (rs) => void seen.push(...rs.map((r) => ({ headers: r.headers, size: r.value.length }))),
    });
    const q = await waitFor('the quarantine record', async () => seen.find((r) => r.headers.code === 'body_too_large'));
    await sub.stop();
    expect(q.headers).toMatchObject({
      truncated: 'true',
      stage: 'size',
      instance: 'acme-wa',
      forensic: 'true',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Number(q.headers.size)).toBe(Buffer.byteLength(huge));
    expect(q.size).toBe(4096);
    expect((await fetch(`${custody.url}/healthz`)).status).toBe(200);
  });

  test('the audit trail itself is archived write-once and locked', async () => {
    expect(
      (
        await fetch(`${custody.url}/v1/search`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sc.keys.compliance.token}`, 'content-type': 'application/json' },
          body: '{"text":"anything"}',
        })
      ).status,
    ).toBe(200);
    const stored = await waitFor('an archived audit event', async () => {
      for await (const v of custody.adapters.store.list('tenants/acme/audit/')) return v;
      return undefined;
    });
    const obj = await custody.adapters.store.get(stored.key, stored.versionId);
    expect(JSON.parse(obj.body.toString('utf8'))).toMatchObject({ tenant: 'acme', action: 'records.search', actor: { role: 'compliance' } });
    expect(obj.info.retainUntil!.getTime()).toBeGreaterThan(Date.now());
    await expect(custody.adapters.store.deleteVersion(stored.key, stored.versionId)).rejects.toMatchObject({ code: 'locked' });
  });

  test('metrics count records per channel and tenant through every stage, and report consumer lag', async () => {
    expect((await postWebhook(custody.url, 'acme-wa', textWebhook(`metrics ${sc.name}`).body, sc.appSecret)).status).toBe(200);
    expect((await postWebhook(custody.url, 'acme-wa', '{"broken', sc.appSecret)).status).toBe(400);
    const scrape = () => fetch(`${custody.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } }).then((r) => r.text());
    const text = await waitFor('the record indexed', async () => {
      const t = await scrape();
      return /custody_records_indexed_total\{channel="whatsapp",tenant="acme"\} 1\b/.test(t) ? t : undefined;
    });
    expect(text).toMatch(/custody_records_ingested_total\{channel="whatsapp",tenant="acme"\} 1\b/);
    expect(text).toMatch(/custody_records_archived_total\{channel="whatsapp",outcome="created",tenant="acme"\} 1\b/);
    expect(text).toMatch(/custody_records_quarantined_total\{code="malformed_json",connector="whatsapp-cloud",tenant="acme"\} 1\b/);
    expect(text).toMatch(/custody_archive_put_seconds_count 1\b/);
    expect(text).toMatch(/custody_consumer_lag_records\{group="[^"]+"\} \d+/);
    expect(text).toMatch(new RegExp(`custody_bus_stalled_batches\\{group="${sc.config.CUSTODY_ARCHIVER_GROUP}"\\} 0\\b`));
    // the process's own series, and HTTP requests by route pattern (never by path: one series per instance would grow without bound)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/custody_http_request_duration_seconds_count\{method="POST",route="\/webhooks\/:instance",status="400"\} [1-9]/);
    expect(text).not.toMatch(/route="\/webhooks\/acme-wa"/);
    expect(text).not.toContain(sc.appSecret);
  });
});

test('a wrong setting stops start-up naming the variable and what it expects', async () => {
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(
      'node',
      ['bin/custody.js', 'start'],
      { cwd: REPO_ROOT, env: { ...process.env, CUSTODY_HTTP_PORT: 'eighty', CUSTODY_MODE: 'embedded' }, timeout: 30_000 },
      (err, _out, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stderr }),
    ),
  );
  expect(code).toBe(1);
  expect(stderr).toContain('CUSTODY_HTTP_PORT');
  expect(stderr).toContain('HTTP port');
});
