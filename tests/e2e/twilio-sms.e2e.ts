import { randomBytes } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { sendBytes, sha256Hex, startFakeVendor, type FakeVendor, testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';
import { EMPTY_TWIML, PUBLIC_URL, errorCode, sid, twilioAccount, twilioSign, type RecordView } from '@custody/testing/twilio';

const INSTANCE = 'acme-sms';
const { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, basicAuth: BASIC_AUTH } = twilioAccount();

const mediaPath = (messageSid: string, mediaSid: string) => `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${messageSid}/Media/${mediaSid}`;

/**
 * Twilio's media resource as the connector meets it: GET /2010-04-01/Accounts/<sid>/Messages/<MM>/Media/<ME>
 * behind basic auth (AccountSid:AuthToken) answers a redirect to a pre-signed URL on the media CDN,
 * another origin, which refuses a second auth mechanism (as S3 does) and serves the bytes.
 */
async function fakeTwilioMedia(files: Map<string, { body: Buffer; mimeType: string }>): Promise<{ api: FakeVendor; cdn: FakeVendor }> {
  const cdn = await startFakeVendor((req, res, { url }) => {
    const file =
      /^\/media\/(ME[0-9a-f]{32})$/.exec(url.pathname) && url.searchParams.get('Signature') === 'fake'
        ? files.get(url.pathname.slice('/media/'.length))
        : undefined;
    if (req.method !== 'GET' || !file) return void res.writeHead(404).end();
    if (req.headers.authorization)
      return void res
        .writeHead(400, { 'content-type': 'application/xml' })
        .end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
    sendBytes(res, file.body, { 'content-type': file.mimeType });
  });
  const api = await startFakeVendor((req, res, { url }) => {
    if (req.headers.authorization !== BASIC_AUTH)
      return void res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Twilio API"' })
        .end('{"code":20003,"message":"Authenticate","status":401}');
    const m = new RegExp(`^/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/(MM[0-9a-f]{32})/Media/(ME[0-9a-f]{32})$`).exec(url.pathname);
    if (req.method !== 'GET' || !m || !files.has(m[2]))
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"status":404}');
    res.writeHead(307, { location: `${cdn.url}/media/${m[2]}?Expires=${Math.floor(Date.now() / 1000) + 14_400}&Signature=fake` }).end();
  });
  return { api, cdn };
}

/**
 * Twilio Messaging webhooks → gateway (X-Twilio-Signature over the public URL) → Kafka → archiver →
 * MinIO (Object Lock) + OpenSearch → API, on the real servers.
 */
describe('Twilio SMS pipeline on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;
  const files = new Map<string, { body: Buffer; mimeType: string }>();
  let twilio: { api: FakeVendor; cdn: FakeVendor };

  beforeAll(async () => {
    twilio = await fakeTwilioMedia(files);
    // its own media consumer group: the default one is shared with every other test run against this Kafka
    // the fake API and CDN are the operator's override (CUSTODY_VENDOR_BASE_URLS), never the tenant's config
    sc = stackConfig({ CUSTODY_PUBLIC_URL: PUBLIC_URL, CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'twilio-sms': [twilio.api.url, twilio.cdn.url] }) }, [
      { id: INSTANCE, connector: 'twilio-sms', tenant: 'acme', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    await twilio?.api.close();
    await twilio?.cdn.close();
  });

  function post(params: Record<string, string>, opts: { token?: string; signedUrl?: string; signature?: string | null } = {}): Promise<Response> {
    const signature =
      opts.signature === undefined ? twilioSign(opts.token ?? AUTH_TOKEN, opts.signedUrl ?? `${PUBLIC_URL}/webhooks/${INSTANCE}`, params) : opts.signature;
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

  /** An MMS with one media item, as Twilio posts it: MM message SID, MediaUrl0 on the account's Media resource. */
  function mmsParams(text: string, mediaSid: string, mimeType: string, mediaUrl?: (messageSid: string) => string): Record<string, string> {
    const messageSid = sid('MM');
    return inbound(text, {
      SmsMessageSid: messageSid,
      SmsSid: messageSid,
      MessageSid: messageSid,
      NumMedia: '1',
      MediaContentType0: mimeType,
      MediaUrl0: mediaUrl ? mediaUrl(messageSid) : `https://api.twilio.com${mediaPath(messageSid, mediaSid)}`,
    });
  }

  /** The attachment through the API once the media service has stored it: its bytes and the SHA-256 the API vouches for. */
  async function attachment(recordId: string, attachmentId: string): Promise<{ body: Buffer; sha256: string | null; contentType: string | null }> {
    const res = await waitFor(
      `attachment ${attachmentId} of ${recordId}`,
      async () => {
        const r = await fetch(`${custody.url}/v1/records/${recordId}/attachments/${attachmentId}`, {
          headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
        });
        if (r.status === 200) return r;
        await r.body?.cancel();
        return undefined;
      },
      60_000,
    );
    return { body: Buffer.from(await res.arrayBuffer()), sha256: res.headers.get('x-custody-sha256'), contentType: res.headers.get('content-type') };
  }

  async function blobLockMode(sha256: string): Promise<string | undefined> {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `tenants/acme/blobs/${sha256.slice(0, 2)}/${sha256}` }));
    return head.ObjectLockMode;
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
    expect(rec.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(rec.envelope).toMatchObject({
      kind: 'message',
      channel: 'sms',
      source: { connector: 'twilio-sms', externalId: params.MessageSid, accountId: ACCOUNT_SID },
      conversation: { id: `sms:${ACCOUNT_SID}:+15017122661:+14158675310` },
      recipients: [{ kind: 'phone', value: '+15017122661' }],
      content: { text: params.Body, format: 'twilio/sms' },
    });
    // one SMS per delivery: its exact bytes are inside the record (one locked object, not two)
    expect(rec.envelope.source.raw).toEqual({
      contentType: 'application/x-www-form-urlencoded',
      encoding: 'utf8',
      body: new URLSearchParams(params).toString(),
    });

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('an MMS and its delivery status are archived as their own records, the media fetched and served back verified', async () => {
    const marker = `twilio ${sc.name} mms tango`;
    const mediaSid = sid('ME');
    const photo0 = randomBytes(512 * 1024 + 17);
    files.set(mediaSid, { body: photo0, mimeType: 'image/jpeg' });
    const mms = mmsParams(marker, mediaSid, 'image/jpeg');
    expect((await post(mms)).status).toBe(200);
    const outboundSid = sid('SM');
    const status = {
      SmsSid: outboundSid,
      SmsStatus: 'undelivered',
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      To: '+14158675310',
      MessageSid: outboundSid,
      AccountSid: ACCOUNT_SID,
      From: '+15017122661',
      ApiVersion: '2010-04-01',
    };
    expect((await post(status)).status).toBe(200);

    const [photo] = (await find({ text: marker })).hits;
    expect(photo).toMatchObject({ channel: 'mms', kind: 'message' });
    expect((await record(photo.id)).envelope.attachments).toEqual([{ id: mediaSid, kind: 'image', mimeType: 'image/jpeg', sourceRef: mms.MediaUrl0 }]);

    const sha = sha256Hex(photo0);
    const got = await attachment(photo.id, mediaSid);
    expect(got.sha256).toBe(sha);
    expect(sha256Hex(got.body)).toBe(sha);
    expect(got.body.length).toBe(photo0.length);
    expect(got.contentType).toBe('image/jpeg');
    expect(await blobLockMode(sha)).toBe('COMPLIANCE');
    // the connector asked the account's Media resource with basic auth, followed the redirect, and kept the credentials off the CDN
    const apiCalls = twilio.api.requests.filter((r) => r.url.pathname === mediaPath(mms.MessageSid, mediaSid));
    expect(apiCalls.length).toBeGreaterThanOrEqual(1);
    for (const r of apiCalls) expect({ method: r.method, authorization: r.headers.authorization }).toEqual({ method: 'GET', authorization: BASIC_AUTH });
    const cdnCalls = twilio.cdn.requests.filter((r) => r.url.pathname === `/media/${mediaSid}`);
    expect(cdnCalls.length).toBeGreaterThanOrEqual(1);
    for (const r of cdnCalls) expect({ method: r.method, authorization: r.headers.authorization }).toEqual({ method: 'GET', authorization: undefined });

    const [hit] = (await find({ kind: 'status', text: '30003' })).hits;
    expect(hit).toMatchObject({
      channel: 'sms',
      direction: 'outbound',
      sender: '+15017122661',
      conversationId: `sms:${ACCOUNT_SID}:+15017122661:+14158675310`,
    });
    const { envelope, verification } = await record(hit.id);
    expect(verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(envelope).toMatchObject({ source: { externalId: `${outboundSid}:undelivered` }, refs: { statusOf: outboundSid, status: 'undelivered' } });
  });

  test('a MediaUrl whose path names another host never gets the account credentials', async () => {
    const elsewhere = await startFakeVendor((_req, res) => sendBytes(res, randomBytes(1024), { 'content-type': 'image/jpeg' }));
    try {
      // "https://api.twilio.com//127.0.0.1:<port>/2010-04-01/Accounts/<sid>/..." has a path that, resolved on the API origin, is another host
      const hostileSid = sid('ME');
      const hostile = mmsParams(
        `twilio ${sc.name} mms hostile`,
        hostileSid,
        'image/jpeg',
        (mm) => `https://api.twilio.com//${elsewhere.url.slice('http://'.length)}${mediaPath(mm, hostileSid)}`,
      );
      expect((await post(hostile)).status).toBe(200);
      // same numbers, same conversation, same partition: once this one is served, the media service went past the hostile one
      const fenceSid = sid('ME');
      const fenceBytes = randomBytes(256 * 1024);
      files.set(fenceSid, { body: fenceBytes, mimeType: 'image/png' });
      const fenceMarker = `twilio ${sc.name} mms fence`;
      expect((await post(mmsParams(fenceMarker, fenceSid, 'image/png'))).status).toBe(200);
      const [fence] = (await find({ text: fenceMarker })).hits;
      expect(sha256Hex((await attachment(fence.id, fenceSid)).body)).toBe(sha256Hex(fenceBytes));

      expect(elsewhere.requests.map((r) => `${r.method} ${r.url.href} authorization: ${r.headers.authorization ?? '(none)'}`)).toEqual([]);
      const [hit] = (await find({ text: `twilio ${sc.name} mms hostile` })).hits;
      const res = await fetch(`${custody.url}/v1/records/${hit.id}/attachments/${hostileSid}`, {
        headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
      });
      expect(res.status).toBe(404);
    } finally {
      await elsewhere.close();
    }
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
