import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusRecord, Subscription } from '@custody/bus';
import { signWhatsAppBody } from '@custody/connectors';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { sendBytes, sha256Hex, startFakeVendor, type FakeVendor, testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { documentWebhook } from '@custody/testing/whatsapp';
import { webhookId } from '@custody/api';

const HEALTHY = `healthy-token-${randomBytes(6).toString('hex')}`;
const FAILING = `failing-token-${randomBytes(6).toString('hex')}`;
const ROGUE = `rogue-token-${randomBytes(6).toString('hex')}`;
const BUDGET = 3;

/**
 * Items 4 and 5 of issue 8, on both adapter sets: media fetches reach only what the operator and the
 * connector allow, and one tenant's failing vendor neither stalls another tenant's attachments nor
 * is retried forever.
 */
describe.each(['embedded', 'stack'] as const)('media egress and isolation (%s)', (mode) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custody-media-egress-'));
  const files = new Map<string, Buffer>(Array.from({ length: 3 }, (_, i) => [`healthy-${i}`, randomBytes(200_000 + i)]));
  let internal: FakeVendor;
  let graph: FakeVendor;
  let sc: StackConfig;
  let custody: RunningCustody;
  let dlqSub: Subscription;
  const dead: BusRecord[] = [];
  const secrets = { healthy: 'healthy-app-secret', failing: 'failing-app-secret', rogue: 'rogue-app-secret' };

  beforeAll(async () => {
    // an internal service that must never be reached: it would answer anything, with the token
    internal = await startFakeVendor((_req, res) => sendBytes(res, Buffer.from('internal admin page'), { 'content-type': 'text/html' }));
    // one fake Graph API for all instances: it fails for one token, points another at the internal service, serves the third
    graph = await startFakeVendor((req, res, { url, base }) => {
      const auth = req.headers.authorization;
      if (auth === `Bearer ${FAILING}`) return void res.writeHead(500).end('{"error":{"message":"internal error"}}');
      const meta = /^\/v21\.0\/([\w-]+)$/.exec(url.pathname)?.[1];
      if (auth === `Bearer ${ROGUE}` && meta)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: `${internal.url}/admin/export`, id: meta }));
      if (auth !== `Bearer ${HEALTHY}`) return void res.writeHead(401).end();
      const id = meta ?? /^\/download\/([\w-]+)$/.exec(url.pathname)?.[1];
      const file = id ? files.get(id) : undefined;
      if (!file) return void res.writeHead(404).end();
      if (meta)
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ url: `${base}/download/${id}`, mime_type: 'application/pdf', file_size: file.length, id }));
      sendBytes(res, file, { 'content-type': 'application/pdf' });
    });
    const wa = (id: string, tenant: string, appSecret: string, accessToken: string) => ({
      id,
      connector: 'whatsapp-cloud',
      tenant,
      config: { appSecret, verifyToken: 'verify-token-1', accessToken },
    });
    sc = stackConfig(
      {
        ...(mode === 'embedded' ? { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir } : {}),
        CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'whatsapp-cloud': graph.url }),
        CUSTODY_MEDIA_RETRY_ATTEMPTS: String(BUDGET),
        CUSTODY_MEDIA_RETRY_INITIAL_MS: '200',
        CUSTODY_MEDIA_RETRY_MAX_MS: '1000',
      },
      [
        wa('acme-failing', 'acme', secrets.failing, FAILING),
        wa('acme-rogue', 'acme', secrets.rogue, ROGUE),
        wa('globex-healthy', 'globex', secrets.healthy, HEALTHY),
      ],
    );
    custody = await startCustody(sc.config, testLogger());
    dlqSub = await custody.adapters.bus.subscribe({
      groupId: `dlq-reader-${sc.name}`,
      topics: [custody.topics.dlq],
      onBatch: async (r) => void dead.push(...r),
    });
  });
  afterAll(async () => {
    await dlqSub?.stop();
    await custody?.stop();
    await Promise.all([graph?.close(), internal?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(instance: string, appSecret: string, body: string): Promise<string> {
    const res = await fetch(`${custody.url}/webhooks/${instance}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(appSecret, body) },
      body,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { ids: string[] }).ids[0];
  }

  const deadLetterOf = (id: string) => dead.find((r) => JSON.parse(r.value.toString('utf8')).id === id);

  test('a tenant admin cannot point the fetcher at an internal address: a base URL in the connector config is refused and nothing is requested there', async () => {
    const res = await fetch(`${custody.url}/v1/admin/connectors/acme-evil`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sc.keys.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        connector: 'whatsapp-cloud',
        config: { appSecret: 'evil-app-secret', verifyToken: 'verify-token-1', accessToken: HEALTHY, apiBaseUrl: internal.url },
      }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/apiBaseUrl/);
    // the instance does not exist, so no webhook can make the fetcher use it
    const hook = await fetch(`${custody.url}/webhooks/${webhookId('acme', 'acme-evil')}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWhatsAppBody('evil-app-secret', documentWebhook('healthy-0', `wamid.${sc.name}.evil`, 'evil', 'a.pdf')),
      },
      body: documentWebhook('healthy-0', `wamid.${sc.name}.evil`, 'evil', 'a.pdf'),
    });
    expect(hook.status).toBe(404);
    expect(internal.requests).toEqual([]);
  });

  test('a download URL the vendor returns that points at an internal service is refused and dead-lettered with the reason; it gets no request', async () => {
    const id = await post('acme-rogue', secrets.rogue, documentWebhook('rogue-1', `wamid.${sc.name}.rogue`, `rogue ${sc.name}`, 'a.pdf'));
    const record = await waitFor('the rogue record in the DLQ', async () => deadLetterOf(id), 60_000);
    expect(record.headers).toMatchObject({ dlq_step: 'media', instance: 'acme-rogue' });
    expect(record.headers.dlq_reason).toContain(`refused ${new URL(internal.url).origin}: http: is not https`);
    expect(record.headers.dlq_reason).not.toContain(ROGUE);
    expect(internal.requests).toEqual([]);
  });

  test("one instance's failing vendor does not hold up another tenant's attachments, and is dead-lettered after its budget", async () => {
    const failingIds: string[] = [];
    for (let i = 0; i < 3; i++)
      failingIds.push(await post('acme-failing', secrets.failing, documentWebhook(`down-${i}`, `wamid.${sc.name}.down.${i}`, `down ${sc.name} ${i}`, 'a.pdf')));
    const healthyIds: string[] = [];
    for (const [mediaId] of files)
      healthyIds.push(
        await post('globex-healthy', secrets.healthy, documentWebhook(mediaId, `wamid.${sc.name}.${mediaId}`, `healthy ${sc.name} ${mediaId}`, 'a.pdf')),
      );

    // bounded well below what the failing instance's retries take to run out
    for (const [i, id] of healthyIds.entries()) {
      const mediaId = [...files.keys()][i];
      const res = await waitFor(
        `globex attachment ${mediaId}`,
        async () => {
          const r = await fetch(`${custody.url}/v1/records/${id}/attachments/${mediaId}`, { headers: { authorization: `Bearer ${sc.keys.other.token}` } });
          return r.status === 200 ? r : undefined;
        },
        30_000,
      );
      expect(sha256Hex(Buffer.from(await res.arrayBuffer()))).toBe(sha256Hex(files.get(mediaId)!));
    }

    for (const id of failingIds) {
      const record = await waitFor(`failing record ${id} dead-lettered`, async () => deadLetterOf(id), 60_000);
      expect(record.headers).toMatchObject({ dlq_step: 'media', instance: 'acme-failing', media_attempts: String(BUDGET) });
      expect(record.headers.dlq_reason).toMatch(
        new RegExp(`^attachments not fetched after ${BUDGET} attempts: down-\\d: whatsapp-cloud: media down-\\d: HTTP 500$`),
      );
    }
    // the budget bounds the calls: each record's metadata request was tried exactly BUDGET times
    const failingCalls = graph.requests.filter((r) => r.headers.authorization === `Bearer ${FAILING}`);
    expect(failingCalls).toHaveLength(failingIds.length * BUDGET);
    // and none of them was stored
    for (const [i, id] of failingIds.entries()) {
      const r = await fetch(`${custody.url}/v1/records/${id}/attachments/down-${i}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
      expect(r.status).toBe(404);
    }
  });
});
