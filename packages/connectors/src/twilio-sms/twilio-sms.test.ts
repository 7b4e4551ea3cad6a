import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Attachment, Envelope } from '@custody/envelope';
import { DependencyUnavailableError } from '@custody/errors';
import { decodeForm, twilioSignature } from '../twilio-shared';
import { twilioSms } from './index';
import { TwilioSmsConfig } from './types';
import { connectorContract, rejection, runConnector, deliveryRef, operatorMedia } from '@custody/testing';
import { getConnector } from '../registry';

const AC = 'ACa1b2c3d4e5f60718293a4b5c6d7e8f90';
const config: TwilioSmsConfig = { accountSid: AC, authToken: 'test-auth-token-0123456789abcdef' };
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const FORM = 'application/x-www-form-urlencoded';
const URL_ = 'https://custody.example.test/webhooks/acme-sms';
const CUSTOMER = { kind: 'phone', value: '+14158675310' } as const;
const FIRM = { kind: 'phone', value: '+15017122661' } as const;
const CONVERSATION = { id: `sms:${AC}:+15017122661:+14158675310`, type: 'direct' } as const;
const FIXTURES = ['inbound-sms', 'inbound-mms', 'status-delivered', 'status-undelivered'];

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', `${name}.txt`));
}

/** As the gateway treats a payload: nothing usable at all is a rejection of the body, with the first event's code. */
function run(body: Buffer | string, contentType = FORM, tenant = 'acme'): Envelope[] {
  return runConnector(twilioSms, body, contentType, { tenant, receivedAt: RECEIVED_AT });
}

/** A minimal inbound SMS form; `undefined` removes a parameter. */
function form(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    MessageSid: 'SM00000000000000000000000000000001',
    AccountSid: AC,
    From: '+14158675310',
    To: '+15017122661',
    Body: 'hello',
    NumMedia: '0',
    ...overrides,
  };
  return new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

connectorContract({
  connector: getConnector('twilio-sms'),
  config: { ...config },
  contentType: FORM,
  body: (extra = []) => Buffer.from([form(), ...extra.map((e) => new URLSearchParams([e]).toString())].join('&')),
  existingKey: 'Body',
  withId: (id) => Buffer.from(form({ MessageSid: id })),
  request: (rawBody, cfg: TwilioSmsConfig) => ({
    method: 'POST',
    headers: { 'content-type': FORM, 'x-twilio-signature': twilioSign(cfg.authToken, rawBody) },
    query: new URLSearchParams(),
    rawBody,
    url: URL_,
  }),
  // Twilio signs decoded parameters: bytes that do not decode cannot carry a valid signature
  codes: { empty: 'signature_invalid', truncated: 'account_mismatch', notUtf8: 'signature_invalid', duplicate: 'duplicate_param' },
});

/** Twilio's signature over URL_ and the body's parameters; a body that does not decode gets one nobody could have made. */
function twilioSign(authToken: string, rawBody: Buffer): string {
  try {
    return twilioSignature(authToken, URL_, decodeForm(rawBody, 'test'));
  } catch {
    return 'unsignable';
  }
}

describe('twilio-sms connector: fixtures', () => {
  test('connector identity', () => {
    expect(twilioSms.id).toBe('twilio-sms');
    expect(twilioSms.channel).toBe('sms');
    expect(twilioSms.contentType).toBe(FORM);
  });

  test('inbound-sms: one inbound text message, sentAt = receipt time', () => {
    const body = fixture('inbound-sms');
    const [env, ...more] = run(body);
    expect(more).toHaveLength(0);
    expect(env).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'sms',
      source: {
        connector: 'twilio-sms',
        externalId: 'SM1f0e2d3c4b5a69788796a5b4c3d2e1f0',
        accountId: AC,
        receivedAt: RECEIVED_AT.toISOString(),
        raw: deliveryRef(body, FORM),
      },
      conversation: CONVERSATION,
      sender: CUSTOMER,
      recipients: [FIRM],
      direction: 'inbound',
      sentAt: RECEIVED_AT.toISOString(),
      capturedAt: RECEIVED_AT.toISOString(),
      content: { text: 'Please sell 200 ACME at the open & confirm', format: 'twilio/sms' },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(env.attachments).toBeUndefined();
    expect(env.refs).toBeUndefined();
  });

  test('inbound-mms: channel mms with one attachment per MediaUrlN', () => {
    const [env] = run(fixture('inbound-mms'));
    expect(env).toMatchObject({ kind: 'message', channel: 'mms', direction: 'inbound', sender: CUSTOMER, recipients: [FIRM], conversation: CONVERSATION });
    expect(env.source.externalId).toBe('MM2a3b4c5d6e7f8091a2b3c4d5e6f70812');
    expect(env.content).toEqual({ text: 'Signed term sheet attached', format: 'twilio/mms' });
    const media = `https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages/MM2a3b4c5d6e7f8091a2b3c4d5e6f70812/Media`;
    expect(env.attachments).toEqual([
      { id: 'ME0a1b2c3d4e5f60718293a4b5c6d7e8f9', kind: 'image', mimeType: 'image/jpeg', sourceRef: `${media}/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9` },
      { id: 'ME1b2c3d4e5f60718293a4b5c6d7e8f9a0', kind: 'document', mimeType: 'application/pdf', sourceRef: `${media}/ME1b2c3d4e5f60718293a4b5c6d7e8f9a0` },
    ]);
  });

  test('media kinds follow the content type; an unrecognised URL gets a positional id', () => {
    const [env] = run(
      form({
        NumMedia: '4',
        MediaUrl0: 'https://api.twilio.com/x/ME00000000000000000000000000000000',
        MediaContentType0: 'video/mp4',
        MediaUrl1: 'https://api.twilio.com/x/ME00000000000000000000000000000001',
        MediaContentType1: 'audio/amr',
        MediaUrl2: 'https://api.twilio.com/x/ME00000000000000000000000000000002',
        MediaContentType2: 'text/vcard',
        MediaUrl3: 'https://media.example.test/file',
      }),
    );
    expect(env.channel).toBe('mms');
    expect(env.attachments!.map((a) => [a.id, a.kind, a.mimeType])).toEqual([
      ['ME00000000000000000000000000000000', 'video', 'video/mp4'],
      ['ME00000000000000000000000000000001', 'audio', 'audio/amr'],
      ['ME00000000000000000000000000000002', 'document', 'text/vcard'],
      ['SM00000000000000000000000000000001:media:3', 'other', undefined],
    ]);
  });

  test('an MMS without text has no content text', () => {
    const [env] = run(
      form({ Body: '', NumMedia: '1', MediaUrl0: 'https://api.twilio.com/x/ME00000000000000000000000000000000', MediaContentType0: 'image/png' }),
    );
    expect(env.content).toEqual({ format: 'twilio/mms' });
  });

  test('status-delivered: outbound status pointing at the message, in the same conversation as the inbound messages', () => {
    const [env, ...more] = run(fixture('status-delivered'));
    expect(more).toHaveLength(0);
    expect(env).toMatchObject({
      kind: 'status',
      channel: 'sms',
      direction: 'outbound',
      sender: FIRM,
      recipients: [CUSTOMER],
      conversation: CONVERSATION,
      sentAt: RECEIVED_AT.toISOString(),
      source: { connector: 'twilio-sms', externalId: 'SM3c4d5e6f708192a3b4c5d6e7f8091a2b:delivered', accountId: AC },
      refs: { statusOf: 'SM3c4d5e6f708192a3b4c5d6e7f8091a2b', status: 'delivered' },
    });
    expect(env.content).toBeUndefined();
  });

  test('status-undelivered: the error code becomes the content text', () => {
    const [env] = run(fixture('status-undelivered'));
    expect(env).toMatchObject({
      kind: 'status',
      source: { externalId: 'SM4d5e6f708192a3b4c5d6e7f8091a2b3c:undelivered' },
      refs: { statusOf: 'SM4d5e6f708192a3b4c5d6e7f8091a2b3c', status: 'undelivered' },
      content: { text: '30003', format: 'twilio/status' },
    });
    const [withMessage] = run(form({ MessageStatus: 'failed', ErrorCode: '30007', ErrorMessage: 'Carrier violation' }));
    expect(withMessage.content).toEqual({ text: '30007 Carrier violation', format: 'twilio/status' });
  });

  test('each status of one message is its own record', () => {
    const envs = ['queued', 'sent', 'delivered', 'read'].map((s) => run(form({ MessageStatus: s }))[0]);
    expect(envs.map((e) => e.source.externalId)).toEqual(['queued', 'sent', 'delivered', 'read'].map((s) => `SM00000000000000000000000000000001:${s}`));
    expect(new Set(envs.map((e) => e.id)).size).toBe(4);
  });

  test('a "received" status is about an inbound message: direction inbound, same conversation', () => {
    const [env] = run(form({ MessageStatus: 'received' }));
    expect(env).toMatchObject({ kind: 'status', direction: 'inbound', sender: CUSTOMER, recipients: [FIRM], conversation: CONVERSATION });
  });

  test.each(FIXTURES)('%s: source.raw.body is the exact fixture bytes, participants E.164', (name) => {
    const body = fixture(name);
    for (const e of run(body)) {
      expect(e.source.raw).toEqual(deliveryRef(body, FORM));
      for (const p of [e.sender, ...e.recipients]) expect(p.value).toMatch(/^\+[1-9]\d{1,14}$/);
    }
  });

  test.each(FIXTURES)('%s: the same input twice gives the same ids and envelopes; ids are per tenant', (name) => {
    const first = run(fixture(name));
    const second = run(fixture(name));
    expect(second).toEqual(first);
    expect(run(fixture(name), FORM, 'globex')[0].id).not.toBe(first[0].id);
  });

  test('ids are unique across all fixtures', () => {
    const ids = FIXTURES.flatMap((n) => run(fixture(n)).map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('unknown parameters are accepted (forward compatibility) and kept in source.raw', () => {
    const body = form({ RcsBrandNew: 'x', ChannelMetadata: '{"a":1}', AddOns: '{"status":"successful"}' });
    const [env] = run(body);
    expect(env.content!.text).toBe('hello');
    expect(env.source.raw).toEqual(deliveryRef(body, (env.source.raw as { contentType: string }).contentType));
  });

  test('acknowledge answers with empty TwiML', () => {
    expect(twilioSms.acknowledge!(run(fixture('inbound-sms')), config)).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    });
  });

  test('config: a base URL is refused (an operator setting); secrets are described', () => {
    expect(twilioSms.configSchema.parse({ accountSid: AC, authToken: config.authToken })).toEqual(config);
    expect(twilioSms.configSchema.safeParse({ ...config, apiBaseUrl: 'http://127.0.0.1:8080' }).success).toBe(false);
    expect(twilioSms.configSchema.safeParse({ accountSid: 'AC123', authToken: config.authToken }).success).toBe(false);
    expect(TwilioSmsConfig.shape.authToken.description).toMatch(/auth token/);
  });
});

describe('twilio-sms connector: signature', () => {
  const body = fixture('inbound-sms');
  const sign = (b: Buffer | string, url = URL_, token = config.authToken) => twilioSignature(token, url, decodeForm(Buffer.from(b), 'test'));
  const req = (rawBody: Buffer | string, signature?: string, url = URL_): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': FORM, ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
    query: new URLSearchParams(),
    rawBody: Buffer.from(rawBody),
    url,
  });

  test('accepts the signature over the public URL and sorted parameters, whatever their order in the body', () => {
    expect(() => twilioSms.verify(req(body, sign(body)), config)).not.toThrow();
    const reordered = body.toString('utf8').split('&').reverse().join('&');
    expect(() => twilioSms.verify(req(reordered, sign(body)), config)).not.toThrow();
  });

  test('accepts a signature over the URL with its default port spelled out', () => {
    expect(() => twilioSms.verify(req(body, sign(body, 'https://custody.example.test:443/webhooks/acme-sms')), config)).not.toThrow();
  });

  test('rejects a missing signature with 401 signature_missing', () => {
    rejection(() => twilioSms.verify(req(body), config), 'signature_missing', 401);
    rejection(() => twilioSms.verify(req(body, ''), config), 'signature_missing', 401);
  });

  test('rejects a wrong signature with 401 signature_invalid', () => {
    rejection(() => twilioSms.verify(req(body, sign(body, URL_, 'another-auth-token')), config), 'signature_invalid', 401);
    rejection(() => twilioSms.verify(req(body, sign(body, 'https://custody.example.test/webhooks/other')), config), 'signature_invalid', 401);
    rejection(() => twilioSms.verify(req(body, sign(body, 'http://custody.example.test/webhooks/acme-sms')), config), 'signature_invalid', 401);
    rejection(() => twilioSms.verify(req(body, sign(body).toLowerCase()), config), 'signature_invalid', 401);
    rejection(() => twilioSms.verify(req(body, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), config), 'signature_invalid', 401);
  });

  test('rejects a body changed by one byte or by an added parameter', () => {
    const sig = sign(body);
    const modified = Buffer.from(body);
    modified[modified.indexOf('200')] = '6'.charCodeAt(0);
    expect(modified.length).toBe(body.length);
    rejection(() => twilioSms.verify(req(modified, sig), config), 'signature_invalid', 401);
    rejection(() => twilioSms.verify(req(Buffer.concat([body, Buffer.from('&Extra=1')]), sig), config), 'signature_invalid', 401);
  });

  test('an undecodable body cannot carry a valid signature: 401, not parse diagnostics', () => {
    const err = rejection(() => twilioSms.verify(req('Body=%E', 'x'), config), 'signature_invalid', 401);
    expect(err.message).toContain('cannot be checked');
  });

  test('a valid signature from another account is 401 account_mismatch', () => {
    const other = form({ AccountSid: 'AC99999999999999999999999999999999' });
    rejection(() => twilioSms.verify(req(other, sign(other)), config), 'account_mismatch', 401);
    const none = form({ AccountSid: undefined });
    rejection(() => twilioSms.verify(req(none, sign(none)), config), 'account_mismatch', 401);
    const both = `${form()}&AccountSid=AC99999999999999999999999999999999`;
    rejection(() => twilioSms.verify(req(both, sign(both)), config), 'account_mismatch', 401);
  });
});

describe('twilio-sms connector: hostile input', () => {
  test('truncated body: missing parameters or a cut percent escape', () => {
    const body = fixture('inbound-sms');
    const cut = body.subarray(0, body.indexOf('&To='));
    expect(rejection(() => run(cut), 'schema_violation').message).toMatch(/^twilio sms webhook: To: /);
    expect(rejection(() => run(body.subarray(0, body.indexOf('%2B') + 2)), 'malformed_form').message).toContain('incomplete percent escape');
  });

  test('non-UTF-8 once percent-decoded → not_utf8', () => {
    expect(rejection(() => run(form({ Body: undefined }) + '&Body=%FF%FE'), 'not_utf8').message).toContain('once percent-decoded');
  });

  test('malformed segments → malformed_form', () => {
    for (const body of [`${form()}&Body`, `${form()}&&x=1`, `=x&${form()}`, `${form()}&`]) rejection(() => run(body), 'malformed_form');
  });

  test('wrong types → schema_violation naming the parameter', () => {
    expect(rejection(() => run(form({ NumMedia: 'two' })), 'schema_violation').message).toMatch(/NumMedia: /);
    expect(rejection(() => run(form({ MessageSid: 'not-a-sid' })), 'schema_violation').message).toMatch(/MessageSid: /);
    expect(rejection(() => run(form({ AccountSid: 'AC123' })), 'schema_violation').message).toMatch(/AccountSid: /);
    expect(rejection(() => run(form({ MessageStatus: 'DELIVERED!' })), 'schema_violation').message).toMatch(/MessageStatus: /);
  });

  test.each(['MessageSid', 'AccountSid', 'From', 'To'])('missing %s → schema_violation naming it', (name) => {
    expect(rejection(() => run(form({ [name]: undefined })), 'schema_violation').message).toMatch(new RegExp(`^twilio sms webhook: ${name}: `));
    expect(rejection(() => run(form({ [name]: '' })), 'schema_violation').message).toMatch(new RegExp(`${name}: `));
  });

  test('invalid phone numbers → invalid_phone naming the parameter', () => {
    expect(rejection(() => run(form({ From: '123' })), 'invalid_phone').message).toBe('From: "123" is not a valid phone number');
    expect(rejection(() => run(form({ To: 'ACME Corp' })), 'invalid_phone').message).toContain('To: ');
    expect(rejection(() => run(form({ MessageStatus: 'sent', From: '+1' })), 'invalid_phone').message).toContain('From: ');
  });

  test('a parameter name that percent-decodes to __proto__ → forbidden_key', () => {
    expect(rejection(() => run(`${form()}&%5F%5Fproto%5F%5F=polluted`), 'forbidden_key').message).toBe(
      'twilio sms webhook: parameter name "__proto__" is not allowed',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a very large body is archived intact; an oversized sid is rejected without echoing it', () => {
    const big = 'x'.repeat(1_000_000);
    const [env] = run(form({ Body: big }));
    expect(env.content!.text).toBe(big);
    const err = rejection(() => run(form({ MessageSid: `SM${'a'.repeat(5000)}` })), 'schema_violation');
    expect(err.message.length).toBeLessThan(500);
  });

  test('timestamps: Twilio sends none, so a forged far-future date in the form cannot move sentAt', () => {
    const [env] = run(form({ Timestamp: 'Fri, 01 Jan 2100 00:00:00 +0000', RawDlrDoneDate: '2101010000', DateSent: 'Fri, 01 Jan 2100 00:00:00 +0000' }));
    expect(env.sentAt).toBe(RECEIVED_AT.toISOString());
  });

  test('wrong content type → 415; UTF-8 charset accepted', () => {
    for (const ct of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=iso-8859-1']) {
      expect(rejection(() => run(form(), ct), 'unsupported_media_type', 415).message).toContain(ct);
    }
    expect(run(form(), 'application/x-www-form-urlencoded; charset=UTF-8')).toHaveLength(1);
    expect(run(form(), 'Application/X-WWW-Form-Urlencoded')).toHaveLength(1);
  });

  test('NumMedia without its MediaUrlN → schema_violation naming it; a non-http media URL too', () => {
    expect(rejection(() => run(form({ NumMedia: '1' })), 'schema_violation').message).toContain('MediaUrl0: an http(s) URL is required when NumMedia is 1');
    expect(rejection(() => run(form({ NumMedia: '1', MediaUrl0: 'file:///etc/passwd' })), 'schema_violation').message).toContain('MediaUrl0');
  });

  test('one request is one event: a bad event comes back as a RejectedEvent with its path, the next good request goes through', () => {
    const bad = normalizePayload(twilioSms, Buffer.from(form({ MessageSid: 'SM00000000000000000000000000000002', From: '123' })), FORM, {
      tenant: 'acme',
      receivedAt: RECEIVED_AT,
    });
    expect(bad.envelopes).toEqual([]);
    expect(bad.rejected).toEqual([{ rejected: true, code: 'invalid_phone', reason: 'From: "123" is not a valid phone number', path: 'form' }]);
    const good = normalizePayload(twilioSms, Buffer.from(form()), FORM, { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(good.rejected).toEqual([]);
    expect(good.envelopes.map((e) => e.source.externalId)).toEqual(['SM00000000000000000000000000000001']);
  });
});

describe('twilio-sms connector: fetchMedia', () => {
  let server: Server;
  let base: string;
  let seen: IncomingMessage[];
  let cdn: Server;
  let cdnSeen: IncomingMessage[];
  const IMAGE = Buffer.from('\xff\xd8\xff\xe0 fake jpeg bytes', 'latin1');

  const listen = async (s: Server) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    cdnSeen = [];
    cdn = createServer((req, res) => {
      cdnSeen.push(req);
      res.writeHead(200, { 'content-type': 'image/png' }).end('png');
    });
    const cdnBase = await listen(cdn);
    server = createServer((req, res) => {
      seen.push(req);
      const path = req.url ?? '';
      if (path.endsWith('/ME404')) return void res.writeHead(404).end();
      if (path.endsWith('/ME503')) return void res.writeHead(503).end();
      if (path.endsWith('/ME429')) return void res.writeHead(429).end();
      if (path.endsWith('/MEredirect')) return void res.writeHead(307, { location: `${cdnBase}/signed/file.png` }).end();
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(IMAGE.length) }).end(IMAGE);
    });
    base = await listen(server);
  });
  beforeEach(() => {
    seen = [];
    cdnSeen = [];
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => cdn.close(r));
  });

  const fake = () => operatorMedia(twilioSms, base);
  const attachment = (sid: string): Attachment => ({
    id: sid,
    kind: 'image',
    mimeType: 'image/jpeg',
    sourceRef: `https://api.twilio.com/2010-04-01/Accounts/${AC}/Messages/MM2a3b4c5d6e7f8091a2b3c4d5e6f70812/Media/${sid}`,
  });

  async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  test('streams the MediaUrl from the API origin with basic auth accountSid:authToken', async () => {
    const [env] = run(fixture('inbound-mms'));
    const got = await twilioSms.fetchMedia!(env.attachments![0], config, fake());
    expect(await readAll(got.body)).toEqual(IMAGE);
    expect(got).toMatchObject({ mimeType: 'image/jpeg', size: IMAGE.length });
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe(`/2010-04-01/Accounts/${AC}/Messages/MM2a3b4c5d6e7f8091a2b3c4d5e6f70812/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9`);
    expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from(`${AC}:${config.authToken}`).toString('base64')}`);
  });

  test('a redirect to a host Twilio does not document is refused: nothing reaches it', async () => {
    await expect(twilioSms.fetchMedia!(attachment('MEredirect'), config, fake())).rejects.toMatchObject({ code: 'egress_refused' });
    expect(cdnSeen).toHaveLength(0);
  });

  test('4xx → RejectedInputError; 5xx and 429 → DependencyUnavailableError', async () => {
    await expect(twilioSms.fetchMedia!(attachment('ME404'), config, fake())).rejects.toMatchObject({ code: 'media_unavailable', status: 404 });
    await expect(twilioSms.fetchMedia!(attachment('ME503'), config, fake())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(twilioSms.fetchMedia!(attachment('ME429'), config, fake())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  test('an unreachable API → DependencyUnavailableError', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((r) => closed.close(r));
    await expect(twilioSms.fetchMedia!(attachment('ME1'), config, operatorMedia(twilioSms, url))).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  test('the credentials never go to another account or a non-URL reference', async () => {
    const other = { ...attachment('ME1'), sourceRef: 'https://api.twilio.com/2010-04-01/Accounts/AC99999999999999999999999999999999/Messages/MM1/Media/ME1' };
    await expect(twilioSms.fetchMedia!(other, config, fake())).rejects.toMatchObject({ code: 'bad_source_ref' });
    await expect(twilioSms.fetchMedia!({ ...attachment('ME1'), sourceRef: 'not a url' }, config, fake())).rejects.toMatchObject({ code: 'bad_source_ref' });
    await expect(twilioSms.fetchMedia!({ ...attachment('ME1'), sourceRef: undefined }, config, fake())).rejects.toMatchObject({ code: 'bad_source_ref' });
    expect(seen).toHaveLength(0);
  });
});
