import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { normalizePayload, type MediaContext, type WebhookRequest } from '@custody/connector-kit';
import type { Attachment, Envelope } from '@custody/envelope';
import { DependencyUnavailableError } from '@custody/errors';
import { decodeForm, twilioSignature } from '../twilio-shared';
import { recordingFileUrl, twilioVoice } from './index';
import type { TwilioVoiceConfig } from './types';
import { connectorContract, rejection, runConnector, deliveryRef, operatorMedia } from '@custody/testing';
import { getConnector } from '../registry';

const AC = 'ACa1b2c3d4e5f60718293a4b5c6d7e8f90';
const CA = 'CA5e6f708192a3b4c5d6e7f8091a2b3c4d';
const CHILD = 'CA6f708192a3b4c5d6e7f8091a2b3c4d5e';
const RE = 'RE708192a3b4c5d6e7f8091a2b3c4d5e6f';
const config: TwilioVoiceConfig = { accountSid: AC, authToken: 'test-auth-token-0123456789abcdef' };
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const FORM = 'application/x-www-form-urlencoded';
const URL_ = 'https://custody.example.test/webhooks/acme-voice';
const CUSTOMER = { kind: 'phone', value: '+14158675310' } as const;
const FIRM = { kind: 'phone', value: '+15017122661' } as const;
const CALL_HANDLE = { kind: 'handle', value: `twilio-call:${CA}`, platformId: CA } as const;
const CONVERSATION = { id: `voice:${AC}:${CA}`, type: 'direct' } as const;
const FIXTURES = ['call-completed', 'call-child-ringing', 'recording-completed'];
const rfc = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', `${name}.txt`));
}

function run(body: Buffer | string, contentType = FORM, tenant = 'acme'): Envelope[] {
  return runConnector(twilioVoice, body, contentType, { tenant, receivedAt: RECEIVED_AT });
}

const encode = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();

/** A minimal call status callback; `undefined` removes a parameter. */
function call(overrides: Record<string, string | undefined> = {}): string {
  return encode({
    CallSid: CA,
    AccountSid: AC,
    From: '+14158675310',
    To: '+15017122661',
    CallStatus: 'completed',
    Direction: 'inbound',
    CallDuration: '10',
    Timestamp: rfc(new Date('2025-11-22T08:26:40Z')),
    ...overrides,
  });
}

/** A minimal recording status callback. */
function recording(overrides: Record<string, string | undefined> = {}): string {
  return encode({
    CallSid: CA,
    AccountSid: AC,
    RecordingSid: RE,
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}`,
    RecordingStatus: 'completed',
    RecordingDuration: '9',
    ...overrides,
  });
}

connectorContract({
  connector: getConnector('twilio-voice'),
  config: { ...config },
  contentType: FORM,
  body: (extra = []) => Buffer.from([call(), ...extra.map((e) => new URLSearchParams([e]).toString())].join('&')),
  existingKey: 'CallStatus',
  withId: (id) => Buffer.from(call({ CallSid: id })),
  request: (rawBody, cfg: TwilioVoiceConfig) => ({
    method: 'POST',
    headers: { 'content-type': FORM, 'x-twilio-signature': twilioSign(cfg.authToken, rawBody) },
    query: new URLSearchParams(),
    rawBody,
    url: URL_,
  }),
  // Twilio signs decoded parameters: bytes that do not decode cannot carry a valid signature
  codes: { empty: 'signature_invalid', truncated: 'schema_violation', notUtf8: 'signature_invalid', duplicate: 'duplicate_param' },
});

/** Twilio's signature over URL_ and the body's parameters; a body that does not decode gets one nobody could have made. */
function twilioSign(authToken: string, rawBody: Buffer): string {
  try {
    return twilioSignature(authToken, URL_, decodeForm(rawBody, 'test'));
  } catch {
    return 'unsignable';
  }
}

describe('twilio-voice connector: fixtures', () => {
  test('connector identity', () => {
    expect(twilioVoice.id).toBe('twilio-voice');
    expect(twilioVoice.channel).toBe('voice');
    expect(twilioVoice.contentType).toBe(FORM);
  });

  test('call-completed: an inbound call with start, end, duration and the forwarding number', () => {
    const body = fixture('call-completed');
    const [env, ...more] = run(body);
    expect(more).toHaveLength(0);
    expect(env).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'call',
      channel: 'voice',
      source: { connector: 'twilio-voice', externalId: `${CA}:completed`, accountId: AC, receivedAt: RECEIVED_AT.toISOString(), raw: deliveryRef(body, FORM) },
      conversation: CONVERSATION,
      sender: CUSTOMER,
      recipients: [FIRM],
      direction: 'inbound',
      sentAt: '2025-11-22T08:26:40.000Z',
      capturedAt: RECEIVED_AT.toISOString(),
      call: {
        status: 'completed',
        startedAt: '2025-11-22T08:24:35.000Z',
        endedAt: '2025-11-22T08:26:40.000Z',
        durationSec: 125,
        from: CUSTOMER,
        to: FIRM,
        forwardedFrom: { kind: 'phone', value: '+14155550199' },
        routing: { direction: 'inbound' },
      },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  test('call-child-ringing: an outbound-dial leg joins its parent call, with routing', () => {
    const [env] = run(fixture('call-child-ringing'));
    expect(env).toMatchObject({
      kind: 'call',
      direction: 'outbound',
      sender: FIRM,
      recipients: [{ kind: 'phone', value: '+14155550142' }],
      conversation: CONVERSATION,
      sentAt: '2025-11-22T08:24:40.000Z',
      source: { externalId: `${CHILD}:ringing` },
      call: { status: 'ringing', from: FIRM, to: { kind: 'phone', value: '+14155550142' }, routing: { parentCallSid: CA, direction: 'outbound-dial' } },
    });
    expect(env.call!.startedAt).toBeUndefined();
    expect(env.call!.endedAt).toBeUndefined();
    expect(env.call!.durationSec).toBeUndefined();
  });

  test('recording-completed: call.recording is the RecordingUrl; the parties are the call itself', () => {
    const [env] = run(fixture('recording-completed'));
    expect(env).toMatchObject({
      kind: 'call',
      channel: 'voice',
      direction: 'unknown',
      sender: CALL_HANDLE,
      recipients: [CALL_HANDLE],
      conversation: CONVERSATION,
      sentAt: '2025-11-22T08:24:35.000Z',
      source: { connector: 'twilio-voice', externalId: `${CA}:recording:${RE}`, accountId: AC },
    });
    expect(env.call).toEqual({
      status: 'recording-completed',
      from: CALL_HANDLE,
      to: CALL_HANDLE,
      routing: { recordingDurationSec: 124, recordingChannels: 2, recordingSource: 'DialVerb' },
      recording: { id: RE, kind: 'recording', mimeType: 'audio/wav', sourceRef: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}` },
    });
  });

  test('a recording callback that names From/To uses them', () => {
    const [env] = run(recording({ From: '+14158675310', To: '+15017122661', Direction: 'inbound' }));
    expect(env).toMatchObject({ sender: CUSTOMER, recipients: [FIRM], direction: 'inbound', call: { from: CUSTOMER, to: FIRM } });
  });

  test('non-final recording statuses get their own ids; an absent recording has no attachment', () => {
    const inProgress = run(recording({ RecordingStatus: 'in-progress', RecordingUrl: undefined }))[0];
    const absent = run(recording({ RecordingStatus: 'absent', RecordingUrl: undefined }))[0];
    const completed = run(recording())[0];
    expect([inProgress, absent, completed].map((e) => e.source.externalId)).toEqual([
      `${CA}:recording:${RE}:in-progress`,
      `${CA}:recording:${RE}:absent`,
      `${CA}:recording:${RE}`,
    ]);
    expect(new Set([inProgress.id, absent.id, completed.id]).size).toBe(3);
    expect(absent.call!.recording).toBeUndefined();
    expect(absent.call!.status).toBe('recording-absent');
  });

  test('a call status callback that carries the recording attaches it', () => {
    const [env] = run(call({ RecordingSid: RE, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}` }));
    expect(env.call!.recording).toEqual({
      id: RE,
      kind: 'recording',
      mimeType: 'audio/wav',
      sourceRef: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}`,
    });
  });

  test('start and end follow the status: answered starts, final statuses end', () => {
    const at = '2025-11-22T08:26:40.000Z';
    const of = (CallStatus: string, CallDuration?: string) => run(call({ CallStatus, CallDuration }))[0].call!;
    expect(of('in-progress', undefined)).toMatchObject({ startedAt: at });
    expect(of('in-progress', undefined).endedAt).toBeUndefined();
    for (const s of ['busy', 'failed', 'no-answer', 'canceled']) {
      expect(of(s, '0')).toMatchObject({ status: s, endedAt: at, durationSec: 0 });
      expect(of(s, '0').startedAt).toBeUndefined();
    }
    expect(of('completed', undefined)).toMatchObject({ endedAt: at });
    expect(of('initiated', undefined).endedAt).toBeUndefined();
  });

  test('without Timestamp, sentAt is the receipt time', () => {
    const [env] = run(call({ Timestamp: undefined }));
    expect(env.sentAt).toBe(RECEIVED_AT.toISOString());
    expect(env.call!.endedAt).toBeUndefined();
  });

  test('outbound-api is outbound; SIP trunk origination inbound, termination outbound; an unknown Direction is unknown', () => {
    expect(run(call({ Direction: 'outbound-api' }))[0].direction).toBe('outbound');
    expect(run(call({ Direction: 'trunking-originating' }))[0].direction).toBe('inbound');
    expect(run(call({ Direction: 'trunking-terminating' }))[0].direction).toBe('outbound');
    expect(run(call({ Direction: 'sideways' }))[0].direction).toBe('unknown');
    expect(run(call({ Direction: undefined }))[0].direction).toBe('unknown');
  });

  test('Client and SIP endpoints and withheld caller IDs are handles; a Client call without To is addressed to the call', () => {
    const [client] = run(call({ From: 'client:alice', To: '' }));
    expect(client.sender).toEqual({ kind: 'handle', value: 'client:alice' });
    expect(client.recipients).toEqual([CALL_HANDLE]);
    expect(run(call({ To: 'sip:desk@acme.sip.twilio.com' }))[0].recipients).toEqual([{ kind: 'handle', value: 'sip:desk@acme.sip.twilio.com' }]);
    for (const withheld of ['ANONYMOUS', 'Restricted', '+266696687'])
      expect(run(call({ From: withheld }))[0].sender).toEqual({ kind: 'handle', value: withheld });
  });

  test.each(FIXTURES)('%s: source.raw.body is the exact fixture bytes', (name) => {
    const body = fixture(name);
    for (const e of run(body)) expect(e.source.raw).toEqual(deliveryRef(body, FORM));
  });

  test.each(FIXTURES)('%s: the same input twice gives the same ids and envelopes; ids are per tenant', (name) => {
    const first = run(fixture(name));
    expect(run(fixture(name))).toEqual(first);
    expect(run(fixture(name), FORM, 'globex')[0].id).not.toBe(first[0].id);
  });

  test('each status of one call is its own record; ids are unique across fixtures', () => {
    const ids = ['queued', 'ringing', 'in-progress', 'completed'].map((s) => run(call({ CallStatus: s }))[0].id);
    expect(new Set(ids).size).toBe(4);
    const all = FIXTURES.flatMap((n) => run(fixture(n)).map((e) => e.id));
    expect(new Set(all).size).toBe(all.length);
  });

  test('unknown parameters are accepted and kept in source.raw', () => {
    const body = call({ StirVerstat: 'TN-Validation-Passed-A', CallToken: '%7B%22x%22%3A1%7D', AnsweredBy: 'human' });
    expect(run(body)[0].source.raw).toEqual(deliveryRef(body, (run(body)[0].source.raw as { contentType: string }).contentType));
  });

  test('acknowledge answers with empty TwiML', () => {
    expect(twilioVoice.acknowledge!(run(fixture('call-completed')), config)).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    });
  });
});

describe('twilio-voice connector: signature', () => {
  const body = fixture('call-completed');
  const sign = (b: Buffer | string, url = URL_, token = config.authToken) => twilioSignature(token, url, decodeForm(Buffer.from(b), 'test'));
  const req = (rawBody: Buffer | string, signature?: string): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': FORM, ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
    url: URL_,
  });

  test('accepts the correct signature', () => {
    expect(() => twilioVoice.verify(req(body, sign(body)), config)).not.toThrow();
    const rec = fixture('recording-completed');
    expect(() => twilioVoice.verify(req(rec, sign(rec)), config)).not.toThrow();
  });

  test('rejects missing, wrong and stale signatures with 401', () => {
    rejection(() => twilioVoice.verify(req(body), config), 'signature_missing', 401);
    rejection(() => twilioVoice.verify(req(body, sign(body, URL_, 'wrong-token-000')), config), 'signature_invalid', 401);
    rejection(() => twilioVoice.verify(req(body, sign(body, 'https://custody.example.test/webhooks/acme-sms')), config), 'signature_invalid', 401);
  });

  test('rejects a body changed by one byte', () => {
    const modified = Buffer.from(body);
    modified[modified.indexOf('CallDuration=125') + 'CallDuration='.length] = '9'.charCodeAt(0);
    rejection(() => twilioVoice.verify(req(modified, sign(body)), config), 'signature_invalid', 401);
  });

  test('a valid signature from another account is 401 account_mismatch', () => {
    const other = call({ AccountSid: 'AC99999999999999999999999999999999' });
    rejection(() => twilioVoice.verify(req(other, sign(other)), config), 'account_mismatch', 401);
  });
});

describe('twilio-voice connector: hostile input', () => {
  test('truncated body → the cut-off parameters are missing, or the escape is incomplete', () => {
    const body = fixture('call-completed');
    expect(rejection(() => run(body.subarray(0, body.indexOf('&CallSid='))), 'schema_violation').message).toContain('neither CallStatus');
    const cut = call().slice(0, call().indexOf('&From=') + '&From=%2'.length);
    expect(rejection(() => run(cut), 'malformed_form').message).toContain('incomplete percent escape');
  });

  test('wrong types → schema_violation naming the parameter', () => {
    expect(rejection(() => run(call({ CallDuration: 'long' })), 'schema_violation').message).toMatch(/CallDuration: /);
    expect(rejection(() => run(call({ CallStatus: 'Completed!' })), 'schema_violation').message).toMatch(/CallStatus: /);
    expect(rejection(() => run(call({ ParentCallSid: 'CA1' })), 'schema_violation').message).toMatch(/ParentCallSid: /);
    expect(rejection(() => run(recording({ RecordingChannels: 'stereo' })), 'schema_violation').message).toMatch(/RecordingChannels: /);
  });

  test.each(['CallSid', 'AccountSid', 'From'])('call status without %s → schema_violation naming it', (name) => {
    expect(rejection(() => run(call({ [name]: undefined })), 'schema_violation').message).toMatch(new RegExp(`^twilio voice webhook: ${name}: `));
  });

  test('recording without CallSid, or completed without RecordingUrl → schema_violation naming it', () => {
    expect(rejection(() => run(recording({ CallSid: undefined })), 'schema_violation').message).toMatch(/CallSid: /);
    expect(rejection(() => run(recording({ RecordingUrl: undefined })), 'schema_violation').message).toContain(
      'RecordingUrl: required when RecordingStatus is completed',
    );
    expect(rejection(() => run(recording({ RecordingUrl: 'javascript:alert(1)' })), 'schema_violation').message).toContain('RecordingUrl: an http(s) URL');
  });

  test('neither a call status nor a recording → schema_violation', () => {
    expect(rejection(() => run(encode({ CallSid: CA, AccountSid: AC, Digits: '1234' })), 'schema_violation').message).toContain('neither CallStatus');
  });

  test('invalid phone numbers → invalid_phone naming the parameter', () => {
    expect(rejection(() => run(call({ From: '123' })), 'invalid_phone').message).toBe('From: "123" is not a valid phone number');
    expect(rejection(() => run(call({ To: '+1' })), 'invalid_phone').message).toContain('To: ');
    expect(rejection(() => run(call({ ForwardedFrom: 'x99' })), 'invalid_phone').message).toContain('ForwardedFrom: ');
  });

  test('a very large (unknown) parameter is archived intact (in the delivery the record references)', () => {
    const body = call({ StirPassportToken: 'x'.repeat(1_000_000) });
    expect(run(body)[0].source.raw).toEqual(deliveryRef(body, FORM));
    expect(rejection(() => run(call({ From: `+1${'4'.repeat(300)}` })), 'schema_violation').message.length).toBeLessThan(500);
  });

  test('far-future Timestamp or RecordingStartTime → timestamp_in_future naming it; within the skew is fine', () => {
    const future = rfc(new Date(RECEIVED_AT.getTime() + 2 * 86_400_000));
    expect(rejection(() => run(call({ Timestamp: future })), 'timestamp_in_future').message).toMatch(/^Timestamp: /);
    expect(rejection(() => run(recording({ RecordingStartTime: future })), 'timestamp_in_future').message).toMatch(/^RecordingStartTime: /);
    const soon = new Date(RECEIVED_AT.getTime() + 3_600_000);
    expect(run(call({ Timestamp: rfc(soon) }))[0].sentAt).toBe(soon.toISOString());
  });

  test('a Timestamp that is not RFC 2822 → bad_timestamp', () => {
    for (const ts of ['2025-11-22T08:26:40Z', 'yesterday', '1763800000', 'Sat, 22 Nov 2025']) {
      expect(rejection(() => run(call({ Timestamp: ts })), 'bad_timestamp').message).toMatch(/^Timestamp: /);
    }
  });

  test('wrong content type → 415', () => {
    rejection(() => run(call(), 'application/json'), 'unsupported_media_type', 415);
  });

  test('one request is one event: a bad event is a RejectedEvent at "form", the next good request goes through', () => {
    const bad = normalizePayload(twilioVoice, Buffer.from(call({ From: '999' })), FORM, { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(bad.envelopes).toEqual([]);
    expect(bad.rejected).toEqual([{ rejected: true, code: 'invalid_phone', reason: 'From: "999" is not a valid phone number', path: 'form' }]);
    const good = normalizePayload(twilioVoice, Buffer.from(call()), FORM, { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(good.envelopes.map((e) => e.source.externalId)).toEqual([`${CA}:completed`]);
  });
});

describe('twilio-voice connector: fetchMedia', () => {
  let server: Server;
  let seen: IncomingMessage[];
  let fake: MediaContext;
  const WAV = Buffer.from('RIFF....WAVEfmt fake');

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      if (req.url?.includes('RE404')) return void res.writeHead(404).end();
      if (req.url?.includes('RE500')) return void res.writeHead(500).end();
      const type = req.url?.endsWith('.mp3') ? 'audio/mpeg' : 'audio/x-wav';
      res.writeHead(200, { 'content-type': type, 'content-length': String(WAV.length) }).end(WAV);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    fake = operatorMedia(twilioVoice, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  beforeEach(() => {
    seen = [];
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const rec = (sourceRef: string): Attachment => ({ id: RE, kind: 'recording', mimeType: 'audio/wav', sourceRef });

  async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  test('fetches RecordingUrl + .wav from the API origin with basic auth', async () => {
    const [env] = run(fixture('recording-completed'));
    const got = await twilioVoice.fetchMedia!(env.call!.recording!, config, fake);
    expect(await readAll(got.body)).toEqual(WAV);
    expect(got).toMatchObject({ mimeType: 'audio/x-wav', size: WAV.length });
    expect(seen[0].url).toBe(`/2010-04-01/Accounts/${AC}/Recordings/${RE}.wav`);
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from(`${AC}:${config.authToken}`).toString('base64')}`);
  });

  test('a RecordingUrl that already names a file is fetched as it is', async () => {
    expect(recordingFileUrl(`https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}.mp3`)).toBe(
      `https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}.mp3`,
    );
    const got = await twilioVoice.fetchMedia!(rec(`https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/${RE}.mp3`), config, fake);
    await readAll(got.body);
    expect(seen[0].url).toBe(`/2010-04-01/Accounts/${AC}/Recordings/${RE}.mp3`);
    expect(got.mimeType).toBe('audio/mpeg');
  });

  test('4xx → RejectedInputError; 5xx → DependencyUnavailableError; another account → bad_source_ref', async () => {
    await expect(twilioVoice.fetchMedia!(rec(`https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/RE404`), config, fake)).rejects.toMatchObject({
      code: 'media_unavailable',
    });
    await expect(twilioVoice.fetchMedia!(rec(`https://api.twilio.com/2010-04-01/Accounts/${AC}/Recordings/RE500`), config, fake)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    seen = [];
    await expect(
      twilioVoice.fetchMedia!(rec('https://api.twilio.com/2010-04-01/Accounts/AC99999999999999999999999999999999/Recordings/RE1'), config, fake),
    ).rejects.toMatchObject({ code: 'bad_source_ref' });
    await expect(twilioVoice.fetchMedia!(rec('::'), config, fake)).rejects.toMatchObject({ code: 'bad_source_ref' });
    expect(seen).toHaveLength(0);
  });
});
