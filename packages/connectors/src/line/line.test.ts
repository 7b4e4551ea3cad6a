import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Attachment, Envelope } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import { lineMessaging } from './index';
import { LineConfig } from './types';
import { signLineBody } from './verify';
import { connectorContract, rejection, runConnector, deliveryRef, operatorMedia, withJsonEntries } from '@custody/testing';
import { getConnector } from '../registry';

const config = LineConfig.parse({ channelSecret: '8c570fa6dd201bb328f1c1eac23a96d8', channelAccessToken: 'line-access-token-0123456789' });
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const SENT_AT = '2025-11-22T08:26:40.000Z'; // fixture timestamp 1763800000000
const BOT_ID = 'Uf3b8c2d1e0a94b7c8d6e5f4a3b2c1d0e';
const USER_ID = 'U4af4980629a1b2c3d4e5f60718293a4b';
const GROUP_ID = 'Ca56f94637c1a2b3c4d5e6f708192a3b4';
const ROOM_ID = 'Ra8dbf4ac1a2b3c4d5e6f708192a3b4c5';
const USER = { kind: 'handle', value: USER_ID, platformId: USER_ID } as const;
const BOT = { kind: 'handle', value: BOT_ID, platformId: BOT_ID } as const;
const DIRECT = { id: `line:${BOT_ID}:${USER_ID}`, type: 'direct' } as const;
const FIXTURES = ['text-user', 'group-messages', 'media-user', 'unsend'];

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', `${name}.json`));
}

/** As the gateway treats a payload: nothing usable at all is a rejection of the body, with the first event's code. */
function run(body: Buffer | string, contentType = 'application/json', tenant = 'acme'): Envelope[] {
  return runConnector(lineMessaging, body, contentType, { tenant, receivedAt: RECEIVED_AT }, config);
}

function textEvent(overrides: Record<string, unknown> = {}, message: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    message: { type: 'text', id: '100001', quoteToken: 'q', text: 'hello', ...message },
    webhookEventId: '01KAM7Z3N0Q8W5RJ6Y2T4V9X00',
    deliveryContext: { isRedelivery: false },
    timestamp: 1763800000000,
    source: { type: 'user', userId: USER_ID },
    replyToken: 'r',
    mode: 'active',
    ...overrides,
  };
}

const webhook = (events: unknown[] = [textEvent()]) => JSON.stringify({ destination: BOT_ID, events });

connectorContract({
  connector: getConnector('line'),
  config: { channelSecret: '8c570fa6dd201bb328f1c1eac23a96d8', channelAccessToken: 'line-access-token-0123456789' },
  contentType: 'application/json',
  body: (extra) => withJsonEntries(webhook(), extra),
  existingKey: 'destination',
  withId: (id) => Buffer.from(webhook([textEvent({}, { id })])),
  request: (rawBody, cfg: LineConfig) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': signLineBody(cfg.channelSecret, rawBody) },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/line',
  }),
});

describe('line connector: fixtures', () => {
  test('connector identity', () => {
    expect(lineMessaging.id).toBe('line');
    expect(lineMessaging.channel).toBe('line');
  });

  test('text-user: an inbound direct text message with its emojis', () => {
    const body = fixture('text-user');
    const envs = run(body);
    expect(envs).toEqual([
      {
        schema: 'custody.envelope/v1',
        id: expect.stringMatching(/^[0-9a-f]{40}$/),
        tenant: 'acme',
        kind: 'message',
        channel: 'line',
        source: {
          connector: 'line',
          externalId: '468789577898262530',
          accountId: BOT_ID,
          receivedAt: RECEIVED_AT.toISOString(),
          raw: deliveryRef(body, 'application/json'),
        },
        conversation: DIRECT,
        sender: USER,
        recipients: [BOT],
        direction: 'inbound',
        sentAt: SENT_AT,
        capturedAt: RECEIVED_AT.toISOString(),
        content: {
          text: 'Can you buy 500 shares of ACME at market? (hello)',
          format: 'line/text',
          entities: [{ index: 42, length: 7, productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' }],
        },
        integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
  });

  // the official account receives what members post: inbound from the firm's side, without any directory entry
  test('group-messages: group and room messages, a reply with a mention, an image, a sticker, a location', () => {
    const [reply, image, sticker, location] = run(fixture('group-messages'));
    const group = { id: `line:${BOT_ID}:${GROUP_ID}`, type: 'group' };
    const inGroup = { conversation: group, recipients: [{ kind: 'handle', value: GROUP_ID, platformId: GROUP_ID }], direction: 'inbound', sentAt: SENT_AT };
    expect(reply).toMatchObject({
      ...inGroup,
      kind: 'message',
      sender: USER,
      source: { externalId: '468789577898262531', accountId: BOT_ID },
      content: {
        text: '@Custody Bot confirmed, proceed',
        format: 'line/text',
        entities: [{ index: 0, length: 12, type: 'user', userId: BOT_ID, isSelf: true }],
      },
      refs: { replyTo: '468789532432007169' },
    });
    expect(image).toMatchObject({ ...inGroup, sender: USER, content: { format: 'line/image' } });
    expect(image.attachments).toEqual([{ id: '354718705033693861', kind: 'image', sourceRef: 'line-content:354718705033693861' }]);
    // no userId: LINE does not name senders on desktop clients
    expect(sticker).toMatchObject({ ...inGroup, sender: { kind: 'handle', value: 'line:unknown-member' } });
    expect(sticker.content).toEqual({
      format: 'line/sticker',
      entities: [{ type: 'sticker', packageId: '11537', stickerId: '52002738', stickerResourceType: 'ANIMATION', keywords: ['cony', 'sally', 'Staring'] }],
    });
    expect(sticker.attachments).toEqual([{ id: '1501597916', kind: 'sticker', sourceRef: 'line-sticker:11537/52002738' }]);
    expect(location).toMatchObject({
      conversation: { id: `line:${BOT_ID}:${ROOM_ID}`, type: 'group' },
      sender: { kind: 'handle', value: 'U9c1d2e3f405162738495a6b7c8d9e0f1' },
      recipients: [{ kind: 'handle', value: ROOM_ID, platformId: ROOM_ID }],
      direction: 'inbound',
      content: { text: 'ACME HQ\n1-3 Kioicho, Chiyoda-ku, Tokyo\n35.67966,139.73669', format: 'line/location' },
    });
  });

  test('media-user: image, video, audio and file attachments; external content gets no sourceRef', () => {
    const envs = run(fixture('media-user'));
    for (const e of envs) expect(e).toMatchObject({ kind: 'message', conversation: DIRECT, sender: USER, recipients: [BOT], direction: 'inbound' });
    expect(envs.map((e) => e.content)).toEqual([{ format: 'line/image' }, { format: 'line/video' }, { format: 'line/audio' }, { format: 'line/file' }]);
    expect(envs.map((e) => e.attachments)).toEqual([
      [{ id: '354718705033693859', kind: 'image', sourceRef: 'line-content:354718705033693859' }],
      [{ id: '325708001', kind: 'video' }],
      [{ id: '325708002', kind: 'audio', sourceRef: 'line-content:325708002' }],
      [{ id: '325708003', kind: 'document', fileName: 'statement-q3.pdf', size: 482113, sourceRef: 'line-content:325708003' }],
    ]);
  });

  test('unsend: a deletion of its own pointing at the original message', () => {
    const [original] = run(fixture('text-user'));
    const [deletion, ...more] = run(fixture('unsend'));
    expect(more).toHaveLength(0);
    expect(deletion).toMatchObject({
      kind: 'deletion',
      conversation: DIRECT,
      sender: USER,
      recipients: [BOT],
      direction: 'inbound',
      sentAt: SENT_AT,
      source: { externalId: '01KAM7Z3N0Q8W5RJ6Y2T4V9XE1', accountId: BOT_ID },
      refs: { deletes: original.source.externalId },
    });
    expect(deletion.content).toBeUndefined();
  });

  test('follow, join, postback and member events are not communications: nothing', () => {
    expect(run(fixture('other-events'))).toEqual([]);
  });

  test("LINE's verification request (no events) is valid and yields nothing", () => {
    expect(normalizePayload(lineMessaging, fixture('verification'), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT })).toMatchObject({
      envelopes: [],
      rejected: [],
    });
  });

  test('a redelivery (same webhookEventId, isRedelivery true) yields the same ids', () => {
    const first = run(fixture('text-user'));
    const again = run(fixture('text-user').toString('utf8').replace('"isRedelivery": false', '"isRedelivery": true'));
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    const unsend = run(fixture('unsend'));
    expect(run(fixture('unsend').toString('utf8').replace('"isRedelivery": false', '"isRedelivery": true'))[0].id).toBe(unsend[0].id);
  });

  test('unmodelled message types and standby mode are archived, not dropped', () => {
    const [env] = run(webhook([textEvent({ mode: 'standby' }, { type: 'poll', text: undefined })]));
    expect(env).toMatchObject({ kind: 'message', content: { format: 'line/poll' } });
    expect(env.attachments).toBeUndefined();
  });

  test.each(['constructor', 'toString', '__proto__'])('a message type named like an Object.prototype member (%s) is not media', (type) => {
    const [env] = run(webhook([textEvent({}, { type, text: undefined })]));
    expect(env.content).toEqual({ format: `line/${type}` });
    expect(env.attachments).toBeUndefined();
  });

  test.each(FIXTURES)('%s: source.raw.body is the exact fixture bytes in every envelope', (name) => {
    const body = fixture(name);
    const envs = run(body);
    expect(envs.length).toBeGreaterThan(0);
    for (const e of envs) {
      expect(e.source.raw).toEqual(deliveryRef(body, 'application/json'));
      expect(e.tenant).toBe('acme');
    }
  });

  test.each(FIXTURES)('%s: the same input twice gives the same ids and envelopes', (name) => {
    const first = run(fixture(name));
    expect(run(fixture(name))).toEqual(first);
    const other = run(fixture(name), 'application/json', 'globex');
    first.forEach((e, i) => expect(other[i].id).not.toBe(e.id));
  });

  test('ids are unique across all fixtures', () => {
    const ids = FIXTURES.flatMap((n) => run(fixture(n)).map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('line connector: signature', () => {
  const body = fixture('text-user');
  const req = (rawBody: Buffer, signature?: string): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-line-signature': signature }) },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/line',
  });

  test('signLineBody is base64(HMAC-SHA256)', () => {
    expect(signLineBody(config.channelSecret, body)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(signLineBody(config.channelSecret, body)).toBe(signLineBody(config.channelSecret, body.toString('utf8')));
  });

  test('accepts the correct signature', () => {
    expect(() => lineMessaging.verify(req(body, signLineBody(config.channelSecret, body)), config)).not.toThrow();
  });

  test('rejects a missing signature with 401 signature_missing', () => {
    rejection(() => lineMessaging.verify(req(body), config), 'signature_missing', 401);
    rejection(() => lineMessaging.verify(req(body, ''), config), 'signature_missing', 401);
  });

  test('rejects a wrong signature with 401 signature_invalid', () => {
    const sig = signLineBody(config.channelSecret, body);
    for (const bad of [signLineBody('another-channel-secret-0000', body), Buffer.from(sig, 'base64').toString('hex'), sig.slice(0, -2), sig.toLowerCase()]) {
      rejection(() => lineMessaging.verify(req(body, bad), config), 'signature_invalid', 401);
    }
  });

  test('rejects a body modified by one byte', () => {
    const sig = signLineBody(config.channelSecret, body);
    const modified = Buffer.from(body);
    modified[modified.indexOf('500')] = '6'.charCodeAt(0);
    expect(modified.length).toBe(body.length);
    rejection(() => lineMessaging.verify(req(modified, sig), config), 'signature_invalid', 401);
    rejection(() => lineMessaging.verify(req(Buffer.concat([body, Buffer.from(' ')]), sig), config), 'signature_invalid', 401);
  });
});

describe('line connector: hostile input', () => {
  test('valid JSON that is not a webhook, or a bad destination → schema_violation', () => {
    for (const body of ['null', '[]', '{}', `{"destination":"${BOT_ID}"}`, `{"destination":"${BOT_ID}","events":{}}`, '{"destination":"bot","events":[]}']) {
      rejection(() => run(body), 'schema_violation');
    }
  });

  test('wrong types → schema_violation naming the field path', () => {
    const cases: Array<[unknown, string]> = [
      [textEvent({ timestamp: '1763800000000' }), 'events.0.timestamp'],
      [textEvent({}, { id: 100001 }), 'events.0.message.id'],
      [textEvent({}, { text: 42 }), 'events.0.message.text'],
      [textEvent({ deliveryContext: { isRedelivery: 'no' } }), 'events.0.deliveryContext.isRedelivery'],
      [textEvent({ source: { type: 'user', userId: 7 } }), 'events.0.source.userId'],
      [textEvent({ source: { type: 'bot', botId: 'x' } }), 'events.0.source.type'],
      ['not an event', 'events.0'],
    ];
    for (const [event, path] of cases) expect(rejection(() => run(webhook([event])), 'schema_violation').message).toContain(`${path}:`);
  });

  test('missing required fields → schema_violation naming them', () => {
    for (const field of ['type', 'timestamp', 'mode', 'webhookEventId', 'deliveryContext', 'source', 'message']) {
      expect(rejection(() => run(webhook([textEvent({ [field]: undefined })])), 'schema_violation').message).toContain(`events.0.${field}:`);
    }
    expect(rejection(() => run(webhook([textEvent({}, { text: undefined })])), 'schema_violation').message).toContain(
      'events.0.message.text: required for type text',
    );
    expect(rejection(() => run(webhook([textEvent({}, { type: 'file', text: undefined, fileSize: 3 })])), 'schema_violation').message).toContain(
      'events.0.message.fileName: required for type file',
    );
    expect(rejection(() => run(webhook([textEvent({}, { type: 'image', text: undefined })])), 'schema_violation').message).toContain(
      'events.0.message.contentProvider: required for type image',
    );
    expect(rejection(() => run(webhook([textEvent({}, { type: 'location', text: undefined, latitude: 1 })])), 'schema_violation').message).toContain(
      'events.0.message.longitude: required for type location',
    );
    expect(rejection(() => run(webhook([textEvent({ type: 'unsend', message: undefined })])), 'schema_violation').message).toContain('events.0.unsend:');
    expect(rejection(() => run(webhook([textEvent({ source: { type: 'group' } })])), 'schema_violation').message).toContain('events.0.source.groupId:');
  });

  test('ids that are not LINE ids (phone numbers, paths, spaces) are refused', () => {
    for (const userId of ['+81 90-1234-5678', '../../etc', 'U 1']) {
      expect(rejection(() => run(webhook([textEvent({ source: { type: 'user', userId } })])), 'schema_violation').message).toContain('events.0.source.userId');
    }
    expect(rejection(() => run(webhook([textEvent({}, { id: '1/../2' })])), 'schema_violation').message).toContain('events.0.message.id');
  });

  test('a very large text (under the HTTP limit) is archived intact; an oversized id is rejected', () => {
    const big = 'x'.repeat(4_000_000);
    expect(run(webhook([textEvent({}, { text: big })]))[0].content?.text).toBe(big);
    const err = rejection(() => run(webhook([textEvent({}, { id: '1'.repeat(600) })])), 'schema_violation');
    expect(err.message).toContain('events.0.message.id');
    expect(err.message.length).toBeLessThan(2000);
  });

  test('a refused key quarantines only the event that holds it: its sibling is archived', () => {
    const body = webhook([textEvent({ webhookEventId: 'GOOD' }), textEvent({ webhookEventId: 'BAD' }, { id: '999' })]).replace(
      '"id":"999"',
      '"id":"999","constructor":{"prototype":{"polluted":true}}',
    );
    const { envelopes, rejected } = normalizePayload(lineMessaging, Buffer.from(body), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT }, config);
    expect(envelopes).toHaveLength(1);
    expect(rejected).toEqual([
      {
        rejected: true,
        code: 'forbidden_key',
        reason: 'line webhook: key "constructor" is not allowed (at $.events[1].message.constructor)',
        path: 'events.1',
      },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('far-future timestamp (milliseconds) → timestamp_in_future naming the field; seconds by mistake are not the future', () => {
    const future = RECEIVED_AT.getTime() + 2 * 86_400_000;
    expect(rejection(() => run(webhook([textEvent({ timestamp: future })])), 'timestamp_in_future').message).toContain('events.0.timestamp');
    expect(
      rejection(() => run(webhook([textEvent({ type: 'unsend', message: undefined, unsend: { messageId: '1' }, timestamp: future })])), 'timestamp_in_future')
        .message,
    ).toContain('events.0.timestamp');
    const soon = RECEIVED_AT.getTime() + 3_600_000;
    expect(run(webhook([textEvent({ timestamp: soon })]))[0].sentAt).toBe(new Date(soon).toISOString());
  });

  test('wrong content-type → 415 unsupported_media_type', () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      expect(rejection(() => run(fixture('text-user'), ct), 'unsupported_media_type', 415).message).toContain(ct);
    }
    expect(run(fixture('text-user'), 'application/json; charset=UTF-8')).toHaveLength(1);
  });

  test('a sticker without its package or sticker id is rejected, its neighbours kept', () => {
    const sticker = (message: Record<string, unknown>) => textEvent({}, { type: 'sticker', text: undefined, id: '1501597917', ...message });
    const envs = run(webhook([sticker({ stickerId: '52002738' }), sticker({ packageId: '11537', stickerId: '../x' }), textEvent()]));
    expect(envs.map((e) => e.content?.format)).toEqual(['line/text']);
  });

  test('unknown extra fields are accepted (forward compatibility) and kept in source.raw', () => {
    const body = JSON.stringify({ destination: BOT_ID, brandNew: 1, events: [textEvent({ newField: { a: [1] } }, { markAsReadToken: 'm', future: true })] });
    const [env] = run(body);
    expect(env.content).toEqual({ text: 'hello', format: 'line/text' });
    expect(env.source.raw).toEqual(deliveryRef(body, (env.source.raw as { contentType: string }).contentType));
  });

  test('one bad and one good event: the good one goes through, the bad one is rejected with its path', () => {
    const body = Buffer.from(webhook([textEvent({ timestamp: 'soon', webhookEventId: '01BAD' }, { id: '9' }), textEvent({}, { id: '10' })]));
    const { envelopes, rejected } = normalizePayload(lineMessaging, body, 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(envelopes.map((e) => e.source.externalId)).toEqual(['10']);
    expect(rejected).toEqual([{ rejected: true, code: 'schema_violation', reason: expect.stringContaining('events.0.timestamp'), path: 'events.0' }]);
  });
});

describe('line connector: fetchMedia', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: Array<{ url: string; auth?: string }> = [];
  const IMAGE = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  const attachment: Attachment = { id: '354718705033693859', kind: 'image', sourceRef: 'line-content:354718705033693859' };
  const fake = () => operatorMedia(lineMessaging, base);

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url!, auth: req.headers.authorization });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(IMAGE.length) }).end(IMAGE);
  });

  async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  test('streams the content with the bearer token, the served mime type and size', async () => {
    const media = await lineMessaging.fetchMedia!(attachment, config, fake());
    expect(await read(media.body)).toEqual(IMAGE);
    expect(media).toMatchObject({ mimeType: 'image/jpeg', size: IMAGE.length });
    expect(seen).toEqual([{ url: '/v2/bot/message/354718705033693859/content', auth: `Bearer ${config.channelAccessToken}` }]);
  });

  test('404 → RejectedInputError with LINE’s message', async () => {
    handler = (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found"}');
    const err = await lineMessaging.fetchMedia!(attachment, config, fake()).catch((e) => e);
    expect(err).toBeInstanceOf(RejectedInputError);
    expect(err.message).toBe('line media: content 354718705033693859: HTTP 404: Not found');
  });

  test('202 (still transcoding), 429 and 5xx → DependencyUnavailableError without the token', async () => {
    for (const status of [202, 429, 500, 503]) {
      handler = (_req, res) => res.writeHead(status).end();
      const err = await lineMessaging.fetchMedia!(attachment, config, fake()).catch((e) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect(err.message).toContain(`HTTP ${status}`);
      expect(err.message).not.toContain(config.channelAccessToken);
    }
  });

  test('an unreachable API → DependencyUnavailableError', async () => {
    expect(await lineMessaging.fetchMedia!(attachment, config, operatorMedia(lineMessaging, 'http://127.0.0.1:1')).catch((e) => e)).toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  test('stickers are not content the API serves: the media worker is told to leave their reference be', () => {
    expect(lineMessaging.fetchable!(attachment)).toBe(true);
    expect(lineMessaging.fetchable!({ id: '1501597916', kind: 'sticker', sourceRef: 'line-sticker:11537/52002738' })).toBe(false);
  });

  test('a sourceRef it does not understand is refused before any request', async () => {
    for (const sourceRef of [undefined, 'telegram-file:abc', 'line-content:1/../../v2/bot/info', 'line-content:', 'https://example.com/original.mp4']) {
      expect(await lineMessaging.fetchMedia!({ ...attachment, sourceRef }, config, fake()).catch((e) => e)).toMatchObject({ code: 'bad_source_ref' });
    }
    expect(seen).toHaveLength(0);
  });
});
