import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor, sendBytes, sha256Hex, startFakeVendor, type FakeVendor } from '@custody/testing';
import { stackConfig, type StackConfig, rawOf } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';
import { encrypt, encryptCallback, wecomSignature } from '../../packages/connectors/src/wecom/crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** An EncodingAESKey as the WeCom console generates one: 43 letters and digits. */
const encodingAesKey = () => Array.from(randomBytes(43), (b) => ALNUM[b % ALNUM.length]).join('');
const CORP_ID = 'ww8d1a2f3c4b5e6a7d';
const AGENT_ID = '1000002';

/** A decrypted text message as WeCom documents it (接收普通消息), with a unique 64-bit MsgId. */
function textMessage(content: string, at = new Date()): { xml: string; msgId: string } {
  const msgId = `${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
  const xml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[ZhangSan]]></FromUserName><CreateTime>${Math.floor(at.getTime() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId><AgentID>${AGENT_ID}</AgentID></xml>`;
  return { xml, msgId };
}

/** A decrypted image message (MsgType image: PicUrl + MediaId), media ids as WeCom issues them. */
function imageMessage(from: string, mediaId: string, at = new Date()): { xml: string; msgId: string } {
  const msgId = `${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
  const xml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(at.getTime() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://wework.qpic.cn/wwpic/${msgId}/0]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${msgId}</MsgId><AgentID>${AGENT_ID}</AgentID></xml>`;
  return { xml, msgId };
}

const json = (res: ServerResponse, body: unknown) => void res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));

/**
 * A stand-in for qyapi.weixin.qq.com: GET /cgi-bin/gettoken (corpid + corpsecret → access_token), then
 * GET /cgi-bin/media/get (access_token + media_id → the file). Auth is in the query string, not a header.
 * A wrong credential is refused with HTTP 401 and WeCom's errcode JSON (WeCom itself says it with HTTP 200),
 * an unknown media_id exactly as WeCom does: HTTP 200, errcode 40007, no Content-Disposition.
 */
function fakeWecomApi(creds: { corpId: string; corpSecret: string; accessToken: string }, files: Map<string, Buffer>): Promise<FakeVendor> {
  return startFakeVendor((req, res, { url }) => {
    const q = url.searchParams;
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (url.pathname === '/cgi-bin/gettoken') {
      if (q.get('corpid') !== creds.corpId || q.get('corpsecret') !== creds.corpSecret)
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"errcode":40001,"errmsg":"invalid credential"}');
      return json(res, { errcode: 0, errmsg: 'ok', access_token: creds.accessToken, expires_in: 7200 });
    }
    if (url.pathname === '/cgi-bin/media/get') {
      if (q.get('access_token') !== creds.accessToken)
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"errcode":40014,"errmsg":"invalid access_token"}');
      const file = files.get(q.get('media_id') ?? '');
      if (!file) return json(res, { errcode: 40007, errmsg: 'invalid media_id' });
      return sendBytes(res, file, { 'content-type': 'image/jpeg', 'content-disposition': `attachment; filename="${q.get('media_id')}.jpg"` });
    }
    res.writeHead(404).end();
  });
}

/** WeCom callback (encrypted XML, msg_signature) → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('WeCom callbacks on the real stack', () => {
  const keys = { token: `tok${randomBytes(8).toString('hex')}`, encodingAesKey: encodingAesKey(), corpId: CORP_ID };
  const api = { corpId: CORP_ID, corpSecret: `secret-${randomBytes(16).toString('hex')}`, accessToken: randomBytes(48).toString('base64url') };
  const mediaId = `3${randomBytes(36).toString('base64url')}`;
  const image = randomBytes(512 * 1024 + 77);
  let wecomApi: FakeVendor;
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    wecomApi = await fakeWecomApi(api, new Map([[mediaId, image]]));
    // its own media consumer group: the default one is shared by every Custody running against this Kafka
    // the fake WeCom API is the operator's override, never part of the tenant's connector config
    sc = stackConfig({ CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ wecom: wecomApi.url }) }, [
      { id: 'acme-wecom', connector: 'wecom', tenant: 'acme', config: { ...keys, corpSecret: api.corpSecret } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    await wecomApi?.close();
  });

  const post = (cb: { body: string; query: string }) =>
    fetch(`${custody.url}/webhooks/acme-wecom?${cb.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });

  async function findByText(text: string) {
    return waitFor(`"${text}" to be searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.status === 200 && r.body.total > 0 ? r.body : undefined;
    });
  }

  test('answers the URL verification with the decrypted echostr, only when msg_signature matches', async () => {
    const echostr = encrypt('6193580427751082381', keys.encodingAesKey, keys.corpId);
    const query = (token: string) =>
      new URLSearchParams({ msg_signature: wecomSignature(token, '1763800000', '917263', echostr), timestamp: '1763800000', nonce: '917263', echostr });
    const ok = await fetch(`${custody.url}/webhooks/acme-wecom?${query(keys.token)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('6193580427751082381');
    const bad = await fetch(`${custody.url}/webhooks/acme-wecom?${query('notTheToken')}`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).not.toContain('6193580427751082381');
  });

  test('an encrypted, signed message is acknowledged with "success", archived under COMPLIANCE lock, searchable and verifiable', async () => {
    const marker = `wecom ${sc.name} alpha`;
    const msg = textMessage(`Please buy 100 ACME, ${marker}`);
    const cb = encryptCallback(msg.xml, keys, { agentId: AGENT_ID });
    const res = await post(cb);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('success');

    const found = await findByText(marker);
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit.archive.key).toMatch(/^tenants\/acme\/records\//);

    const rec = await fetch(`${custody.url}/v1/records/${hit.id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(rec.status).toBe(200);
    const record = await rec.json();
    expect(record.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(record.envelope).toMatchObject({
      kind: 'message',
      channel: 'wecom',
      direction: 'inbound',
      source: { connector: 'wecom', externalId: msg.msgId, accountId: `${CORP_ID}:${AGENT_ID}` },
      conversation: { id: `wecom:${CORP_ID}:${AGENT_ID}:ZhangSan`, type: 'direct' },
      sender: { kind: 'handle', value: 'ZhangSan' },
      content: { text: `Please buy 100 ACME, ${marker}`, format: 'wecom/text' },
    });
    // the evidence is the ciphertext exactly as WeCom posted it
    expect(await rawOf(custody.url, sc.keys.compliance.token, record.envelope.id)).toBe(cb.body);

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('a bad msg_signature is refused with 401; an XXE payload with 400; neither is archived', async () => {
    const marker = `wecom ${sc.name} forged`;
    const cb = encryptCallback(textMessage(marker).xml, keys);
    const forged = await post({
      body: cb.body,
      query: cb.query.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${wecomSignature('notTheToken', '1', '2', 'x')}`),
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('signature_invalid');

    const unsigned = await fetch(`${custody.url}/webhooks/acme-wecom`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).error.code).toBe('signature_missing');

    const xxe = `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>`;
    const rejected = await fetch(`${custody.url}/webhooks/acme-wecom?${cb.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xxe });
    expect(rejected.status).toBe(400);
    expect((await rejected.json()).error.code).toBe('xml_forbidden');

    // a later valid message proves the pipeline went past both without archiving them
    const fence = `wecom ${sc.name} fence`;
    expect((await post(encryptCallback(textMessage(fence).xml, keys))).status).toBe(200);
    await findByText(fence);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });

  test("an image message's MediaId is fetched with gettoken + media/get, stored by SHA-256 under COMPLIANCE lock, and served back verified", async () => {
    const sha = sha256Hex(image);
    const from = `WangWu${sc.name}`;
    const msg = imageMessage(from, mediaId);
    const res = await post(encryptCallback(msg.xml, keys, { agentId: AGENT_ID }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');

    const found = await waitFor('the image message to be searchable', async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { conversation: `wecom:${CORP_ID}:${AGENT_ID}:${from}` });
      return r.status === 200 && r.body.total > 0 ? r.body : undefined;
    });
    expect(found.total).toBe(1);
    const id = found.hits[0].id as string;

    const download = await waitFor(
      `attachment ${mediaId} of ${id}`,
      async () => {
        const r = await fetch(`${custody.url}/v1/records/${id}/attachments/${encodeURIComponent(mediaId)}`, {
          headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
        });
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    const body = Buffer.from(await download.arrayBuffer());
    expect(download.headers.get('x-custody-sha256')).toBe(sha);
    expect(sha256Hex(body)).toBe(sha);
    expect(body.length).toBe(image.length);

    // exactly WeCom's two calls, with the configured credentials, and nothing else
    const paths = new Set(wecomApi.requests.map((r) => r.url.pathname));
    expect([...paths].sort()).toEqual(['/cgi-bin/gettoken', '/cgi-bin/media/get']);
    const get = wecomApi.requests.find((r) => r.url.pathname === '/cgi-bin/media/get')!;
    expect(Object.fromEntries(get.url.searchParams)).toEqual({ access_token: api.accessToken, media_id: mediaId });

    const blobKey = `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}`;
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: blobKey }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');

    // the record still only references the media id; another tenant cannot read the content
    const rec = await (await fetch(`${custody.url}/v1/records/${id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } })).json();
    expect(rec.envelope.attachments).toEqual([{ id: mediaId, kind: 'image', sourceRef: `wecom-media:${mediaId}` }]);
    const other = await fetch(`${custody.url}/v1/records/${id}/attachments/${encodeURIComponent(mediaId)}`, {
      headers: { authorization: `Bearer ${sc.keys.other.token}` },
    });
    expect(other.status).toBe(404);
  });
});
