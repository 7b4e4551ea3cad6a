import { randomBytes } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { sendBytes, sha256Hex, startFakeVendor, type FakeVendor, testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, rawOf } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';
import { EMPTY_TWIML, PUBLIC_URL, errorCode, sid, twilioAccount, twilioCallStatus, twilioSign, type RecordView } from '@custody/testing/twilio';

const INSTANCE = 'acme-voice';
const { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, basicAuth: BASIC_AUTH } = twilioAccount();

/**
 * Twilio's recording resource as the connector meets it: the callback's RecordingUrl names no file,
 * GET <RecordingUrl>.wav with basic auth (AccountSid:AuthToken) returns the original WAV.
 */
function fakeTwilioRecordings(files: Map<string, Buffer>): Promise<FakeVendor> {
  return startFakeVendor((req, res, { url }) => {
    if (req.headers.authorization !== BASIC_AUTH)
      return void res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Twilio API"' })
        .end('{"code":20003,"message":"Authenticate","status":401}');
    const m = new RegExp(`^/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/(RE[0-9a-f]{32})\\.wav$`).exec(url.pathname);
    const file = req.method === 'GET' && m ? files.get(m[1]) : undefined;
    if (!file) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"status":404}');
    sendBytes(res, file, { 'content-type': 'audio/x-wav' });
  });
}

/**
 * Twilio Voice status and recording callbacks → gateway (X-Twilio-Signature over the public URL) →
 * Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on the real servers.
 */
describe('Twilio Voice pipeline on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;
  const recordings = new Map<string, Buffer>();
  let twilio: FakeVendor;

  beforeAll(async () => {
    twilio = await fakeTwilioRecordings(recordings);
    // its own media consumer group: the default one is shared with every other test run against this Kafka
    sc = stackConfig({ CUSTODY_PUBLIC_URL: PUBLIC_URL, CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'twilio-voice': twilio.url }) }, [
      { id: INSTANCE, connector: 'twilio-voice', tenant: 'acme', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    await twilio?.close();
  });

  function post(params: Record<string, string>, token = AUTH_TOKEN): Promise<Response> {
    return fetch(`${custody.url}/webhooks/${INSTANCE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(token, `${PUBLIC_URL}/webhooks/${INSTANCE}`, params) },
      body: new URLSearchParams(params).toString(),
    });
  }

  const callStatus = (callSid: string, at: Date, extra: Record<string, string> = {}) => twilioCallStatus(ACCOUNT_SID, callSid, at, extra);

  async function findConversation(callSid: string, count: number) {
    return waitFor(`${count} records of call ${callSid}`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { conversation: `voice:${ACCOUNT_SID}:${callSid}` });
      return r.status === 200 && r.body.total >= count ? r.body : undefined;
    });
  }

  async function record(id: string): Promise<RecordView> {
    const res = await fetch(`${custody.url}/v1/records/${id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as RecordView;
  }

  test('a signed call status and its recording are acknowledged with TwiML, archived under COMPLIANCE lock and verified, the recording fetched and served back verified', async () => {
    const callSid = sid('CA');
    const recordingSid = sid('RE');
    const wav = randomBytes(768 * 1024 + 5);
    recordings.set(recordingSid, wav);
    const endedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const completed = callStatus(callSid, endedAt);
    const res = await post(completed);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe(EMPTY_TWIML);

    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
    const rec = {
      RecordingSource: 'DialVerb',
      RecordingSid: recordingSid,
      RecordingUrl: recordingUrl,
      RecordingStatus: 'completed',
      RecordingChannels: '2',
      CallSid: callSid,
      AccountSid: ACCOUNT_SID,
      RecordingDuration: '41',
    };
    expect((await post(rec)).status).toBe(200);

    const found = await findConversation(callSid, 2);
    expect(found.total).toBe(2);
    const records = await Promise.all(
      found.hits.map(async (hit: { id: string; archive: { key: string; versionId: string } }) => ({ hit, ...(await record(hit.id)) })),
    );
    for (const r of records) {
      expect(r.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: r.hit.archive.key, VersionId: r.hit.archive.versionId }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
    }

    const call = records.find((r) => r.envelope.source.externalId === `${callSid}:completed`)!;
    expect(call.hit).toMatchObject({ kind: 'call', channel: 'voice', direction: 'inbound', sender: '+14158675310' });
    expect(call.envelope.call).toEqual({
      status: 'completed',
      startedAt: new Date(endedAt.getTime() - 42_000).toISOString(),
      endedAt: endedAt.toISOString(),
      durationSec: 42,
      from: { kind: 'phone', value: '+14158675310' },
      to: { kind: 'phone', value: '+15017122661' },
      routing: { direction: 'inbound' },
    });
    expect(await rawOf(custody.url, sc.keys.compliance.token, call.envelope.id)).toBe(new URLSearchParams(completed).toString());

    const recording = records.find((r) => r.envelope.source.externalId === `${callSid}:recording:${recordingSid}`)!;
    expect(recording.envelope.sender).toEqual({ kind: 'handle', value: `twilio-call:${callSid}`, platformId: callSid });
    expect(recording.envelope.call.recording).toEqual({ id: recordingSid, kind: 'recording', mimeType: 'audio/wav', sourceRef: recordingUrl });

    // the recording itself: fetched by the media service, stored once by SHA-256 under the lock, served back verified
    const sha = sha256Hex(wav);
    const served = await waitFor(
      `recording ${recordingSid} of ${recording.hit.id}`,
      async () => {
        const r = await fetch(`${custody.url}/v1/records/${recording.hit.id}/attachments/${recordingSid}`, {
          headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
        });
        if (r.status === 200) return r;
        await r.body?.cancel();
        return undefined;
      },
      60_000,
    );
    const body = Buffer.from(await served.arrayBuffer());
    expect(served.headers.get('x-custody-sha256')).toBe(sha);
    expect(served.headers.get('content-type')).toBe('audio/wav');
    expect(sha256Hex(body)).toBe(sha);
    expect(body.length).toBe(wav.length);
    const blob = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}` }));
    expect(blob.ObjectLockMode).toBe('COMPLIANCE');
    // the connector asked for the original WAV under the account, with basic auth
    const calls = twilio.requests.filter((r) => r.url.pathname.includes(recordingSid));
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const r of calls)
      expect({ method: r.method, path: r.url.pathname, authorization: r.headers.authorization }).toEqual({
        method: 'GET',
        path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}.wav`,
        authorization: BASIC_AUTH,
      });
  });

  test('bad authentication is refused with 401 and nothing is archived', async () => {
    const forgedSid = sid('CA');
    const forged = await post(callStatus(forgedSid, new Date()), 'not-the-auth-token');
    expect(forged.status).toBe(401);
    expect(await errorCode(forged)).toBe('signature_invalid');
    const otherAccount = await post(callStatus(forgedSid, new Date(), { AccountSid: sid('AC') }));
    expect(otherAccount.status).toBe(401);
    expect(await errorCode(otherAccount)).toBe('account_mismatch');

    // a call accepted after them proves the archiver went past their position
    const fenceSid = sid('CA');
    expect((await post(callStatus(fenceSid, new Date()))).status).toBe(200);
    await findConversation(fenceSid, 1);
    await custody.adapters.index.refresh();
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { conversation: `voice:${ACCOUNT_SID}:${forgedSid}` })).body.total).toBe(0);
  });
});
