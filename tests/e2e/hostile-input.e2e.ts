import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusRecord } from '@custody/bus';
import { signWhatsAppBody } from '@custody/connectors';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch, whatsappDelivery } from '@custody/testing/whatsapp';

/**
 * Hostile vendor input, on the real stack and the embedded adapters: a content type that cannot be
 * a header, a delivery with many events, and unauthenticated requests by the dozen.
 */
describe.each(['stack', 'embedded'] as const)('hostile webhook input (%s)', (mode) => {
  const GRAPH_TOKEN = `graph-${randomBytes(6).toString('hex')}`;
  const METRICS_TOKEN = `metrics-${randomBytes(8).toString('hex')}`;
  const file = randomBytes(10_000);
  let graph: Server;
  let sc: StackConfig;
  let custody: RunningCustody;
  let dataDir: string | undefined;
  const quarantine: BusRecord[] = [];

  beforeAll(async () => {
    graph = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${GRAPH_TOKEN}`) return void res.writeHead(401).end();
      const base = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
      if (/^\/v21\.0\/[\w-]+$/.test(req.url ?? ''))
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ url: `${base}/download/x`, mime_type: 'text/plain', file_size: file.length }));
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(file.length) }).end(file);
    });
    await new Promise<void>((r) => graph.listen(0, '127.0.0.1', () => r()));
    dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'custody-hostile-')) : undefined;
    const graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
    sc = stackConfig(
      {
        CUSTODY_MAX_EVENTS_PER_DELIVERY: '1500',
        CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'whatsapp-cloud': graphUrl }),
        CUSTODY_REJECTIONS_PER_MINUTE: '5',
        CUSTODY_METRICS_TOKEN_SHA256: createHash('sha256').update(METRICS_TOKEN).digest('hex'),
        ...(dataDir && { CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dataDir }),
      },
      [
        {
          id: 'acme-wa-hostile',
          connector: 'whatsapp-cloud',
          tenant: 'acme',
          config: { appSecret: 'hostile-secret', verifyToken: 'hostile-verify', accessToken: GRAPH_TOKEN },
        },
      ],
    );
    custody = await startCustody(sc.config, testLogger());
    await custody.adapters.bus.subscribe({ groupId: `q-${sc.name}`, topics: [custody.topics.quarantine], onBatch: async (r) => void quarantine.push(...r) });
  });
  afterAll(async () => {
    await custody?.stop();
    graph?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const hook = (messages: object[]) => JSON.stringify(whatsappDelivery({ messages }, '1'));
  const text = (id: string, body: string) => ({ from: '16505551234', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${custody.url}/webhooks/acme-wa-hostile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody('hostile-secret', body), ...headers },
      body,
    });
  const get = (path: string) => fetch(`${custody.url}${path}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });

  test.each([
    ['CR/LF', 'text/plain\r\nX-Injected: yes'],
    ['non-Latin-1', 'text/plain; name=résumé☃'],
  ])('an attachment whose declared type holds %s is archived and served as application/octet-stream, and the process lives on', async (_what, mimeType) => {
    const media = `media-${randomBytes(8).toString('hex')}`;
    const wamid = `wamid.${media}`;
    const body = hook([
      {
        from: '16505551234',
        id: wamid,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'document',
        document: { id: media, filename: 'cv.txt', mime_type: mimeType, caption: `cv ${wamid}` },
      },
    ]);
    const res = await post(body);
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { ids: string[] }).ids[0];
    const record = await waitFor('record archived', async () => {
      const r = await get(`/v1/records/${id}`);
      return r.status === 200 ? ((await r.json()) as { envelope: { attachments: Array<{ mimeType?: string; declaredMimeType?: string }> } }) : undefined;
    });
    expect(record.envelope.attachments[0]).toMatchObject({ declaredMimeType: mimeType });
    expect(record.envelope.attachments[0].mimeType).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const att = await waitFor(
        'attachment served',
        async () => {
          const r = await get(`/v1/records/${id}/attachments/${media}`);
          return r.status === 200 ? r : undefined;
        },
        60_000,
      );
      expect(att.headers.get('content-type')).toBe('application/octet-stream');
      expect(att.headers.get('x-injected')).toBeNull();
      expect(Buffer.from(await att.arrayBuffer()).equals(file)).toBe(true);
    }
    expect((await fetch(`${custody.url}/healthz`)).status).toBe(200);
  });

  test('one delivery of 1,000 messages: its bytes archived once, each record references them and its own event', async () => {
    const marker = `bulk${randomBytes(4).toString('hex')}`;
    const body = hook(Array.from({ length: 1000 }, (_, i) => text(`wamid.${marker}.${i}`, `${marker} order ${i}`)));
    const sha256 = createHash('sha256').update(body).digest('hex');
    const res = await post(body);
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { ids: string[] }).ids;
    expect(ids).toHaveLength(1000);
    await waitFor(
      'all 1,000 searchable',
      async () => ((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker, size: 1 })).body.total === 1000 ? true : undefined),
      120_000,
    );
    for (const [i, id] of [ids[0], ids[999]].entries()) {
      const rec = (await (await get(`/v1/records/${id}`)).json()) as { envelope: { source: { raw: Record<string, unknown> } }; archive: { size: number } };
      expect(rec.envelope.source.raw).toEqual({
        contentType: 'application/json',
        sha256,
        size: Buffer.byteLength(body),
        path: `entry.0.changes.0.value.messages.${i * 999}`,
      });
      expect(rec.archive.size).toBeLessThan(4096); // the record no longer carries the whole delivery
      const raw = await waitFor('delivery archived', async () => {
        const r = await get(`/v1/records/${id}/raw`);
        return r.status === 200 ? r : undefined;
      });
      expect(raw.headers.get('x-custody-sha256')).toBe(sha256);
      expect(raw.headers.get('x-custody-event-path')).toBe(encodeURIComponent(`entry.0.changes.0.value.messages.${i * 999}`));
      expect(Buffer.from(await raw.arrayBuffer()).toString('utf8')).toBe(body);
    }
    const stored = [];
    for await (const v of custody.adapters.store.list(`tenants/acme/raw/${sha256.slice(0, 2)}/${sha256}`)) stored.push(v);
    expect(stored).toHaveLength(1);
    const info = await custody.adapters.store.head(`tenants/acme/raw/${sha256.slice(0, 2)}/${sha256}`);
    expect(info!.retainUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  test('a delivery over the event limit is refused with 413 and quarantined whole; nothing of it is archived', async () => {
    const marker = `over${randomBytes(4).toString('hex')}`;
    const body = hook(Array.from({ length: 1501 }, (_, i) => text(`wamid.${marker}.${i}`, `${marker} ${i}`)));
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_events');
    const q = await waitFor('quarantined', async () => quarantine.find((r) => r.headers.code === 'too_many_events'));
    expect(q.value.toString('utf8')).toBe(body); // authentic (signed): the exact bytes are evidence
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });

  test('unauthenticated requests keep only a forensic sample, never secrets, and past the rate limit nothing (429, counted)', async () => {
    const big = 'x'.repeat(20_000);
    const secretHeader = `Bearer leaked-${randomBytes(6).toString('hex')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${custody.url}/webhooks/acme-wa-hostile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00', authorization: secretHeader, 'user-agent': 'attacker/1.0' },
        body: `{"n":${i},"pad":"${big}"}`,
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const kept = await waitFor('five forensic records', async () => {
      const f = quarantine.filter((r) => r.headers.forensic === 'true' && r.headers.instance === 'acme-wa-hostile');
      return f.length >= 5 ? f : undefined;
    });
    // each 401 was answered after its record was published: once this reader caught up, nothing more is coming
    await waitFor('the quarantine reader to catch up', async () =>
      (await custody.adapters.bus.lag(`q-${sc.name}`, [custody.topics.quarantine])) === 0 ? true : undefined,
    );
    expect(quarantine.filter((r) => r.headers.forensic === 'true' && r.headers.instance === 'acme-wa-hostile')).toHaveLength(5);
    for (const r of kept) {
      expect(r.value.length).toBe(4096);
      expect(r.headers).toMatchObject({ code: 'signature_invalid', stage: 'verify', truncated: 'true', remote_address: expect.stringMatching(/127\.0\.0\.1/) });
      expect(Number(r.headers.size)).toBeGreaterThan(20_000);
      expect(r.headers.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(r.headers.request_headers)).toMatchObject({ 'user-agent': 'attacker/1.0' });
      expect(JSON.stringify(r.headers)).not.toContain('leaked-');
    }
    const metrics = await (await fetch(`${custody.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/custody_quarantine_dropped_total\{[^}]*reason="rate_limited"[^}]*\} 3/);
  });
});
