import { createHmac, randomBytes } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import type { Envelope } from '@custody/envelope';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { stackConfig, testLogger, waitFor, type StackConfig } from '../support/stack';
import { apiSearch } from '../support/whatsapp';

const PUBLIC_URL = 'https://custody.example.test';
const INSTANCE = 'acme-sms';
const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');
interface RecordView {
  envelope: Envelope;
  verification: { objectSha256: string; envelopeIntegrity: string };
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio's algorithm written out independently of the connector: base64(HMAC-SHA1(token, URL + sorted name+value pairs)). */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/**
 * Twilio Messaging webhooks → gateway (X-Twilio-Signature over the public URL) → Kafka → archiver →
 * MinIO (Object Lock) + OpenSearch → API, on the real servers.
 */
describe('Twilio SMS pipeline on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    sc = stackConfig({ CUSTODY_PUBLIC_URL: PUBLIC_URL }, [{ id: INSTANCE, connector: 'twilio-sms', tenant: 'acme', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } }]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
  });

  function post(params: Record<string, string>, opts: { token?: string; signedUrl?: string; signature?: string | null } = {}): Promise<Response> {
    const signature = opts.signature === undefined ? twilioSign(opts.token ?? AUTH_TOKEN, opts.signedUrl ?? `${PUBLIC_URL}/webhooks/${INSTANCE}`, params) : opts.signature;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    return fetch(`${custody.url}/webhooks/${INSTANCE}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  }

  function inbound(text: string, extra: Record<string, string> = {}): Record<string, string> {
    const messageSid = sid('SM');
    return {
      ToCountry: 'US',
      SmsMessageSid: messageSid,
      NumMedia: '0',
      SmsSid: messageSid,
      SmsStatus: 'received',
      Body: text,
      FromCity: 'SAN FRANCISCO',
      NumSegments: '1',
      MessageSid: messageSid,
      AccountSid: ACCOUNT_SID,
      From: '+14158675310',
      To: '+15017122661',
      ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  async function find(query: Record<string, unknown>, count = 1) {
    return waitFor(`${JSON.stringify(query)} to be searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, query);
      return r.status === 200 && r.body.total >= count ? r.body : undefined;
    });
  }

  async function record(id: string): Promise<RecordView> {
    const res = await fetch(`${custody.url}/v1/records/${id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as RecordView;
  }

  test('a signed inbound SMS is acknowledged with TwiML, archived under COMPLIANCE lock, searchable and verified', async () => {
    const marker = `twilio ${sc.name} sierra`;
    const params = inbound(`Sell 300 ACME at the close, ${marker} & confirm`);
    const res = await post(params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe(EMPTY_TWIML);

    const found = await find({ text: marker });
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit).toMatchObject({ channel: 'sms', kind: 'message', sender: '+14158675310', direction: 'inbound' });

    const rec = await record(hit.id);
    expect(rec.verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });
    expect(rec.envelope).toMatchObject({
      kind: 'message',
      channel: 'sms',
      source: { connector: 'twilio-sms', externalId: params.MessageSid, accountId: ACCOUNT_SID },
      conversation: { id: `sms:${ACCOUNT_SID}:+15017122661:+14158675310` },
      recipients: [{ kind: 'phone', value: '+15017122661' }],
      content: { text: params.Body, format: 'twilio/sms' },
    });
    expect(rec.envelope.source.raw.body).toBe(new URLSearchParams(params).toString());

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('an MMS and its delivery status are archived as their own records', async () => {
    const marker = `twilio ${sc.name} mms tango`;
    const mms = inbound(marker, {
      NumMedia: '1',
      MediaContentType0: 'image/jpeg',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/${sid('ME')}`,
    });
    expect((await post(mms)).status).toBe(200);
    const outboundSid = sid('SM');
    const status = { SmsSid: outboundSid, SmsStatus: 'undelivered', MessageStatus: 'undelivered', ErrorCode: '30003', To: '+14158675310', MessageSid: outboundSid, AccountSid: ACCOUNT_SID, From: '+15017122661', ApiVersion: '2010-04-01' };
    expect((await post(status)).status).toBe(200);

    const [photo] = (await find({ text: marker })).hits;
    expect(photo).toMatchObject({ channel: 'mms', kind: 'message' });
    expect((await record(photo.id)).envelope.attachments).toEqual([{ id: mms.MediaUrl0!.split('/').pop(), kind: 'image', mimeType: 'image/jpeg', sourceRef: mms.MediaUrl0 }]);

    const [hit] = (await find({ kind: 'status', text: '30003' })).hits;
    expect(hit).toMatchObject({ channel: 'sms', direction: 'outbound', sender: '+15017122661', conversationId: `sms:${ACCOUNT_SID}:+15017122661:+14158675310` });
    const { envelope, verification } = await record(hit.id);
    expect(verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });
    expect(envelope).toMatchObject({ source: { externalId: `${outboundSid}:undelivered` }, refs: { statusOf: outboundSid, status: 'undelivered' } });
  });

  test('bad authentication is refused with 401 and nothing is archived', async () => {
    const marker = `twilio ${sc.name} forged`;
    const forged = await post(inbound(marker), { token: 'not-the-auth-token' });
    expect(forged.status).toBe(401);
    expect(await errorCode(forged)).toBe('signature_invalid');

    // signed against the address Custody listens on rather than the public URL Twilio calls
    const internal = await post(inbound(marker), { signedUrl: `${custody.url}/webhooks/${INSTANCE}` });
    expect(internal.status).toBe(401);

    const missing = await post(inbound(marker), { signature: null });
    expect(missing.status).toBe(401);
    expect(await errorCode(missing)).toBe('signature_missing');

    const otherAccount = await post(inbound(marker, { AccountSid: sid('AC') }));
    expect(otherAccount.status).toBe(401);
    expect(await errorCode(otherAccount)).toBe('account_mismatch');

    // a message accepted after them proves the archiver went past their position
    const fence = `twilio ${sc.name} fence`;
    expect((await post(inbound(fence))).status).toBe(200);
    await find({ text: fence });
    await custody.adapters.index.refresh();
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });
});
