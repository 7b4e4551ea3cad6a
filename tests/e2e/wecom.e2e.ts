import { randomBytes, randomInt } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { stackConfig, testLogger, waitFor, type StackConfig } from '../support/stack';
import { apiSearch } from '../support/whatsapp';
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

/** WeCom callback (encrypted XML, msg_signature) → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('WeCom callbacks on the real stack', () => {
  const keys = { token: `tok${randomBytes(8).toString('hex')}`, encodingAesKey: encodingAesKey(), corpId: CORP_ID };
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    sc = stackConfig({}, [{ id: 'acme-wecom', connector: 'wecom', tenant: 'acme', config: keys }]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
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
    const query = (token: string) => new URLSearchParams({ msg_signature: wecomSignature(token, '1763800000', '917263', echostr), timestamp: '1763800000', nonce: '917263', echostr });
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
    expect(record.verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });
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
    expect(record.envelope.source.raw.body).toBe(cb.body);

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('a bad msg_signature is refused with 401; an XXE payload with 400; neither is archived', async () => {
    const marker = `wecom ${sc.name} forged`;
    const cb = encryptCallback(textMessage(marker).xml, keys);
    const forged = await post({ body: cb.body, query: cb.query.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${wecomSignature('notTheToken', '1', '2', 'x')}`) });
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
});
