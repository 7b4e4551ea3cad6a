import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizePayload, parseConnectorConfig, type WebhookRequest } from '@custody/connector-kit';
import type { Attachment, Envelope, EnvelopeDraft, Participant } from '@custody/envelope';
import { DependencyUnavailableError, RejectedInputError } from '@custody/errors';
import { telegramBot } from './index';
import { telegramExport } from '../telegram-export';
import { TelegramBotConfig } from './types';
import { connectorContract, rejection, deliveryRef, operatorMedia, withJsonEntries } from '@custody/testing';
import { getConnector } from '../registry';

const BOT_ID = '7012345678';
const SECRET = 'tg-secret-0123456789abcdef';
const config = TelegramBotConfig.parse({ botToken: `${BOT_ID}:AAF1xV9pQe7bT3Jm0kLr2sWc8yZu4dNhGi0`, secretToken: SECRET });
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const SENT_AT = '2025-11-22T08:26:40.000Z'; // fixture date 1763800000
const USER_ID = 5123456789;
// the export importer's form: one identifier for the person whichever way the record came in
const SHEENA = { kind: 'handle', value: `user${USER_ID}`, platformId: `user${USER_ID}`, displayName: 'Sheena Nelson (@sheena_n)' } as const;
const BOT = { kind: 'handle', value: `user${BOT_ID}`, platformId: `user${BOT_ID}` } as const;
const PRIVATE = { id: `telegram:${BOT_ID}:${USER_ID}`, type: 'direct' } as const;
const FIXTURES = [
  'text-private',
  'photo-group',
  'document-reply',
  'voice',
  'audio',
  'video',
  'sticker',
  'edited-message',
  'channel-post',
  'edited-channel-post',
  'pinned-message',
  'new-chat-members',
  'left-chat-member',
  'new-chat-title',
  'video-chat-ended',
];

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', `${name}.json`));
}

/** As the gateway treats a payload: nothing usable at all is a rejection of the body, with the first event's code. */
function run(body: Buffer | string, contentType = 'application/json', tenant = 'acme', cfg: unknown = config): Envelope[] {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const { envelopes, rejected } = normalizePayload(telegramBot, raw, contentType, { tenant, receivedAt: RECEIVED_AT }, cfg);
  if (envelopes.length === 0 && rejected.length > 0) throw new RejectedInputError(rejected[0].code, rejected.map((r) => r.reason).join('; '));
  return envelopes;
}

function one(body: Buffer | string): Envelope {
  const envs = run(body);
  expect(envs).toHaveLength(1);
  return envs[0];
}

function textMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    message_id: 7,
    from: { id: USER_ID, is_bot: false, first_name: 'Sheena', last_name: 'Nelson', username: 'sheena_n' },
    chat: { id: USER_ID, type: 'private', first_name: 'Sheena' },
    date: 1763800000,
    text: 'hello',
    ...overrides,
  };
}

const update = (fields: Record<string, unknown> = { message: textMessage() }) => JSON.stringify({ update_id: 1, ...fields });

connectorContract({
  connector: getConnector('telegram-bot'),
  config: { botToken: `${BOT_ID}:AAF1xV9pQe7bT3Jm0kLr2sWc8yZu4dNhGi0`, secretToken: SECRET },
  contentType: 'application/json',
  body: (extra) => withJsonEntries(update(), extra),
  existingKey: 'update_id',
  withId: (id) => Buffer.from(update().replace('"message_id":7', `"message_id":${id}`)),
  request: (rawBody, cfg: TelegramBotConfig) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': cfg.secretToken! },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/tg',
  }),
});

describe('telegram-bot connector: fixtures', () => {
  test('connector identity', () => {
    expect(telegramBot.id).toBe('telegram-bot');
    expect(telegramBot.channel).toBe('telegram');
  });

  test('text-private: an inbound direct message with its entities', () => {
    const body = fixture('text-private');
    expect(one(body)).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'telegram',
      source: {
        connector: 'telegram-bot',
        externalId: `${BOT_ID}:${USER_ID}:4411`,
        accountId: BOT_ID,
        receivedAt: RECEIVED_AT.toISOString(),
        raw: deliveryRef(body, 'application/json'),
      },
      conversation: PRIVATE,
      sender: SHEENA,
      recipients: [BOT],
      direction: 'inbound',
      sentAt: SENT_AT,
      capturedAt: RECEIVED_AT.toISOString(),
      content: {
        text: 'Can you buy 500 shares of ACME at market? Details: https://example.com/order',
        format: 'telegram/text',
        entities: [
          { offset: 12, length: 3, type: 'bold' },
          { offset: 51, length: 25, type: 'url' },
        ],
      },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  test('photo-group: the largest size is the one image attachment; caption and its entities are the content', () => {
    const env = one(fixture('photo-group'));
    expect(env).toMatchObject({
      kind: 'message',
      conversation: { id: `telegram:${BOT_ID}:-4012345678`, type: 'group', title: 'Deal Room' },
      sender: { kind: 'handle', value: 'user5234567890', platformId: 'user5234567890', displayName: 'Omar' },
      // a basic group (-<id>) is chat<id>, as Telegram Desktop exports it
      recipients: [{ kind: 'handle', value: 'chat4012345678', platformId: 'chat4012345678', displayName: 'Deal Room' }],
      // the bot sits in the group for the firm: what others say there reaches the firm
      direction: 'inbound',
      content: { text: 'Signed term sheet, page 1', format: 'telegram/photo', entities: [{ offset: 0, length: 6, type: 'italic' }] },
      source: { externalId: `${BOT_ID}:-4012345678:88` },
    });
    expect(env.attachments).toEqual([
      { id: 'AQADlarge', kind: 'image', size: 102394, sourceRef: 'telegram-file:AgACAgQAAxkBAAIBWGbQ_large', caption: 'Signed term sheet, page 1' },
    ]);
  });

  test('document-reply: a supergroup document replying to an earlier message', () => {
    const env = one(fixture('document-reply'));
    expect(env).toMatchObject({
      kind: 'message',
      conversation: { id: `telegram:${BOT_ID}:-1001234567890`, type: 'group', title: 'ACME Trading Desk' },
      sender: SHEENA,
      direction: 'inbound',
      content: { text: 'Q3 statement', format: 'telegram/document' },
      refs: { replyTo: `${BOT_ID}:-1001234567890:3017` },
    });
    expect(env.attachments).toEqual([
      {
        id: 'AgADdoc1',
        kind: 'document',
        mimeType: 'application/pdf',
        fileName: 'statement-q3.pdf',
        size: 482113,
        sourceRef: 'telegram-file:BQACAgQAAxkBAAIBXmbQ_doc',
        caption: 'Q3 statement',
      },
    ]);
  });

  test.each([
    ['voice', { id: 'AgADvoice1', kind: 'voice', mimeType: 'audio/ogg', size: 28540, sourceRef: 'telegram-file:AwACAgQAAxkBAAIBYGbQ_voice' }, undefined],
    [
      'audio',
      {
        id: 'AgADaudio1',
        kind: 'audio',
        mimeType: 'audio/mpeg',
        fileName: 'earnings-call.mp3',
        size: 2944000,
        sourceRef: 'telegram-file:CQACAgQAAxkBAAIBYmbQ_audio',
      },
      undefined,
    ],
    [
      'video',
      {
        id: 'AgADvideo1',
        kind: 'video',
        mimeType: 'video/mp4',
        fileName: 'walkthrough.mp4',
        size: 5120000,
        sourceRef: 'telegram-file:BAACAgQAAxkBAAIBZGbQ_video',
        caption: 'walkthrough',
      },
      'walkthrough',
    ],
    ['sticker', { id: 'AgADsticker1', kind: 'sticker', size: 23210, sourceRef: 'telegram-file:CAACAgIAAxkBAAIBZmbQ_sticker' }, undefined],
  ])('%s: one attachment of its kind', (name, attachment, text) => {
    const env = one(fixture(name));
    expect(env).toMatchObject({ kind: 'message', conversation: PRIVATE, sender: SHEENA, recipients: [BOT], direction: 'inbound', sentAt: SENT_AT });
    expect(env.attachments).toEqual([attachment]);
    expect(env.content).toEqual({ format: `telegram/${name}`, ...(text ? { text } : {}) });
  });

  test('edited-message: an edit of its own, pointing at the original message', () => {
    const original = one(fixture('text-private'));
    const edit = one(fixture('edited-message'));
    expect(edit).toMatchObject({
      kind: 'edit',
      conversation: PRIVATE,
      sender: SHEENA,
      recipients: [BOT],
      direction: 'inbound',
      sentAt: '2025-11-22T08:26:55.000Z', // edit_date, not the original date
      source: { externalId: `${BOT_ID}:${USER_ID}:4411:edit:1763800015` },
      content: { text: 'Can you buy 400 shares of ACME at market?', format: 'telegram/text' },
      refs: { edits: original.source.externalId, originalSentAt: original.sentAt },
    });
    expect(edit.id).not.toBe(original.id);
  });

  test('channel-post: the channel is the sender, direction unknown', () => {
    // a supergroup or channel (-100<id>) is channel<id>, as Telegram Desktop exports it
    const research = { kind: 'handle', value: 'channel9876543210', platformId: 'channel9876543210', displayName: 'ACME Research (@acme_research)' };
    const post = one(fixture('channel-post'));
    expect(post).toMatchObject({
      kind: 'message',
      conversation: { id: `telegram:${BOT_ID}:-1009876543210`, type: 'channel', title: 'ACME Research' },
      sender: research,
      recipients: [research],
      direction: 'unknown',
      content: { text: 'Morning note: we upgrade ACME to overweight.', format: 'telegram/text' },
    });
    const edit = one(fixture('edited-channel-post'));
    expect(edit).toMatchObject({
      kind: 'edit',
      direction: 'unknown',
      sentAt: '2025-11-22T08:27:10.000Z',
      source: { externalId: `${BOT_ID}:-1009876543210:512:edit:1763800030` },
      refs: { edits: post.source.externalId, originalSentAt: post.sentAt },
    });
  });

  test('a message sent on behalf of a group (anonymous admin) is attributed to the group, not the placeholder user', () => {
    const group = { id: -1001234567890, type: 'supergroup', title: 'ACME Trading Desk' };
    const env = one(
      update({
        message: textMessage({ from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' }, sender_chat: group, chat: group }),
      }),
    );
    expect(env.sender).toEqual({ kind: 'handle', value: 'channel1234567890', platformId: 'channel1234567890', displayName: 'ACME Trading Desk' });
  });

  test('location, venue, contact and poll messages get searchable text', () => {
    const texts = [
      { location: { latitude: 51.5, longitude: -0.12 } },
      { venue: { title: 'ACME HQ', address: '1 Main St', location: { latitude: 51.5, longitude: -0.12 } }, location: { latitude: 51.5, longitude: -0.12 } },
      { contact: { phone_number: '+44 20 7946 0000', first_name: 'Ann', last_name: 'Lee' } },
      { poll: { id: '1', question: 'Lunch?', options: [] } },
    ].map((fields) => one(update({ message: textMessage({ text: undefined, ...fields }) })).content);
    expect(texts).toEqual([
      { text: '51.5,-0.12', format: 'telegram/location' },
      { text: 'ACME HQ\n1 Main St\n51.5,-0.12', format: 'telegram/venue' },
      { text: 'Ann Lee\n+44 20 7946 0000', format: 'telegram/contact' },
      { text: 'Lunch?', format: 'telegram/poll' },
    ]);
  });

  test('unmodelled messages are archived, not dropped', () => {
    const env = one(update({ message: textMessage({ text: undefined, dice: { emoji: '🎲', value: 3 } }) }));
    expect(env).toMatchObject({ kind: 'message', content: { format: 'telegram/other' } });
    expect(env.content!.text).toBeUndefined();
    expect(env.attachments).toBeUndefined();
  });

  test('a user without username is user<id> too; without last name the display name is the first name', () => {
    const env = one(update({ message: textMessage({ from: { id: 42, is_bot: false, first_name: 'Ann' } }) }));
    expect(env.sender).toEqual({ kind: 'handle', value: 'user42', platformId: 'user42', displayName: 'Ann' });
  });

  test('botId in the config overrides the token prefix', () => {
    const [env] = run(update(), 'application/json', 'acme', { ...config, botId: '999' });
    expect(env.conversation.id).toBe(`telegram:999:${USER_ID}`);
    expect(env.recipients).toEqual([{ kind: 'handle', value: 'user999', platformId: 'user999' }]);
  });

  test('updates that are not communications (callback queries, member changes) yield nothing', () => {
    expect(run(fixture('callback-query'))).toEqual([]);
    expect(run(JSON.stringify({ update_id: 5, my_chat_member: { chat: { id: 1, type: 'group' } } }))).toEqual([]);
  });

  test.each(FIXTURES)('%s: source.raw.body is the exact fixture bytes', (name) => {
    const body = fixture(name);
    const env = one(body);
    expect(env.source.raw).toEqual(deliveryRef(body, 'application/json'));
    expect(env.tenant).toBe('acme');
    expect(env.capturedAt).toBe(RECEIVED_AT.toISOString());
  });

  test.each(FIXTURES)('%s: the same input twice gives the same ids and envelopes', (name) => {
    const first = run(fixture(name));
    expect(run(fixture(name))).toEqual(first);
    expect(run(fixture(name), 'application/json', 'globex')[0].id).not.toBe(first[0].id);
  });

  test("direction comes from the bot being the firm's account: others → inbound, the bot itself → outbound, a channel → unknown", () => {
    const group = JSON.parse(fixture('photo-group').toString('utf8'));
    expect(one(Buffer.from(JSON.stringify(group))).direction).toBe('inbound');
    group.message.from = { id: Number(BOT_ID), is_bot: true, first_name: 'Custody Bot' };
    expect(one(Buffer.from(JSON.stringify(group))).direction).toBe('outbound');
    expect(one(fixture('channel-post')).direction).toBe('unknown');
  });

  test('ids are unique across all fixtures', () => {
    const ids = FIXTURES.flatMap((n) => run(fixture(n)).map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('telegram-bot connector: service messages', () => {
  const DESK = { kind: 'handle', value: 'channel1234567890', platformId: 'channel1234567890', displayName: 'ACME Trading Desk' } as const;
  const status = (name: string) => {
    const env = one(fixture(name));
    expect(env).toMatchObject({
      kind: 'status',
      recipients: [expect.anything()],
      direction: 'inbound',
      sentAt: SENT_AT,
      content: { format: expect.stringMatching(/^telegram\/service\//) },
    });
    expect(env.content!.text).toBeUndefined();
    return env;
  };

  test('pinned_message: a status whose action targets the pinned message by its record id, not a message of its own', () => {
    const env = status('pinned-message');
    expect(env).toMatchObject({ sender: SHEENA, recipients: [DESK], source: { externalId: `${BOT_ID}:-1001234567890:3020` } });
    expect(env.content).toEqual({
      format: 'telegram/service/pinned_message',
      action: { type: 'pinned_message', actor: SHEENA, targetMessageId: `${BOT_ID}:-1001234567890:3017` },
    });
  });

  test('new_chat_members and left_chat_member: the members as participants in the same user<id> form', () => {
    const priya = { kind: 'handle', value: 'user5345678901', platformId: 'user5345678901', displayName: 'Priya Rao (@priya_r)' };
    const tom = { kind: 'handle', value: 'user5456789012', platformId: 'user5456789012', displayName: 'Tom' };
    expect(status('new-chat-members').content!.action).toEqual({ type: 'new_chat_members', actor: SHEENA, members: [priya, tom] });
    expect(status('left-chat-member').content!.action).toEqual({ type: 'left_chat_member', actor: SHEENA, members: [tom] });
  });

  test('new_chat_title: the new title as data', () => {
    const omar = { kind: 'handle', value: 'user5234567890', platformId: 'user5234567890', displayName: 'Omar' };
    expect(status('new-chat-title').content!.action).toEqual({ type: 'new_chat_title', actor: omar, title: 'Deal Room (closed)' });
  });

  test('other service fields keep their content as details; a new chat photo is an attachment', () => {
    const timer = one(update({ message: textMessage({ text: undefined, message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } }) }));
    expect(timer.content!.action).toEqual({
      type: 'message_auto_delete_timer_changed',
      actor: SHEENA,
      details: { message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } },
    });
    const photo = one(
      update({
        message: textMessage({
          text: undefined,
          new_chat_photo: [
            { file_id: 'small', file_unique_id: 'AQADs', width: 160, height: 160 },
            { file_id: 'big', file_unique_id: 'AQADb', width: 640, height: 640 },
          ],
        }),
      }),
    );
    expect(photo).toMatchObject({
      kind: 'status',
      content: { action: { type: 'new_chat_photo', actor: SHEENA } },
      attachments: [{ id: 'AQADb', kind: 'image', sourceRef: 'telegram-file:big' }],
    });
    rejection(() => run(update({ message: textMessage({ text: undefined, new_chat_photo: [] }) })), 'schema_violation');
    const created = one(update({ message: textMessage({ text: undefined, group_chat_created: true }) }));
    expect(created.content!.action).toEqual({ type: 'group_chat_created', actor: SHEENA });
  });

  test('video chats: a call from the member to the chat, with its duration once ended', () => {
    const env = one(fixture('video-chat-ended'));
    expect(env).toMatchObject({ kind: 'call', sender: SHEENA, recipients: [DESK], content: { format: 'telegram/service/video_chat_ended' } });
    expect(env.call).toEqual({ status: 'ended', durationSec: 1260, from: SHEENA, to: DESK });
    const desk = { id: -1001234567890, title: 'ACME Trading Desk', type: 'supergroup' };
    const started = one(update({ message: textMessage({ text: undefined, chat: desk, video_chat_started: {} }) }));
    expect(started.call).toEqual({ status: 'started', from: SHEENA, to: DESK });
    expect(started.call!.durationSec).toBeUndefined();
  });
});

describe('telegram-bot connector: identifiers shared with the export importer', () => {
  test('the same user is the same participant value (user<id>) in a bot record and an export record', async () => {
    const fromBot = one(fixture('text-private')).sender;
    const dir = mkdtempSync(join(tmpdir(), 'tg-ids-'));
    writeFileSync(
      join(dir, 'result.json'),
      JSON.stringify({
        name: 'Desk',
        type: 'public_supergroup',
        id: 42,
        messages: [{ id: 1, type: 'message', date_unixtime: '1763800000', from: 'Sheena Nelson', from_id: `user${USER_ID}`, text: 'hi' }],
      }),
    );
    const fromExport: Participant[] = [];
    for await (const item of telegramExport.read(dir, { tenant: 'acme', receivedAt: RECEIVED_AT })) fromExport.push((item.result as EnvelopeDraft).sender);
    expect(fromExport).toEqual([{ kind: 'handle', value: fromBot.value, platformId: fromBot.platformId, displayName: 'Sheena Nelson' }]);
  });

  test('a channel is channel<id> in both', async () => {
    const fromBot = one(fixture('channel-post')).sender;
    const dir = mkdtempSync(join(tmpdir(), 'tg-ids-'));
    writeFileSync(
      join(dir, 'result.json'),
      JSON.stringify({
        name: 'ACME Research',
        type: 'public_channel',
        id: 9876543210,
        messages: [{ id: 1, type: 'message', date_unixtime: '1763800000', from: 'ACME Research', from_id: 'channel9876543210', text: 'hi' }],
      }),
    );
    for await (const item of telegramExport.read(dir, { tenant: 'acme', receivedAt: RECEIVED_AT }))
      expect((item.result as EnvelopeDraft).sender.value).toBe(fromBot.value);
  });
});

describe('telegram-bot connector: config', () => {
  test('normalize needs only the bot id: no secret token or bot token', () => {
    const minimal = parseConnectorConfig(telegramBot.configSchema, { botId: BOT_ID }, 'config');
    const [env] = run(fixture('text-private'), 'application/json', 'acme', minimal);
    expect(env).toMatchObject({ source: { accountId: BOT_ID }, recipients: [BOT] });
    expect(parseConnectorConfig(telegramBot.configSchema, { botToken: config.botToken }, 'config')).toEqual({ botToken: config.botToken });
  });

  test('without botId or botToken the bot is unknown: the config is refused', () => {
    expect(() => parseConnectorConfig(telegramBot.configSchema, { secretToken: SECRET }, 'config')).toThrow(/botId or botToken is required/);
  });

  test('webhook verification stays strict: without a secret token every delivery is refused', () => {
    const req: WebhookRequest = {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
      query: new URLSearchParams(),
      rawBody: fixture('text-private'),
      url: 'https://custody.example.com/webhooks/tg',
    };
    expect(() => telegramBot.verify(req, { botId: BOT_ID })).toThrow(
      expect.objectContaining({ code: 'config_invalid', message: expect.stringContaining('secretToken is not configured') }),
    );
  });

  test('media downloads need the bot token', async () => {
    const attachment: Attachment = { id: 'a', kind: 'document', sourceRef: 'telegram-file:BQAC' };
    await expect(telegramBot.fetchMedia!(attachment, { botId: BOT_ID }, operatorMedia(telegramBot, 'https://api.telegram.org/'))).rejects.toMatchObject({
      code: 'media_not_configured',
    });
  });
});

describe('telegram-bot connector: secret token', () => {
  const body = fixture('text-private');
  const req = (rawBody: Buffer, token?: string): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-telegram-bot-api-secret-token': token }) },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/tg',
  });

  test('accepts the configured secret token', () => {
    expect(() => telegramBot.verify(req(body, SECRET), config)).not.toThrow();
  });

  test('rejects a missing token with 401 signature_missing', () => {
    rejection(() => telegramBot.verify(req(body), config), 'signature_missing', 401);
    rejection(() => telegramBot.verify(req(body, ''), config), 'signature_missing', 401);
  });

  test('rejects a wrong token with 401 signature_invalid, whatever its length or case', () => {
    for (const token of ['tg-secret-0123456789abcdeF', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase(), ` ${SECRET}`]) {
      rejection(() => telegramBot.verify(req(body, token), config), 'signature_invalid', 401);
    }
  });

  test('the token authenticates the sender, not the bytes: a body changed by one byte is judged by the token alone', () => {
    const modified = Buffer.from(body);
    modified[modified.indexOf('500')] = '6'.charCodeAt(0);
    expect(modified.length).toBe(body.length);
    rejection(() => telegramBot.verify(req(modified, 'tg-secret-wrong-0123456789'), config), 'signature_invalid', 401);
    // Telegram signs nothing; integrity in transit rests on TLS, so the right token admits the changed body
    expect(() => telegramBot.verify(req(modified, SECRET), config)).not.toThrow();
  });

  test('the config refuses weak or malformed secrets and tokens', () => {
    expect(TelegramBotConfig.safeParse({ ...config, secretToken: 'short' }).success).toBe(false);
    expect(TelegramBotConfig.safeParse({ ...config, secretToken: 'has spaces in the secret token' }).success).toBe(false);
    expect(TelegramBotConfig.safeParse({ ...config, botToken: 'not-a-token' }).success).toBe(false);
    expect(TelegramBotConfig.safeParse({ ...config, unknown: 1 }).success).toBe(false);
    // the Bot API base URL is an operator setting (CUSTODY_VENDOR_BASE_URLS), never a tenant's
    expect(TelegramBotConfig.safeParse({ ...config, apiBaseUrl: 'http://127.0.0.1:8080' }).success).toBe(false);
  });
});

describe('telegram-bot connector: hostile input', () => {
  test('valid JSON that is not an update → schema_violation', () => {
    for (const body of ['null', '[]', '"x"', '42', '{}', '{"update_id":"1"}', '{"update_id":-1}']) rejection(() => run(body), 'schema_violation');
  });

  test('wrong types → schema_violation naming the field path', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ message_id: '7' }, 'message.message_id'],
      [{ date: '1763800000' }, 'message.date'],
      [{ text: 42 }, 'message.text'],
      [{ chat: { id: 'abc', type: 'private' } }, 'message.chat.id'],
      [{ photo: [{ file_id: 'x', file_unique_id: 'y', width: '90', height: 60 }] }, 'message.photo.0.width'],
      [{ entities: [{ type: 'bold', offset: -1, length: 3 }] }, 'message.entities.0.offset'],
    ];
    for (const [overrides, path] of cases) {
      expect(rejection(() => run(update({ message: textMessage(overrides) })), 'schema_violation').message).toContain(`${path}:`);
    }
  });

  test('missing required fields → schema_violation naming them', () => {
    for (const field of ['message_id', 'date', 'chat']) {
      expect(rejection(() => run(update({ message: textMessage({ [field]: undefined }) })), 'schema_violation').message).toContain(`message.${field}:`);
    }
    expect(rejection(() => run(update({ message: textMessage({ from: undefined }) })), 'schema_violation').message).toContain(
      'message.from: message needs from or sender_chat',
    );
    expect(rejection(() => run(update({ edited_message: textMessage() })), 'schema_violation').message).toContain(
      'edited_message.edit_date: required for an edit',
    );
    expect(rejection(() => run(update({ message: textMessage({ photo: [] }) })), 'schema_violation').message).toContain('message.photo:');
  });

  test('phone numbers are never participants here: a malformed one in a shared contact is archived as text', () => {
    const env = one(update({ message: textMessage({ text: undefined, contact: { phone_number: '12', first_name: 'X' } }) }));
    expect(env.content?.text).toBe('X\n12');
    for (const p of [env.sender, ...env.recipients]) expect(p.kind).toBe('handle');
  });

  test('a very large text (under the HTTP limit) is archived intact; an oversized file id is rejected', () => {
    const big = 'x'.repeat(4_000_000);
    expect(one(update({ message: textMessage({ text: big }) })).content?.text).toBe(big);
    const err = rejection(() => run(update({ message: textMessage({ document: { file_id: 'A'.repeat(600), file_unique_id: 'u' } }) })), 'schema_violation');
    expect(err.message).toContain('message.document.file_id');
    expect(err.message.length).toBeLessThan(2000);
  });

  test('far-future timestamps → timestamp_in_future naming the field; within the skew is fine', () => {
    const future = Math.floor(RECEIVED_AT.getTime() / 1000) + 2 * 86_400;
    expect(rejection(() => run(update({ message: textMessage({ date: future }) })), 'timestamp_in_future').message).toContain('message.date');
    expect(rejection(() => run(update({ edited_message: textMessage({ edit_date: future }) })), 'timestamp_in_future').message).toContain(
      'edited_message.edit_date',
    );
    const soon = Math.floor(RECEIVED_AT.getTime() / 1000) + 3600;
    expect(one(update({ message: textMessage({ date: soon }) })).sentAt).toBe(new Date(soon * 1000).toISOString());
  });

  test('wrong content-type → 415 unsupported_media_type', () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      expect(rejection(() => run(fixture('text-private'), ct), 'unsupported_media_type', 415).message).toContain(ct);
    }
    expect(run(fixture('text-private'), 'application/json; charset=utf-8')).toHaveLength(1);
  });

  test('without the connector config the bot is unknown → connector_config_required listing the settings', () => {
    const missing = rejection(
      () => normalizePayload(telegramBot, fixture('text-private'), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT }),
      'connector_config_required',
    );
    expect(missing.message).toMatch(/botToken \(optional, secret\).*botId \(optional\)/);
  });

  test('unknown extra fields are accepted (forward compatibility) and kept in source.raw', () => {
    const body = JSON.stringify({
      update_id: 1,
      brand_new: true,
      message: textMessage({ paid_star_count: 5, chat: { id: USER_ID, type: 'private', is_forum: false } }),
    });
    const env = one(body);
    expect(env.content).toEqual({ text: 'hello', format: 'telegram/text' });
    expect(env.source.raw).toEqual(deliveryRef(body, (env.source.raw as { contentType: string }).contentType));
  });

  test('one bad and one good message in one update: the good one goes through, the bad one is rejected with its path', () => {
    const body = Buffer.from(update({ message: textMessage({ message_id: 8 }), edited_message: textMessage({ edit_date: 'later' }) }));
    const { envelopes, rejected } = normalizePayload(telegramBot, body, 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT }, config);
    expect(envelopes.map((e) => e.source.externalId)).toEqual([`${BOT_ID}:${USER_ID}:8`]);
    expect(rejected).toEqual([
      { rejected: true, code: 'schema_violation', reason: expect.stringContaining('edited_message.edit_date'), path: 'edited_message' },
    ]);
  });
});

describe('telegram-bot connector: fetchMedia', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: string[] = [];
  const FILE = Buffer.from('%PDF-1.7 statement bytes');
  const attachment: Attachment = { id: 'AgADdoc1', kind: 'document', mimeType: 'application/pdf', sourceRef: 'telegram-file:BQACAgQAAxkBAAIBXmbQ_doc' };
  const fake = () => operatorMedia(telegramBot, `${base}/`);

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url!);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    handler = (req, res) => {
      if (req.url!.startsWith(`/bot${config.botToken}/getFile?`)) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, result: { file_id: 'x', file_unique_id: 'AgADdoc1', file_size: FILE.length, file_path: 'documents/file_12.pdf' } }));
      } else if (req.url === `/file/bot${config.botToken}/documents/file_12.pdf`) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(FILE.length) }).end(FILE);
      } else res.writeHead(404).end();
    };
  });

  async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  test('getFile, then streams the file with the attachment mime type and size', async () => {
    const media = await telegramBot.fetchMedia!(attachment, config, fake());
    expect(await read(media.body)).toEqual(FILE);
    expect(media).toMatchObject({ mimeType: 'application/pdf', size: FILE.length });
    expect(seen).toEqual([`/bot${config.botToken}/getFile?file_id=BQACAgQAAxkBAAIBXmbQ_doc`, `/file/bot${config.botToken}/documents/file_12.pdf`]);
  });

  test('a Telegram 4xx → RejectedInputError with its description and without the token', async () => {
    handler = (_req, res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}');
    const err = await telegramBot.fetchMedia!(attachment, config, fake()).catch((e) => e);
    expect(err).toBeInstanceOf(RejectedInputError);
    expect(err.message).toBe('telegram media: getFile: HTTP 400: Bad Request: file is too big');
    expect(err.message).not.toContain(config.botToken);
  });

  test('5xx and 429 → DependencyUnavailableError (retriable)', async () => {
    for (const status of [500, 502, 429]) {
      handler = (_req, res) => res.writeHead(status).end();
      const err = await telegramBot.fetchMedia!(attachment, config, fake()).catch((e) => e);
      expect(err).toBeInstanceOf(DependencyUnavailableError);
      expect(err.retriable).toBe(true);
      expect(err.message).not.toContain(config.botToken);
    }
  });

  test('a failing download after a good getFile → the download status decides', async () => {
    const good = handler;
    handler = (req, res) => (req.url!.includes('/getFile') ? good(req, res) : res.writeHead(404).end());
    expect(await telegramBot.fetchMedia!(attachment, config, fake()).catch((e) => e)).toMatchObject({
      code: 'media_rejected',
      message: 'telegram media: file download: HTTP 404',
    });
  });

  test('an unreachable API → DependencyUnavailableError naming no URL', async () => {
    const err = await telegramBot.fetchMedia!(attachment, config, operatorMedia(telegramBot, 'http://127.0.0.1:1')).catch((e) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(err.message).not.toContain(config.botToken);
  });

  test('a sourceRef it does not understand or an unsafe file_path is refused', async () => {
    for (const sourceRef of [undefined, 'whatsapp-media:1', 'telegram-file:../x', 'telegram-file:']) {
      expect(await telegramBot.fetchMedia!({ ...attachment, sourceRef }, config, fake()).catch((e) => e)).toMatchObject({ code: 'bad_source_ref' });
    }
    handler = (_req, res) => res.writeHead(200).end(JSON.stringify({ ok: true, result: { file_path: '../../etc/passwd' } }));
    expect(await telegramBot.fetchMedia!(attachment, config, fake()).catch((e) => e)).toMatchObject({ code: 'media_rejected' });
    expect(seen).toHaveLength(1);
  });
});
