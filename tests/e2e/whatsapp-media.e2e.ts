import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { signWhatsAppBody } from '@custody/connectors';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch, documentWebhook } from '@custody/testing/whatsapp';

/** A stand-in for the Graph API media endpoints on 127.0.0.1: metadata, then the bytes, both behind the bearer token. */
function fakeGraph(files: Map<string, Buffer>, token: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const meta = /^\/v21\.0\/([\w-]+)$/.exec(req.url ?? '');
      const dl = /^\/download\/([\w-]+)$/.exec(req.url ?? '');
      const id = meta?.[1] ?? dl?.[1];
      const file = id ? files.get(id) : undefined;
      if (!file) return void res.writeHead(404).end('{"error":{"message":"media not found"}}');
      if (meta)
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ url: `${base}/download/${id}`, mime_type: 'application/pdf', file_size: file.length, id }));
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(file.length) });
      // in chunks, as a real download arrives
      for (let i = 0; i < file.length; i += 64 * 1024) res.write(file.subarray(i, i + 64 * 1024));
      res.end();
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

describe('WhatsApp attachments on the real stack', () => {
  const token = `graph-token-${randomBytes(6).toString('hex')}`;
  const content = randomBytes(3 * 1024 * 1024 + 123);
  const files = new Map([
    ['media-one', content],
    ['media-two', content],
  ]);
  let graph: { server: Server; url: string };
  let sc: StackConfig;
  let custody: RunningCustody;

  beforeAll(async () => {
    graph = await fakeGraph(files, token);
    sc = stackConfig({ CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'whatsapp-cloud': graph.url }) }, [
      {
        id: 'acme-wa-media',
        connector: 'whatsapp-cloud',
        tenant: 'acme',
        config: { appSecret: 'media-app-secret', verifyToken: 'media-verify', accessToken: token },
      },
    ]);
    custody = await startCustody(sc.config, testLogger());
  });
  afterAll(async () => {
    await custody?.stop();
    graph?.server.close();
  });

  async function post(body: string) {
    const res = await fetch(`${custody.url}/webhooks/acme-wa-media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody('media-app-secret', body) },
      body,
    });
    expect(res.status).toBe(200);
    return (await res.json()).ids[0] as string;
  }

  test('a referenced document is fetched, stored once by SHA-256 under the lock, and served back verified', async () => {
    const sha = createHash('sha256').update(content).digest('hex');
    const id1 = await post(documentWebhook('media-one', `wamid.${sc.name}.1`, `term sheet ${sc.name}`));
    const id2 = await post(documentWebhook('media-two', `wamid.${sc.name}.2`, `term sheet copy ${sc.name}`));

    for (const id of [id1, id2]) {
      const res = await waitFor(
        `attachment of ${id}`,
        async () => {
          const r = await fetch(`${custody.url}/v1/records/${id}/attachments/${id === id1 ? 'media-one' : 'media-two'}`, {
            headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
          });
          return r.status === 200 ? r : undefined;
        },
        60_000,
      );
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('x-custody-sha256')).toBe(sha);
      expect(createHash('sha256').update(body).digest('hex')).toBe(sha);
      expect(body.length).toBe(content.length);
    }

    const store = custody.adapters.store as S3ArchiveStore;
    const blobKey = `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}`;
    const versions = await store.client.send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: blobKey }));
    expect(versions.Versions).toHaveLength(1); // two records, one stored copy
    const head = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: blobKey }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');

    // the record itself is untouched: the envelope still only references the media id
    const found = await waitFor('record searchable', async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text: `term sheet ${sc.name}` });
      return r.body.total > 0 ? r.body : undefined;
    });
    expect(found.hits.map((h: { id: string }) => h.id)).toContain(id1);
    // another tenant cannot read it
    const other = await fetch(`${custody.url}/v1/records/${id1}/attachments/media-one`, { headers: { authorization: `Bearer ${sc.keys.other.token}` } });
    expect(other.status).toBe(404);
  });
});
