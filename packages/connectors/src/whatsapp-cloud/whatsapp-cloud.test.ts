import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { signWhatsAppBody } from '../index';
import { whatsappCloud } from './index';
import type { WhatsAppCloudConfig } from './types';
import { connectorContract, rejection, runConnector, deliveryRef, withJsonEntries } from '@custody/testing';
import { whatsappDelivery } from '@custody/testing/whatsapp';
import { getConnector } from '../registry';

const config: WhatsAppCloudConfig = { appSecret: 'test-app-secret-0123', verifyToken: 'verify-token-0123', graphVersion: 'v21.0' };
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const SENT_AT = '2025-11-22T08:26:40.000Z'; // fixture timestamp "1763800000"
const PHONE_NUMBER_ID = '106540352242922';
const CUSTOMER = { kind: 'phone', value: '+16505551234', platformId: '16505551234', displayName: 'Sheena Nelson' } as const;
const BUSINESS = { kind: 'phone', value: '+15550783881', platformId: PHONE_NUMBER_ID } as const;
const CONVERSATION = { id: `whatsapp:${PHONE_NUMBER_ID}:16505551234`, type: 'direct' } as const;

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', `${name}.json`));
}

/** As the gateway treats a payload: nothing usable at all is a rejection of the body, with the first event's code. */
function run(body: Buffer | string, contentType = 'application/json', tenant = 'acme'): Envelope[] {
  return runConnector(whatsappCloud, body, contentType, { tenant, receivedAt: RECEIVED_AT });
}

/** A minimal valid webhook around `messages` and `statuses`, as an object to mutate. */
function webhook(messages: unknown[] = [textMessage()], statuses?: unknown[]): Record<string, any> {
  return whatsappDelivery({
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
    messages,
    ...(statuses ? { statuses } : {}),
  });
}

function textMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { from: '16505551234', id: 'wamid.T1', timestamp: '1763800000', type: 'text', text: { body: 'hello' }, ...overrides };
}

const json = (v: unknown) => JSON.stringify(v);
/** The path of a message field in a rejection reason; accepts "value.messages" and "value: messages". */
const pathRe = (rest: string) => new RegExp(`entry\\.0\\.changes\\.0\\.value(\\.|: )${rest.replace(/\./g, '\\.')}\\b`);

connectorContract({
  connector: getConnector('whatsapp-cloud'),
  config: { appSecret: 'test-app-secret-0123', verifyToken: 'verify-token-0123', accessToken: 'graph-access-token-0123' },
  contentType: 'application/json',
  body: (extra) => withJsonEntries(json(webhook()), extra),
  existingKey: 'object',
  withId: (id) => Buffer.from(json(webhook([textMessage({ id })]))),
  request: (rawBody, cfg: WhatsAppCloudConfig) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsAppBody(cfg.appSecret, rawBody) },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/wa',
  }),
});

describe('whatsapp-cloud connector: fixtures', () => {
  test('connector identity', () => {
    expect(whatsappCloud.id).toBe('whatsapp-cloud');
    expect(whatsappCloud.channel).toBe('whatsapp');
  });

  test('text-message: one inbound text message', () => {
    const body = fixture('text-message');
    const [env, ...more] = run(body);
    expect(more).toHaveLength(0);
    expect(env).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'whatsapp',
      source: {
        connector: 'whatsapp-cloud',
        externalId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        accountId: PHONE_NUMBER_ID,
        receivedAt: RECEIVED_AT.toISOString(),
        raw: deliveryRef(body, 'application/json'),
      },
      conversation: CONVERSATION,
      sender: CUSTOMER,
      recipients: [BUSINESS],
      direction: 'inbound',
      sentAt: SENT_AT,
      capturedAt: RECEIVED_AT.toISOString(),
      content: { text: 'Can you buy 500 shares of ACME at market?', format: 'whatsapp/text' },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(env.attachments).toBeUndefined();
    expect(env.refs).toBeUndefined();
  });

  test('media-messages: one message per media item with its attachment', () => {
    const envs = run(fixture('media-messages'));
    expect(envs.map((e) => e.source.externalId)).toEqual(['wamid.IMAGE1', 'wamid.DOC1', 'wamid.AUDIO1', 'wamid.VIDEO1', 'wamid.STICKER1']);
    for (const e of envs) {
      expect(e).toMatchObject({
        kind: 'message',
        channel: 'whatsapp',
        direction: 'inbound',
        sentAt: SENT_AT,
        sender: CUSTOMER,
        recipients: [BUSINESS],
        conversation: CONVERSATION,
      });
      expect(e.attachments).toHaveLength(1);
    }
    const [image, doc, audio, video, sticker] = envs.map((e) => e.attachments![0]);
    expect(image).toEqual({
      id: '1003383421387256',
      kind: 'image',
      mimeType: 'image/jpeg',
      sha256: 'UTcp+DmkX4HeUV0b5A/1Am4hI54sVfSjpSaFTOrbMUE=',
      vendorDigests: [{ algorithm: 'sha256', encoding: 'base64', value: 'UTcp+DmkX4HeUV0b5A/1Am4hI54sVfSjpSaFTOrbMUE=' }],
      sourceRef: 'whatsapp-media:1003383421387256',
      caption: 'Signed term sheet',
    });
    // "b1a2c3d4" is no SHA-256: kept as the vendor reported it, but not as a digest to verify against
    expect(doc.sha256).toBe('b1a2c3d4');
    expect(doc.vendorDigests).toBeUndefined();
    expect(doc).toMatchObject({ id: '1003383421387257', kind: 'document', fileName: 'statement-q3.pdf', mimeType: 'application/pdf', caption: 'Q3 statement' });
    expect(audio).toMatchObject({ id: '1003383421387258', kind: 'voice', mimeType: 'audio/ogg; codecs=opus' });
    expect(video).toMatchObject({ id: '1003383421387259', kind: 'video', caption: 'walkthrough' });
    expect(sticker).toMatchObject({ id: '1003383421387260', kind: 'sticker', mimeType: 'image/webp' });
    expect(envs.map((e) => e.content?.text)).toEqual(['Signed term sheet', 'Q3 statement', undefined, 'walkthrough', undefined]);
    expect(envs.map((e) => e.content?.format)).toEqual(['whatsapp/image', 'whatsapp/document', 'whatsapp/audio', 'whatsapp/video', 'whatsapp/sticker']);
  });

  test('message echoes (smb_message_echoes): what the business number sent is outbound, to the user, in the same conversation', () => {
    const [echo, ...more] = run(fixture('message-echoes'));
    expect(more).toHaveLength(0);
    expect(echo).toMatchObject({
      kind: 'message',
      direction: 'outbound',
      sender: BUSINESS,
      recipients: [{ kind: 'phone', value: '+16505551234', platformId: '16505551234' }],
      conversation: CONVERSATION,
      source: { externalId: 'wamid.ECHO1', accountId: PHONE_NUMBER_ID },
      content: { text: 'Your order of 500 ACME is confirmed.', format: 'whatsapp/text' },
    });
  });

  test('a message from the business number without a recipient is rejected, its neighbours kept', () => {
    const envs = run(json(webhook([textMessage({ from: '15550783881', id: 'wamid.NOTO' }), textMessage()])));
    expect(envs.map((e) => [e.source.externalId, e.direction])).toEqual([['wamid.T1', 'inbound']]);
  });

  test('contacts and interactive replies carry searchable text, not only source.raw', () => {
    const [contacts, button, list] = run(fixture('contacts-interactive'));
    expect(contacts.content).toEqual({ text: 'Barbara J. Johnson\nLucky Shrub\n+1 (940) 555-1234\nbjohnson@luckyshrub.com', format: 'whatsapp/contacts' });
    expect(button).toMatchObject({ content: { text: 'Yes, execute', format: 'whatsapp/interactive' }, refs: { replyTo: 'wamid.QUESTION1' } });
    expect(list.content).toEqual({ text: 'Express\nNext day delivery', format: 'whatsapp/interactive' });
  });

  test('audio without voice:true stays audio', () => {
    const [env] = run(json(webhook([textMessage({ type: 'audio', text: undefined, audio: { id: 'm1', mime_type: 'audio/mpeg' } })])));
    expect(env.attachments).toEqual([{ id: 'm1', kind: 'audio', mimeType: 'audio/mpeg', sourceRef: 'whatsapp-media:m1' }]);
  });

  test('reaction: refs reactsTo and emoji, no content', () => {
    const envs = run(fixture('reaction'));
    expect(envs).toHaveLength(1);
    expect(envs[0]).toMatchObject({
      kind: 'reaction',
      channel: 'whatsapp',
      direction: 'inbound',
      sender: CUSTOMER,
      recipients: [BUSINESS],
      sentAt: SENT_AT,
      conversation: CONVERSATION,
      source: { externalId: 'wamid.REACTION1' },
      refs: { reactsTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', emoji: '👍' },
    });
    expect(envs[0].content).toBeUndefined();
    expect(envs[0].attachments).toBeUndefined();
  });

  test('a removed reaction (no emoji) has emoji ""', () => {
    const [env] = run(json(webhook([textMessage({ type: 'reaction', text: undefined, reaction: { message_id: 'wamid.X' } })])));
    expect(env.refs).toEqual({ reactsTo: 'wamid.X', emoji: '' });
  });

  test('reply: text with refs.replyTo', () => {
    const envs = run(fixture('reply'));
    expect(envs).toHaveLength(1);
    expect(envs[0]).toMatchObject({
      kind: 'message',
      sender: CUSTOMER,
      source: { externalId: 'wamid.REPLY1' },
      content: { text: 'Yes, confirmed — proceed.', format: 'whatsapp/text' },
      refs: { replyTo: 'wamid.OUTBOUND1' },
    });
  });

  test('statuses: one outbound status envelope per status', () => {
    const envs = run(fixture('statuses'));
    expect(envs).toHaveLength(2);
    const [delivered, failed] = envs;
    const recipient = { kind: 'phone', value: '+16505551234', platformId: '16505551234' }; // no contacts in a status webhook
    expect(delivered).toMatchObject({
      kind: 'status',
      channel: 'whatsapp',
      direction: 'outbound',
      sender: BUSINESS,
      recipients: [recipient],
      sentAt: SENT_AT,
      conversation: CONVERSATION,
      source: { connector: 'whatsapp-cloud', externalId: 'wamid.OUTBOUND1:delivered', accountId: PHONE_NUMBER_ID },
      refs: { statusOf: 'wamid.OUTBOUND1', status: 'delivered' },
    });
    expect(delivered.recipients[0].displayName).toBeUndefined();
    expect(delivered.content).toBeUndefined();
    expect(failed).toMatchObject({
      kind: 'status',
      source: { externalId: 'wamid.OUTBOUND2:failed' },
      refs: { statusOf: 'wamid.OUTBOUND2', status: 'failed' },
      content: { text: '131047 Re-engagement message', format: 'whatsapp/status' },
    });
  });

  test('the statuses of one message get distinct ids', () => {
    const statuses = ['sent', 'delivered', 'read'].map((status) => ({ id: 'wamid.O1', status, timestamp: '1763800000', recipient_id: '16505551234' }));
    const envs = run(json(webhook([], statuses)));
    expect(envs.map((e) => e.source.externalId)).toEqual(['wamid.O1:sent', 'wamid.O1:delivered', 'wamid.O1:read']);
    expect(new Set(envs.map((e) => e.id)).size).toBe(3);
  });

  test('unsupported: archived as a message with format whatsapp/unsupported and the error title as text', () => {
    const envs = run(fixture('unsupported'));
    expect(envs).toHaveLength(1);
    expect(envs[0]).toMatchObject({
      kind: 'message',
      sender: CUSTOMER,
      source: { externalId: 'wamid.UNSUP1' },
      content: { text: 'Message type unknown', format: 'whatsapp/unsupported' },
    });
    expect(envs[0].attachments).toBeUndefined();
  });

  test.each(['text-message', 'media-messages', 'reaction', 'reply', 'statuses', 'unsupported', 'message-echoes', 'contacts-interactive'])(
    '%s: source.raw references the exact fixture bytes and its event in every envelope',
    (name) => {
      const body = fixture(name);
      const envs = run(body);
      expect(envs.length).toBeGreaterThan(0);
      for (const e of envs) {
        expect(e.source.raw).toEqual(deliveryRef(body, 'application/json'));
        expect((e.source.raw as { path: string }).path).toMatch(/^entry\.\d+\.changes\.\d+\.value\.(messages|message_echoes|statuses)\.\d+$/);
        expect(e.channel).toBe('whatsapp');
        expect(e.tenant).toBe('acme');
        for (const p of [e.sender, ...e.recipients]) expect(p.value).toMatch(/^\+[1-9]\d{1,14}$/);
      }
    },
  );

  test.each(['text-message', 'media-messages', 'reaction', 'reply', 'statuses', 'unsupported', 'message-echoes', 'contacts-interactive'])(
    '%s: the same input twice gives the same ids and envelopes',
    (name) => {
      const first = run(fixture(name));
      const second = run(fixture(name));
      expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
      expect(second).toEqual(first);
      // ids are per tenant
      const other = run(fixture(name), 'application/json', 'globex');
      for (let i = 0; i < first.length; i++) expect(other[i].id).not.toBe(first[i].id);
    },
  );

  test('ids are unique across all fixtures', () => {
    const ids = ['text-message', 'media-messages', 'reaction', 'reply', 'statuses', 'unsupported', 'message-echoes', 'contacts-interactive'].flatMap((n) =>
      run(fixture(n)).map((e) => e.id),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a username-only sender (from_user_id, no phone) becomes a handle participant', () => {
    const [env] = run(json(webhook([textMessage({ from: undefined, from_user_id: 'US.1234abcd' })])));
    expect(env.sender).toEqual({ kind: 'handle', value: 'US.1234abcd', platformId: 'US.1234abcd' });
    expect(env.conversation.id).toBe(`whatsapp:${PHONE_NUMBER_ID}:US.1234abcd`);
  });

  test('account events (other change fields) are not communications', () => {
    const hook = webhook();
    hook.entry[0].changes[0].field = 'message_template_status_update';
    hook.entry[0].changes[0].value = { event: 'APPROVED' };
    expect(run(json(hook))).toEqual([]);
  });
});

describe('whatsapp-cloud connector: signature', () => {
  const body = fixture('text-message');
  const req = (rawBody: Buffer, signature?: string): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }) },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/wa',
  });

  test('signWhatsAppBody is sha256=<hex HMAC-SHA256>', () => {
    expect(signWhatsAppBody(config.appSecret, body)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signWhatsAppBody(config.appSecret, body)).toBe(signWhatsAppBody(config.appSecret, body.toString('utf8')));
  });

  test('accepts the correct signature (also upper-cased or padded)', () => {
    const sig = signWhatsAppBody(config.appSecret, body);
    expect(() => whatsappCloud.verify(req(body, sig), config)).not.toThrow();
    expect(() => whatsappCloud.verify(req(body, sig.toUpperCase()), config)).not.toThrow();
    expect(() => whatsappCloud.verify(req(body, ` ${sig} `), config)).not.toThrow();
  });

  test('rejects a missing signature with 401 signature_missing', () => {
    rejection(() => whatsappCloud.verify(req(body), config), 'signature_missing', 401);
    rejection(() => whatsappCloud.verify(req(body, ''), config), 'signature_missing', 401);
  });

  test('rejects a wrong signature with 401 signature_invalid', () => {
    rejection(() => whatsappCloud.verify(req(body, signWhatsAppBody('another-app-secret', body)), config), 'signature_invalid', 401);
    rejection(() => whatsappCloud.verify(req(body, signWhatsAppBody(config.appSecret, body).slice('sha256='.length)), config), 'signature_invalid', 401);
    rejection(() => whatsappCloud.verify(req(body, 'sha256=deadbeef'), config), 'signature_invalid', 401);
    rejection(() => whatsappCloud.verify(req(body, `sha1=${signWhatsAppBody(config.appSecret, body).slice(7)}`), config), 'signature_invalid', 401);
  });

  test('rejects a body modified by one byte', () => {
    const sig = signWhatsAppBody(config.appSecret, body);
    const modified = Buffer.from(body);
    const at = modified.indexOf('500');
    modified[at] = '6'.charCodeAt(0);
    expect(modified.length).toBe(body.length);
    rejection(() => whatsappCloud.verify(req(modified, sig), config), 'signature_invalid', 401);
    rejection(() => whatsappCloud.verify(req(Buffer.concat([body, Buffer.from(' ')]), sig), config), 'signature_invalid', 401);
  });
});

describe('whatsapp-cloud connector: subscription handshake', () => {
  const handshake = (params: Record<string, string>) =>
    whatsappCloud.handshake!(
      { method: 'GET', headers: {}, query: new URLSearchParams(params), rawBody: Buffer.alloc(0), url: 'https://custody.example.com/webhooks/wa' },
      config,
    );

  test('the correct token echoes the challenge with 200', () => {
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': config.verifyToken, 'hub.challenge': '1158201444' })).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: '1158201444',
    });
  });

  test('a wrong token gets 403 and does not echo the challenge', () => {
    for (const token of ['wrong-token-0123', '', config.verifyToken.slice(0, -1), `${config.verifyToken}x`]) {
      const res = handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('1158201444');
    }
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' }).status).toBe(403);
  });

  test('a mode other than subscribe gets 400', () => {
    expect(handshake({ 'hub.mode': 'unsubscribe', 'hub.verify_token': config.verifyToken, 'hub.challenge': '1' }).status).toBe(400);
    expect(handshake({ 'hub.verify_token': config.verifyToken, 'hub.challenge': '1' }).status).toBe(400);
  });

  test('a missing or malformed challenge gets 400 and is never echoed', () => {
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': config.verifyToken }).status).toBe(400);
    const res = handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': config.verifyToken, 'hub.challenge': '<script>alert(1)</script>' });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('<script>');
  });
});

describe('whatsapp-cloud connector: hostile input', () => {
  test('valid JSON that is not an object → schema_violation', () => {
    for (const body of ['null', '[]', '"x"', '42']) rejection(() => run(body), 'schema_violation');
  });

  test('timestamp as a number → schema_violation naming messages.0.timestamp', () => {
    const err = rejection(() => run(json(webhook([textMessage({ timestamp: 1763800000 })]))), 'schema_violation');
    expect(err.message).toMatch(pathRe('messages.0.timestamp'));
  });

  test('text.body missing for type text → schema_violation naming the path', () => {
    const noBody = rejection(() => run(json(webhook([textMessage({ text: {} })]))), 'schema_violation');
    expect(noBody.message).toMatch(pathRe('messages.0.text.body'));
    const noText = rejection(() => run(json(webhook([textMessage({ text: undefined })]))), 'schema_violation');
    expect(noText.message).toContain('entry.0.changes.0.value.messages.0.text: required for type text');
    const bodyNumber = rejection(() => run(json(webhook([textMessage({ text: { body: 42 } })]))), 'schema_violation');
    expect(bodyNumber.message).toMatch(pathRe('messages.0.text.body'));
  });

  test('missing metadata → schema_violation naming metadata', () => {
    const hook = webhook();
    delete hook.entry[0].changes[0].value.metadata;
    expect(rejection(() => run(json(hook)), 'schema_violation').message).toMatch(pathRe('metadata'));
    const noId = webhook();
    delete noId.entry[0].changes[0].value.metadata.phone_number_id;
    expect(rejection(() => run(json(noId)), 'schema_violation').message).toMatch(pathRe('metadata.phone_number_id'));
  });

  test('missing message id → schema_violation naming messages.0.id', () => {
    expect(rejection(() => run(json(webhook([textMessage({ id: undefined })]))), 'schema_violation').message).toMatch(pathRe('messages.0.id'));
    expect(rejection(() => run(json(webhook([textMessage({ id: '' })]))), 'schema_violation').message).toMatch(pathRe('messages.0.id'));
  });

  test('missing sender (neither from nor from_user_id) → schema_violation', () => {
    expect(rejection(() => run(json(webhook([textMessage({ from: undefined })]))), 'schema_violation').message).toMatch(pathRe('messages.0.from'));
  });

  test('invalid phone number in from → invalid_phone naming the field path', () => {
    const err = rejection(() => run(json(webhook([textMessage({ from: '123' })]))), 'invalid_phone');
    expect(err.message).toBe('entry.0.changes.0.value.messages.0.from: "123" is not a valid phone number');
    expect(rejection(() => run(json(webhook([textMessage({ from: '+16505551234' })]))), 'schema_violation').message).toMatch(pathRe('messages.0.from'));
  });

  test('invalid business number in metadata → invalid_phone naming the field path', () => {
    const hook = webhook();
    hook.entry[0].changes[0].value.metadata.display_phone_number = '12';
    expect(rejection(() => run(json(hook)), 'invalid_phone').message).toContain('entry.0.changes.0.value.metadata.display_phone_number');
  });

  test('invalid recipient in a status → invalid_phone naming statuses.0.recipient_id', () => {
    const err = rejection(() => run(json(webhook([], [{ id: 'wamid.O', status: 'sent', timestamp: '1763800000', recipient_id: '999' }]))), 'invalid_phone');
    expect(err.message).toContain('entry.0.changes.0.value.statuses.0.recipient_id');
  });

  test('an oversized text is archived intact; an oversized id is rejected', () => {
    const big = 'x'.repeat(1_000_000);
    const [env] = run(json(webhook([textMessage({ text: { body: big } })])));
    expect(env.content!.text).toBe(big);
    const err = rejection(() => run(json(webhook([textMessage({ id: `wamid.${'A'.repeat(600)}` })]))), 'schema_violation');
    expect(err.message).toMatch(pathRe('messages.0.id'));
    expect(err.message.length).toBeLessThan(2000); // the reason does not echo the oversized value
  });

  test('coexistence edits and revokes are edit and deletion records dated when they happened, pointing at the original', () => {
    const ORIGINAL = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=';
    const [text, image, revoke] = run(fixture('edit-revoke'));
    expect(text).toMatchObject({
      kind: 'edit',
      sentAt: '2025-11-22T08:31:40.000Z',
      direction: 'inbound',
      content: { text: 'Can you buy 300 shares of ACME at market?', format: 'whatsapp/text' },
      refs: { edits: ORIGINAL },
    });
    expect(image).toMatchObject({
      kind: 'edit',
      content: { text: 'Signed term sheet (corrected)', format: 'whatsapp/image' },
      refs: { edits: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzSU1HMDAwMDAwMDAwMDAwMDEA', replyTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQ1RYMDAwMDAwMDAwMDAwMDEA' },
      attachments: [
        {
          id: '1003383421387256',
          kind: 'image',
          mimeType: 'image/jpeg',
          sourceRef: 'whatsapp-media:1003383421387256',
          caption: 'Signed term sheet (corrected)',
        },
      ],
    });
    expect(revoke).toMatchObject({ kind: 'deletion', sentAt: '2025-11-22T08:33:40.000Z', refs: { deletes: ORIGINAL }, content: { format: 'whatsapp/revoke' } });
    // the edit never becomes the original's record: different id, the original's stays its own
    const [original] = run(fixture('text-message'));
    expect(new Set([original.id, text.id, revoke.id]).size).toBe(3);
    expect(original.sentAt).toBe('2025-11-22T08:26:40.000Z');
  });

  test('a refused key quarantines only the event that holds it: its sibling is archived', () => {
    const bad = textMessage({ id: 'wamid.BAD' });
    const body = json(webhook([textMessage({ id: 'wamid.GOOD' }), bad])).replace('"id":"wamid.BAD"', '"id":"wamid.BAD","__proto__":{"polluted":true}');
    const dup = json(webhook([textMessage({ id: 'wamid.GOOD' }), bad])).replace('"id":"wamid.BAD"', '"id":"wamid.BAD","type":"text"');
    for (const [payload, code] of [
      [body, 'forbidden_key'],
      [dup, 'duplicate_key'],
    ] as const) {
      const { envelopes, rejected } = normalizePayload(whatsappCloud, Buffer.from(payload), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT });
      expect(envelopes.map((e) => e.source.externalId)).toEqual(['wamid.GOOD']);
      expect(rejected).toEqual([
        { rejected: true, code, reason: expect.stringContaining('entry[0].changes[0].value.messages[1]'), path: 'entry.0.changes.0.value.messages.1' },
      ]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('far-future timestamp → timestamp_in_future naming the field', () => {
    const future = String(Math.floor(RECEIVED_AT.getTime() / 1000) + 2 * 86_400);
    const err = rejection(() => run(json(webhook([textMessage({ timestamp: future })]))), 'timestamp_in_future');
    expect(err.message).toContain('entry.0.changes.0.value.messages.0.timestamp');
    const status = rejection(
      () => run(json(webhook([], [{ id: 'wamid.O', status: 'sent', timestamp: future, recipient_id: '16505551234' }]))),
      'timestamp_in_future',
    );
    expect(status.message).toContain('entry.0.changes.0.value.statuses.0.timestamp');
    // within the allowed clock skew is fine
    const soon = String(Math.floor(RECEIVED_AT.getTime() / 1000) + 3600);
    expect(run(json(webhook([textMessage({ timestamp: soon })])))[0].sentAt).toBe(new Date(Number(soon) * 1000).toISOString());
  });

  test('timestamp 0 → bad_timestamp', () => {
    expect(rejection(() => run(json(webhook([textMessage({ timestamp: '0' })]))), 'bad_timestamp').message).toContain('messages.0.timestamp');
  });

  test('wrong content-type → 415 unsupported_media_type', () => {
    const body = fixture('text-message');
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      expect(rejection(() => run(body, ct), 'unsupported_media_type', 415).message).toContain(ct);
    }
    expect(run(body, 'application/json; charset=utf-8')).toHaveLength(1);
    expect(run(body, 'Application/JSON')).toHaveLength(1);
  });

  test('object other than whatsapp_business_account → schema_violation naming object', () => {
    const hook = webhook();
    hook.object = 'page';
    expect(rejection(() => run(json(hook)), 'schema_violation').message).toMatch(/^whatsapp webhook: object: /);
    const noEntries = webhook();
    noEntries.entry = [];
    expect(rejection(() => run(json(noEntries)), 'schema_violation').message).toMatch(/^whatsapp webhook: entry: /);
  });

  test('messaging_product other than whatsapp → schema_violation', () => {
    const hook = webhook();
    hook.entry[0].changes[0].value.messaging_product = 'instagram';
    expect(rejection(() => run(json(hook)), 'schema_violation').message).toMatch(pathRe('messaging_product'));
  });

  test('unknown extra fields are accepted (forward compatibility) and kept in source.raw', () => {
    const hook = webhook([textMessage({ brand_new_field: { nested: [1, 2, 3] }, referral: { source_type: 'ad' } })]);
    hook.entry[0].changes[0].value.new_value_field = true;
    hook.entry[0].new_entry_field = 'x';
    hook.new_top_level = 1;
    const body = json(hook);
    const envs = run(body);
    expect(envs).toHaveLength(1);
    expect(envs[0].content).toEqual({ text: 'hello', format: 'whatsapp/text' });
    expect(envs[0].source.raw).toEqual(deliveryRef(body, (envs[0].source.raw as { contentType: string }).contentType));
  });

  test.each(['order', 'interactive', 'contacts', 'system', 'ephemeral', 'request_welcome'])(
    'unknown or unmodelled message type %s is archived, not dropped',
    (type) => {
      const envs = run(json(webhook([textMessage({ type, text: undefined, [type]: { type: 'nfm_reply', anything: true } })])));
      expect(envs).toHaveLength(1);
      expect(envs[0]).toMatchObject({ kind: 'message', source: { externalId: 'wamid.T1' }, content: { format: `whatsapp/${type}` } });
      expect(envs[0].attachments).toBeUndefined();
    },
  );

  test.each(['constructor', 'toString', '__proto__'])('a message type named like an Object.prototype member (%s) is archived as an unknown type', (type) => {
    const envs = run(json(webhook([textMessage({ type, text: undefined })])));
    expect(envs).toHaveLength(1);
    expect(envs[0].content).toEqual({ format: `whatsapp/${type}` });
    expect(envs[0].attachments).toBeUndefined();
  });

  test('media type without its media object → schema_violation naming it', () => {
    const err = rejection(() => run(json(webhook([textMessage({ type: 'image', text: undefined })]))), 'schema_violation');
    expect(err.message).toContain('entry.0.changes.0.value.messages.0.image: required for type image');
  });

  test('one invalid message is rejected on its own: its valid neighbours still go through', () => {
    const good = textMessage({ id: 'wamid.GOOD' });
    const cases: Array<[unknown[], string, string]> = [
      [[good, textMessage({ id: 'wamid.BAD', from: '123' })], 'invalid_phone', 'messages.1.from'],
      [[good, textMessage({ id: 'wamid.BAD', timestamp: 'soon' })], 'schema_violation', 'messages.1.timestamp'],
      [[good, textMessage({ id: 'wamid.BAD', type: 'reaction', text: undefined })], 'schema_violation', 'messages.1.reaction'],
    ];
    for (const [messages, code, path] of cases) {
      const body = Buffer.from(json(webhook(messages)));
      const { envelopes, rejected } = normalizePayload(whatsappCloud, body, 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT });
      expect(envelopes.map((e) => e.source.externalId)).toEqual(['wamid.GOOD']);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].code).toBe(code);
      expect(rejected[0].reason).toMatch(pathRe(path));
      expect(rejected[0].path).toBe('entry.0.changes.0.value.messages.1');
    }
  });

  test('an invalid message in a later change does not sink the earlier valid change', () => {
    const hook = webhook([textMessage({ id: 'wamid.GOOD' })]);
    hook.entry.push({
      id: '2',
      changes: [{ field: 'messages', value: { ...hook.entry[0].changes[0].value, messages: [textMessage({ id: 'wamid.BAD', from: '1' })] } }],
    });
    const { envelopes, rejected } = normalizePayload(whatsappCloud, Buffer.from(json(hook)), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(envelopes).toHaveLength(1);
    expect(rejected.map((r) => r.code)).toEqual(['invalid_phone']);
    expect(rejected[0].reason).toContain('entry.1.changes.0.value.messages.0.from');
  });
});
