import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { signal } from './index';
import type { SignalConfig } from './types';
import { connectorContract, rejection, runConnector, deliveryRef, operatorMedia, withJsonEntries } from '@custody/testing';
import { getConnector } from '../registry';

const ACCOUNT = '+14155550100';
const config: SignalConfig = { account: ACCOUNT, sharedSecret: 'signal-forwarder-secret-0123' };
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const SENT_AT = '2025-11-22T08:26:40.000Z'; // fixture timestamp 1763800000000
const ALICE = { kind: 'phone', value: '+447700900123', platformId: '5b7f2c1e-8d3a-4b6f-9e21-0c4d8a7b6f10', displayName: 'Alice Smith' } as const;
const SELF = { kind: 'phone', value: ACCOUNT } as const;
const FIXTURES = ['text', 'group-attachments', 'quote-reply', 'reactions-batch', 'remote-delete', 'edit', 'sync-sent', 'sticker-contact'];

const fixture = (name: string, ext = 'json') => readFileSync(join(__dirname, 'fixtures', `${name}.${ext}`));

function run(body: Buffer | string, contentType = 'application/json', tenant = 'acme', cfg: SignalConfig = config): Envelope[] {
  return runConnector(signal, body, contentType, { tenant, receivedAt: RECEIVED_AT }, cfg);
}

/** A receive notification around a data message from Alice, as an object to mutate. */
function notification(data: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): Record<string, any> {
  return {
    jsonrpc: '2.0',
    method: 'receive',
    params: {
      envelope: {
        source: '+447700900123',
        sourceNumber: '+447700900123',
        sourceUuid: '5b7f2c1e-8d3a-4b6f-9e21-0c4d8a7b6f10',
        sourceName: 'Alice Smith',
        sourceDevice: 1,
        timestamp: 1763800000000,
        dataMessage: { timestamp: 1763800000000, message: 'hello', expiresInSeconds: 0, viewOnce: false, ...data },
        ...envelope,
      },
      account: ACCOUNT,
    },
  };
}
const json = (v: unknown) => JSON.stringify(v);

connectorContract({
  connector: getConnector('signal'),
  config: { ...config },
  contentType: 'application/json',
  body: (extra) => withJsonEntries(json(notification()), extra),
  existingKey: 'method',
  withId: (id) => Buffer.from(json(notification()).replace('"timestamp":1763800000000', `"timestamp":${id}`)),
  request: (rawBody, cfg: SignalConfig) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.sharedSecret}` },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/signal',
  }),
});

describe('signal connector: fixtures', () => {
  test('sticker-contact: a sticker is an attachment naming its pack and sticker (nothing to fetch); a shared contact card is searchable text', () => {
    const [sticker, contact] = run(fixture('sticker-contact'));
    expect(sticker).toMatchObject({ kind: 'message', direction: 'inbound', sender: ALICE, content: { format: 'signal/sticker' } });
    expect(sticker.attachments).toEqual([
      { id: '+447700900123:1763800020000:sticker', kind: 'sticker', sourceRef: 'signal-sticker:9acc9e8aba563d26a4994e69263e3b25/3' },
    ]);
    expect(signal.fetchable!(sticker.attachments![0])).toBe(false);
    expect(signal.fetchable!({ id: 'a', kind: 'image', sourceRef: 'signal-attachment:a.jpg' })).toBe(true);
    expect(contact.content).toEqual({ text: 'Bob Broker\nBroker Ltd\n+447700900456\nbob@broker.example', format: 'signal/contacts' });
    expect(contact.attachments).toBeUndefined();
  });

  test('connector identity', () => {
    expect(signal.id).toBe('signal');
    expect(signal.channel).toBe('signal');
    expect(signal.acknowledge).toBeUndefined();
  });

  test('text: one inbound direct message, identified by author and timestamp', () => {
    const body = fixture('text');
    const [env, ...more] = run(body);
    expect(more).toHaveLength(0);
    expect(env).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'signal',
      source: {
        connector: 'signal',
        externalId: '+447700900123:1763800000000',
        accountId: ACCOUNT,
        receivedAt: RECEIVED_AT.toISOString(),
        raw: deliveryRef(body, 'application/json'),
      },
      conversation: { id: `signal:${ACCOUNT}:+447700900123`, type: 'direct' },
      sender: ALICE,
      recipients: [SELF],
      direction: 'inbound',
      sentAt: SENT_AT,
      capturedAt: RECEIVED_AT.toISOString(),
      content: { text: 'Please sell 200 ACME before the close', format: 'signal/text' },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(env.attachments).toBeUndefined();
    expect(env.refs).toBeUndefined();
  });

  test('group-attachments: a group conversation with both attachments, fetchable by signal-cli id', () => {
    const [env] = run(fixture('group-attachments'));
    expect(env).toMatchObject({
      kind: 'message',
      direction: 'inbound',
      conversation: { id: `signal:${ACCOUNT}:group:Pmpi+EfPWmsxiomLe9Nx2XF9HOE483p6iKiFj65iMwI=`, type: 'group', title: 'Deal Room' },
      sender: { kind: 'phone', value: '+33612345678', displayName: 'Bruno' },
      recipients: [SELF],
      content: { format: 'signal/attachment' },
    });
    expect(env.content!.text).toBeUndefined();
    expect(env.attachments).toEqual([
      {
        id: 'Vq3X0bS9yWq1kJ4mN7pR.jpg',
        kind: 'image',
        mimeType: 'image/jpeg',
        size: 48213,
        sourceRef: 'signal-attachment:Vq3X0bS9yWq1kJ4mN7pR.jpg',
        caption: 'signed page 3',
      },
      {
        id: 'Hk2LmP8qRs5TuVw3XyZa.pdf',
        kind: 'document',
        mimeType: 'application/pdf',
        fileName: 'term-sheet.pdf',
        size: 183402,
        sourceRef: 'signal-attachment:Hk2LmP8qRs5TuVw3XyZa.pdf',
      },
    ]);
  });

  test('quote-reply: refs.replyTo is the quoted author and sent timestamp', () => {
    const [env] = run(fixture('quote-reply'));
    expect(env).toMatchObject({ kind: 'message', content: { text: 'Yes, at market' }, refs: { replyTo: `${ACCOUNT}:1763799000000` } });
  });

  test('reactions-batch: a reaction and its removal; the receipt and typing notifications are not archived', () => {
    const [added, removed, ...more] = run(fixture('reactions-batch'));
    expect(more).toHaveLength(0);
    expect(added).toMatchObject({
      kind: 'reaction',
      sender: ALICE,
      direction: 'inbound',
      source: { externalId: '+447700900123:1763800000000' },
      refs: { reactsTo: `${ACCOUNT}:1763799000000`, emoji: '👍' },
    });
    expect(added.content).toBeUndefined();
    expect(removed).toMatchObject({
      kind: 'reaction',
      source: { externalId: '+447700900123:1763800010000' },
      refs: { reactsTo: `${ACCOUNT}:1763799000000`, emoji: '' },
    });
  });

  test("remote-delete: a deletion pointing at the sender's own earlier message", () => {
    const [env] = run(fixture('remote-delete'));
    // the deleted message's id is its sent timestamp: when it was sent is kept beside the reference
    expect(env).toMatchObject({
      kind: 'deletion',
      sender: ALICE,
      sentAt: '2025-11-22T08:26:40.000Z',
      refs: { deletes: '+447700900123:1763799500000', originalSentAt: '2025-11-22T08:18:20.000Z' },
      source: { externalId: '+447700900123:1763800000000' },
    });
    expect(env.content).toBeUndefined();
  });

  test('edit: an edit envelope pointing at the original, with the new text', () => {
    const [env] = run(fixture('edit'));
    expect(env).toMatchObject({
      kind: 'edit',
      refs: { edits: '+447700900123:1763799500000' },
      content: { text: 'Please sell 300 ACME before the close' },
      source: { externalId: '+447700900123:1763800000000' },
    });
    // dated at the edit, with the original's send time (its id) beside the reference
    expect(env).toMatchObject({ sentAt: '2025-11-22T08:26:40.000Z', refs: { originalSentAt: '2025-11-22T08:18:20.000Z' } });
  });

  test('sync-sent (subscription form): sent by the account owner from another device is outbound to the destination', () => {
    const [env] = run(fixture('sync-sent'));
    expect(env).toMatchObject({
      kind: 'message',
      direction: 'outbound',
      sender: { kind: 'phone', value: ACCOUNT, platformId: '0f3e2d1c-4b5a-4978-8695-a4b3c2d1e0f9' },
      recipients: [{ kind: 'phone', value: '+447700900123', platformId: '5b7f2c1e-8d3a-4b6f-9e21-0c4d8a7b6f10' }],
      conversation: { id: `signal:${ACCOUNT}:+447700900123`, type: 'direct' },
      source: { externalId: `${ACCOUNT}:1763800000000`, accountId: ACCOUNT },
      content: { text: 'Done: sold 200 ACME at 41.20', format: 'signal/text' },
    });
  });

  test('sync-sent to a group, and an edit sent from another device', () => {
    const group = { groupId: 'R3JvdXBJZA==', groupName: 'Desk', revision: 1, type: 'DELIVER' };
    const sent = (sentMessage: Record<string, unknown>) =>
      json({
        jsonrpc: '2.0',
        method: 'receive',
        params: { envelope: { sourceNumber: ACCOUNT, timestamp: 1763800000000, syncMessage: { sentMessage } }, account: ACCOUNT },
      });
    const [toGroup] = run(
      sent({ destination: null, destinationNumber: null, destinationUuid: null, timestamp: 1763800000000, message: 'to all', groupInfo: group }),
    );
    expect(toGroup).toMatchObject({
      direction: 'outbound',
      recipients: [],
      conversation: { id: `signal:${ACCOUNT}:group:R3JvdXBJZA==`, type: 'group', title: 'Desk' },
    });
    const [edit] = run(
      sent({
        destinationNumber: '+447700900123',
        editMessage: { targetSentTimestamp: 1763799000000, dataMessage: { timestamp: 1763800000000, message: 'fixed' } },
      }),
    );
    expect(edit).toMatchObject({
      kind: 'edit',
      direction: 'outbound',
      refs: { edits: `${ACCOUNT}:1763799000000`, originalSentAt: '2025-11-22T08:10:00.000Z' },
      content: { text: 'fixed' },
    });
  });

  test('a sender hiding their number is identified by uuid, in ids and references alike', () => {
    const [env] = run(
      json(
        notification(
          {
            quote: { id: 5, author: 'c0ffee00-0000-4000-8000-000000000001', authorNumber: null, authorUuid: 'c0ffee00-0000-4000-8000-000000000001', text: 'x' },
          },
          { source: '9d2b7c3e-1111-4222-8333-444455556666', sourceNumber: null, sourceUuid: '9d2b7c3e-1111-4222-8333-444455556666' },
        ),
      ),
    );
    expect(env).toMatchObject({
      sender: { kind: 'handle', value: '9d2b7c3e-1111-4222-8333-444455556666', platformId: '9d2b7c3e-1111-4222-8333-444455556666' },
      source: { externalId: '9d2b7c3e-1111-4222-8333-444455556666:1763800000000' },
      conversation: { id: `signal:${ACCOUNT}:9d2b7c3e-1111-4222-8333-444455556666` },
      refs: { replyTo: 'c0ffee00-0000-4000-8000-000000000001:5' },
    });
  });

  test('timer changes and group updates without content are control messages; other methods are ignored', () => {
    expect(run(json(notification({ message: null, isExpirationUpdate: true, expiresInSeconds: 3600 })))).toEqual([]);
    expect(run(json(notification({ message: null, groupInfo: { groupId: 'g', type: 'UPDATE' } })))).toEqual([]);
    expect(run(json({ jsonrpc: '2.0', method: 'receiveError', params: {} }))).toEqual([]);
    // an unknown kind of content is archived, not dropped
    expect(run(json(notification({ message: null, pollCreate: { question: 'Lunch?' } })))[0]).toMatchObject({
      kind: 'message',
      content: { format: 'signal/other' },
    });
  });

  test('the account comes from the notification or, failing that, the config; another account is refused', () => {
    const hook = notification();
    delete hook.params.account;
    expect(run(json(hook))[0].recipients).toEqual([SELF]);
    const other = notification();
    other.params.account = '+14155550199';
    rejection(() => run(json(other)), 'account_mismatch');
    // without config (CLI) the notification's account is used
    const { envelopes } = normalizePayload(signal, Buffer.from(json(notification())), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT });
    expect(envelopes[0].source.accountId).toBe(ACCOUNT);
  });

  test.each(FIXTURES)('%s: source.raw is the exact payload; the same input twice gives the same ids; ids are per tenant', (name) => {
    const body = fixture(name);
    const first = run(body);
    expect(first.length).toBeGreaterThan(0);
    for (const e of first) {
      expect(e.source.raw).toEqual(deliveryRef(body, 'application/json'));
      for (const p of [e.sender, ...e.recipients]) if (p.kind === 'phone') expect(p.value).toMatch(/^\+[1-9]\d{1,14}$/);
    }
    expect(run(body)).toEqual(first);
    run(body, 'application/json', 'globex').forEach((e, i) => expect(e.id).not.toBe(first[i].id));
  });

  test('ids are unique across fixtures', () => {
    const ids = FIXTURES.flatMap((n) => run(fixture(n)).map((e) => `${e.id}`));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('signal connector: bearer auth', () => {
  const body = fixture('text');
  const req = (authorization?: string, raw = body): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    query: new URLSearchParams(),
    rawBody: raw,
    url: 'https://custody.example.com/webhooks/signal',
  });

  test('accepts the shared secret (scheme case-insensitive)', () => {
    expect(() => signal.verify(req(`Bearer ${config.sharedSecret}`), config)).not.toThrow();
    expect(() => signal.verify(req(`bearer ${config.sharedSecret}`), config)).not.toThrow();
  });

  test('missing → auth_missing; wrong, truncated, extended or other scheme → auth_invalid (all 401)', () => {
    rejection(() => signal.verify(req(), config), 'auth_missing', 401);
    rejection(() => signal.verify(req(''), config), 'auth_missing', 401);
    for (const bad of [
      'Bearer wrong-secret-0000000000',
      `Bearer ${config.sharedSecret.slice(0, -1)}`,
      `Bearer ${config.sharedSecret}0`,
      config.sharedSecret,
      `Basic ${config.sharedSecret}`,
      'Bearer ',
    ]) {
      rejection(() => signal.verify(req(bad), config), 'auth_invalid', 401);
    }
  });

  test('a body changed by one byte is still authenticated: the token proves the sender, TLS protects the bytes', () => {
    const modified = Buffer.from(body);
    modified[modified.indexOf('200')] = '3'.charCodeAt(0);
    expect(() => signal.verify(req(`Bearer ${config.sharedSecret}`, modified), config)).not.toThrow();
    expect(run(modified)[0].content!.text).toBe('Please sell 300 ACME before the close');
  });
});

describe('signal connector: hostile input', () => {
  test('not a notification, or an empty batch → schema_violation', () => {
    for (const body of ['null', '42', '"x"', '[]', '{"jsonrpc":"1.0","method":"receive"}', '{"method":"receive"}'])
      rejection(() => run(body), 'schema_violation');
  });

  test('wrong types → schema_violation naming the field path', () => {
    expect(rejection(() => run(json(notification({ timestamp: '1763800000000' }))), 'schema_violation').message).toContain(
      'params.envelope.dataMessage.timestamp',
    );
    expect(rejection(() => run(json(notification({ message: 42 }))), 'schema_violation').message).toContain('params.envelope.dataMessage.message');
    expect(rejection(() => run(json(notification({ attachments: [{ id: 7 }] }))), 'schema_violation').message).toContain(
      'params.envelope.dataMessage.attachments.0.id',
    );
    expect(
      rejection(
        () => run(json(notification({ reaction: { emoji: '👍', targetAuthorNumber: ACCOUNT, targetSentTimestamp: 'x', isRemove: false } }))),
        'schema_violation',
      ).message,
    ).toContain('reaction.targetSentTimestamp');
  });

  test('missing required fields → schema_violation naming them', () => {
    const noTs = notification();
    delete noTs.params.envelope.timestamp;
    expect(rejection(() => run(json(noTs)), 'schema_violation').message).toContain('params.envelope.timestamp');
    expect(rejection(() => run(json(notification({}, { source: null, sourceNumber: null, sourceUuid: null }))), 'schema_violation').message).toContain(
      'params.envelope.source',
    );
    expect(
      rejection(() => run(json(notification({ reaction: { emoji: 'x', targetSentTimestamp: 1, isRemove: false } }))), 'schema_violation').message,
    ).toContain('reaction.targetAuthor');
    const sentNoDest = {
      jsonrpc: '2.0',
      method: 'receive',
      params: { envelope: { sourceNumber: ACCOUNT, timestamp: 1763800000000, syncMessage: { sentMessage: { timestamp: 1763800000000, message: 'x' } } } },
    };
    expect(rejection(() => run(json(sentNoDest)), 'schema_violation').message).toContain('syncMessage.sentMessage.destination');
    const noEnvelope = notification();
    delete noEnvelope.params.envelope;
    rejection(() => run(json(noEnvelope)), 'schema_violation');
  });

  test('invalid phone numbers → invalid_phone naming the field', () => {
    expect(rejection(() => run(json(notification({}, { sourceNumber: '+1234' }))), 'invalid_phone').message).toContain('params.envelope.sourceNumber');
    expect(rejection(() => run(json(notification({ quote: { id: 1, authorNumber: '12', text: 'x' } }))), 'invalid_phone').message).toContain(
      'dataMessage.quote.authorNumber',
    );
    const badAccount = notification();
    badAccount.params.account = '+99';
    expect(rejection(() => run(json(badAccount)), 'invalid_phone').message).toContain('params.account');
  });

  test('a very large message is archived intact', () => {
    const big = 'x'.repeat(2_000_000);
    expect(run(json(notification({ message: big })))[0].content!.text).toBe(big);
  });

  test('far-future timestamp → timestamp_in_future naming the field', () => {
    const future = RECEIVED_AT.getTime() + 2 * 86_400_000;
    expect(rejection(() => run(json(notification({ timestamp: future }))), 'timestamp_in_future').message).toContain('params.envelope.dataMessage.timestamp');
    expect(run(json(notification({ timestamp: RECEIVED_AT.getTime() + 3_600_000 })))).toHaveLength(1);
  });

  test('a batch with one bad and one good notification: the good one goes through, the bad one is a RejectedEvent with its path', () => {
    const good = notification({ timestamp: 1763800001000 });
    const cases: Array<[unknown, string, string]> = [
      [notification({}, { sourceNumber: '+1234' }), 'invalid_phone', '1.params.envelope.sourceNumber'],
      [notification({ timestamp: 'soon' }), 'schema_violation', '1.params.envelope.dataMessage.timestamp'],
      [{ jsonrpc: '2.0' }, 'schema_violation', '1.method'],
      [{ ...notification(), params: { ...notification().params, account: '+14155550199' } }, 'account_mismatch', '1.params.account'],
    ];
    for (const [bad, code, field] of cases) {
      const { envelopes, rejected } = normalizePayload(
        signal,
        Buffer.from(json([good, bad])),
        'application/json',
        { tenant: 'acme', receivedAt: RECEIVED_AT },
        config,
      );
      expect(envelopes.map((e) => e.source.externalId)).toEqual(['+447700900123:1763800001000']);
      expect(rejected).toEqual([{ rejected: true, code, reason: expect.stringContaining(field), path: '1.params' }]);
    }
  });

  test('JSON Lines as signal-cli prints them (JSON-RPC or receive --output=json): each line its own event, a bad line rejected alone', () => {
    const { envelopes, rejected } = normalizePayload(
      signal,
      fixture('receive', 'jsonl'),
      'application/x-ndjson',
      { tenant: 'acme', receivedAt: RECEIVED_AT },
      config,
    );
    expect(envelopes.map((e) => [e.source.externalId, e.content?.text, (e.source.raw as { path?: string }).path])).toEqual([
      ['+447700900123:1763800100000', 'Sell 200 ACME at the open', 'line 1'],
      ['+447700900456:1763800200000', 'Confirmed, 200 ACME sold', 'line 2'],
      ['+447700900123:1763800600000', 'Thanks Bob', 'line 7'],
    ]);
    expect(envelopes[1]).toMatchObject({
      sender: { kind: 'phone', value: '+447700900456', displayName: 'Bob Jones' },
      recipients: [SELF],
      direction: 'inbound',
    });
    expect(rejected).toEqual([
      { rejected: true, code: 'malformed_json', reason: expect.stringContaining('signal-cli output line 3'), path: 'line 3' },
      { rejected: true, code: 'schema_violation', reason: expect.stringContaining('params.envelope.dataMessage.timestamp'), path: 'line 6' },
    ]);
    // the CLI without --config: each line names its account
    expect(normalizePayload(signal, fixture('receive', 'jsonl'), 'application/jsonl', { tenant: 'acme', receivedAt: RECEIVED_AT }).envelopes).toHaveLength(3);
  });

  test('JSON Lines: invalid UTF-8 spoils only its line; nothing but blank lines is an empty body', () => {
    const good = Buffer.from(json(notification()));
    const { envelopes, rejected } = normalizePayload(
      signal,
      Buffer.concat([Buffer.from([0xc3, 0x28, 10]), good]),
      'application/x-ndjson',
      { tenant: 'acme', receivedAt: RECEIVED_AT },
      config,
    );
    expect([envelopes.length, rejected]).toEqual([1, [{ rejected: true, code: 'not_utf8', reason: expect.any(String), path: 'line 1' }]]);
    rejection(() => run('\n \r\n\n', 'application/x-ndjson'), 'empty_body');
  });

  test('wrong content-type → 415', () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])
      rejection(() => run(fixture('text'), ct), 'unsupported_media_type', 415);
  });
});

describe('signal connector: fetchMedia from the signal-cli attachments directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signal-attachments-'));
    writeFileSync(join(dir, 'Vq3X0bS9yWq1kJ4mN7pR.jpg'), Buffer.alloc(300_000, 9));
    writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
    symlinkSync(join(tmpdir(), 'outside-secret.txt'), join(dir, 'link.jpg'));
    mkdirSync(join(dir, 'subdir'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fake = () => operatorMedia(signal, 'https://unused.invalid', { localDir: dir });
  const att = (id: string) => ({ id, kind: 'image' as const, mimeType: 'image/jpeg', sourceRef: `signal-attachment:${id}` });

  test('streams the stored file with its size', async () => {
    const got = await signal.fetchMedia!(att('Vq3X0bS9yWq1kJ4mN7pR.jpg'), config, fake());
    expect({ mimeType: got.mimeType, size: got.size }).toEqual({ mimeType: 'image/jpeg', size: 300_000 });
    let total = 0;
    for await (const chunk of got.body) total += (chunk as Buffer).length;
    expect(total).toBe(300_000);
  });

  test.each(['../outside-secret.txt', '..', 'a/b.jpg', '/etc/passwd', '.hidden', 'x\u0000y', 'a\\b'])('refuses the id %j', async (id) => {
    await expect(signal.fetchMedia!(att(id), config, fake())).rejects.toMatchObject({ code: 'bad_media_ref' });
  });

  test('a symlink is not followed; a missing file or a directory is media_not_found', async () => {
    await expect(signal.fetchMedia!(att('link.jpg'), config, fake())).rejects.toMatchObject({ code: 'bad_media_ref' });
    await expect(signal.fetchMedia!(att('missing.jpg'), config, fake())).rejects.toMatchObject({ code: 'media_not_found', status: 404 });
    await expect(signal.fetchMedia!(att('subdir'), config, fake())).rejects.toMatchObject({ code: 'media_not_found', status: 404 });
  });

  test('without a directory from the operator (CUSTODY_MEDIA_DIRS) or a signal-attachment reference nothing is read', async () => {
    await expect(signal.fetchMedia!(att('Vq3X0bS9yWq1kJ4mN7pR.jpg'), config, operatorMedia(signal, 'https://unused.invalid'))).rejects.toMatchObject({
      code: 'media_not_configured',
    });
    await expect(signal.fetchMedia!({ ...att('x'), sourceRef: 'wecom-media:x' }, config, fake())).rejects.toMatchObject({ code: 'bad_media_ref' });
  });
});
