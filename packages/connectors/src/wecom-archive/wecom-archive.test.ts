import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { wecomArchive } from './index';
import type { WecomArchiveConfig } from './types';
import { connectorContract, rejection, runConnector, withJsonEntries } from '@custody/testing';
import { getConnector } from '../registry';

const config: WecomArchiveConfig = { corpId: 'ww8d1a2f3c4b5e6a7d' };
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const CORP = 'wecom:ww8d1a2f3c4b5e6a7d';
const FIXTURES = ['messages.json', 'recall.jsonl', 'switch.json'];
const h = (id: string) => ({ kind: 'handle', value: id, platformId: id });

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

function run(body: Buffer | string, contentType = 'application/json', tenant = 'acme'): Envelope[] {
  return runConnector(wecomArchive, body, contentType, { tenant, receivedAt: RECEIVED_AT }, config);
}

function text(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    msgid: 'M1',
    action: 'send',
    from: 'kenshin',
    tolist: ['wmGAgeDQAAHuRJbt4ZQI_1cqoQcf41WQ'],
    roomid: '',
    msgtime: 1763800000000,
    msgtype: 'text',
    text: { content: 'hello' },
    ...overrides,
  };
}
const json = (v: unknown) => JSON.stringify(v);

connectorContract({
  connector: getConnector('wecom-archive'),
  config: { corpId: 'ww8d1a2f3c4b5e6a7d', sharedSecret: 'archive-puller-secret-0123' },
  contentType: 'application/json',
  // one record: its keys concern the whole delivery
  body: (extra) => withJsonEntries(json([text()]), extra),
  existingKey: 'msgid',
  withId: (id) => Buffer.from(json([text({ msgid: id })])),
  request: (rawBody, cfg: WecomArchiveConfig) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.sharedSecret}` },
    query: new URLSearchParams(),
    rawBody,
    url: 'https://custody.example.com/webhooks/wecom-archive',
  }),
});

describe('wecom-archive connector: fixtures', () => {
  test('connector identity', () => {
    expect(wecomArchive.id).toBe('wecom-archive');
    expect(wecomArchive.channel).toBe('wecom');
  });

  test('messages.json: one envelope per record, with kinds, participants, conversations and direction', () => {
    const body = fixture('messages.json');
    const envs = run(body);
    expect(envs.map((e) => [e.source.externalId, e.kind, e.direction, e.content?.format])).toEqual([
      ['CAQQluDa4QUY0On2rYSAgAMgzPrShAE=', 'message', 'internal', 'wecom/text'],
      ['CAQQvPnc4QUY0On2rYSAgAMgooLa0Q8=', 'message', 'internal', 'wecom/image'],
      ['10958372969718811103_1603875609', 'message', 'inbound', 'wecom/voice'],
      ['17955920891003447432_1603875627', 'message', 'outbound', 'wecom/video'],
      ['18039699423706571225_1603875608', 'message', 'outbound', 'wecom/file'],
      ['6623217619416669654_1603875612', 'message', 'outbound', 'wecom/emotion'],
      ['2641513858500683770_1603876152', 'message', 'outbound', 'wecom/location'],
      ['11788441727514772650_1603875624', 'message', 'internal', 'wecom/link'],
      ['8891446340739254950_1603875826', 'message', 'inbound', 'wecom/agree'],
      ['5285733018823123581_1603875745', 'message', 'outbound', 'wecom/text'],
      ['16527954622422422847_1594199256', 'message', 'outbound', 'wecom/voip_doc_share'],
    ]);
    const [textMsg, image, voice, video, file, emotion, location, link, agree, group, callFile] = envs;
    expect(textMsg).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'wecom',
      source: {
        connector: 'wecom-archive',
        externalId: 'CAQQluDa4QUY0On2rYSAgAMgzPrShAE=',
        accountId: 'ww8d1a2f3c4b5e6a7d',
        receivedAt: RECEIVED_AT.toISOString(),
        raw: { contentType: 'application/json', encoding: 'utf8', body: body.toString('utf8').split('\n')[1].trim().replace(/,$/, '') },
      },
      conversation: { id: `${CORP}:XuJinSheng:icefog`, type: 'direct' },
      sender: h('XuJinSheng'),
      recipients: [h('icefog')],
      direction: 'internal',
      sentAt: '2019-01-10T02:38:14.783Z',
      capturedAt: RECEIVED_AT.toISOString(),
      content: { text: 'test', format: 'wecom/text' },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(image.attachments).toEqual([
      {
        id: 'CAQQvPnc4QUY0On2rYSAgAMgooLa0Q8=:image',
        kind: 'image',
        size: 70961,
        vendorDigests: [{ algorithm: 'md5', encoding: 'hex', value: '50de8e5ae8ffe4f1df7a93841f71993a' }],
        sourceRef: expect.stringMatching(/^wecom-sdkfile:CtYBMzA2OTAy/),
      },
    ]);
    const md5 = (value: string) => ({ vendorDigests: [{ algorithm: 'md5', encoding: 'hex', value }] });
    expect(voice.attachments![0]).toMatchObject({ kind: 'voice', size: 6810, ...md5('9db09c7fa627c9e53f17736c786a74d5') });
    expect(voice.sender).toEqual(h('wmGAgeDQAAdBjb8CK4ieMPRm7Cqm-9VA'));
    expect(voice.conversation.id).toBe(`${CORP}:kenshin:wmGAgeDQAAdBjb8CK4ieMPRm7Cqm-9VA`);
    expect(video.attachments![0]).toMatchObject({ kind: 'video', size: 15169724, ...md5('d06fc80c01d6fbffcca3b229ba41eac6') });
    expect(file.attachments![0]).toMatchObject({ kind: 'document', fileName: '资料.docx', size: 18181, ...md5('18e93fc2ea884df23b3d2d3b8667b9f0') });
    expect(file.content!.text).toBe('资料.docx');
    expect(emotion.attachments![0]).toMatchObject({ kind: 'sticker', size: 962604, ...md5('b178a3c0ef9734f4fd08ef39d9b5ae1e') });
    // a file shared during a call is a file like any other
    expect(callFile.attachments).toEqual([
      {
        id: '16527954622422422847_1594199256:voip_doc_share',
        kind: 'document',
        fileName: '欢迎使用微盘.pdf.pdf',
        size: 4400654,
        ...md5('ff893900f24e55e216e617a40e5c4648'),
        sourceRef: expect.stringMatching(/^wecom-sdkfile:/),
      },
    ]);
    expect(callFile.content!.text).toBe('欢迎使用微盘.pdf.pdf');
    expect(location.content!.text).toBe('xxx管理中心\n北京市xxx区xxx路xxx大厦x座\n39.911125799,116.586285899');
    expect(link.content!.text).toContain('邀请你加入群聊\n技术支持群');
    expect(agree.content!.text).toBe('wmGAgeDQAAvQeaTqWwkMTxGMkvI7OOuQ agreed to chat archiving');
    expect(group).toMatchObject({
      conversation: { id: `${CORP}:room:wrNplhCgAAIVZohLe57zKnvIV7xBKrig`, type: 'group' },
      sender: h('kenshin'),
      recipients: [h('icefog'), h('wmGAgeDQAAHuRJbt4ZQI_1cqoQcf41WQ')],
      content: { text: '本周五下午三点开会，请准时参加' },
    });
  });

  test('recall.jsonl: the recall is a deletion pointing at the original msgid, in the same conversation', () => {
    const [original, recall, ...more] = run(fixture('recall.jsonl'), 'application/x-ndjson');
    expect(more).toHaveLength(0);
    expect(original).toMatchObject({
      kind: 'message',
      source: { externalId: '14822339130656386894_1603875600' },
      content: { text: 'guaranteed 20% return, no risk' },
    });
    expect(recall).toMatchObject({
      kind: 'deletion',
      source: { connector: 'wecom-archive', externalId: '15775510700152506326_1603875615' },
      refs: { deletes: '14822339130656386894_1603875600' },
      sender: h('kenshin'),
      direction: 'outbound',
      sentAt: '2020-10-28T09:00:15.723Z',
      conversation: original.conversation,
    });
    expect(recall.content).toBeUndefined();
  });

  test('switch.json: an enterprise switch is an internal status record', () => {
    const [env] = run(fixture('switch.json'));
    expect(env).toMatchObject({
      kind: 'status',
      source: { externalId: '125289002219525886280' },
      conversation: { id: `${CORP}:user:XuJinSheng`, type: 'direct' },
      sender: h('XuJinSheng'),
      recipients: [],
      direction: 'internal',
      sentAt: '2019-04-01T11:50:21.840Z',
      content: { text: 'XuJinSheng switched enterprise', format: 'wecom/switch' },
      refs: { status: 'switch' },
    });
  });

  test('user ids that look like phone numbers stay handles: WeCom ids are not numbers', () => {
    const [env] = run(json([text({ from: '13800138000', tolist: ['+8613900139000'] })]));
    expect([env.sender, ...env.recipients]).toEqual([h('13800138000'), h('+8613900139000')]);
  });

  test('a robot (wb…) on either side leaves direction unknown; unmodelled msgtypes are archived', () => {
    const [robot, todo] = run(
      json([text({ from: 'wbAbCdEfGhIjKlMnOpQrStUvWx01' }), text({ msgid: 'M2', msgtype: 'todo', text: undefined, todo: { title: 'x' } })]),
    );
    expect(robot.direction).toBe('unknown');
    expect(todo).toMatchObject({ kind: 'message', content: { format: 'wecom/todo' } });
    expect(todo.content!.text).toBeUndefined();
  });

  test.each(FIXTURES)('%s: source.raw holds the exact bytes of its own record; the same input twice gives the same ids', (name) => {
    const body = fixture(name);
    const first = run(body);
    for (const e of first) {
      expect(e.source.raw).toMatchObject({ contentType: 'application/json', encoding: 'utf8' });
      expect(body.includes(Buffer.from((e.source.raw as { body: string }).body, 'utf8'))).toBe(true);
      expect(JSON.parse((e.source.raw as { body: string }).body).msgid).toBe(e.source.externalId);
    }
    expect(run(body)).toEqual(first);
    const other = run(body, 'application/json', 'globex');
    other.forEach((e, i) => expect(e.id).not.toBe(first[i].id));
  });

  test('a JSON array and JSON Lines of the same records give the same ids and the same record bytes', () => {
    const records = [text(), text({ msgid: 'M2', text: { content: 'a, "quoted" [x] {y} \\ end' } })];
    const fromLines = run(records.map(json).join('\r\n'));
    const fromArray = run(`[ ${records.map(json).join(' ,\n')}\n]`);
    expect(fromLines.map((e) => e.id)).toEqual(fromArray.map((e) => e.id));
    expect(fromArray.map((e) => (e.source.raw as { body: string; encoding: string }).body)).toEqual(records.map(json));
    expect(fromLines.map((e) => (e.source.raw as { body: string; encoding: string }).body)).toEqual(records.map(json));
  });
});

describe('wecom-archive connector: webhook auth', () => {
  const secret = 'archive-puller-secret-0123';
  const req = (authorization?: string, body = json([text()])): WebhookRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    query: new URLSearchParams(),
    rawBody: Buffer.from(body),
    url: 'https://custody.example.com/webhooks/wecom-archive',
  });

  test('without a configured sharedSecret every request is refused: 401 webhook_not_supported', () => {
    rejection(() => wecomArchive.verify(req(`Bearer ${secret}`), config), 'webhook_not_supported', 401);
  });

  test('with a sharedSecret, the bearer token authenticates the puller', () => {
    const cfg = { ...config, sharedSecret: secret };
    expect(() => wecomArchive.verify(req(`Bearer ${secret}`), cfg)).not.toThrow();
    expect(() => wecomArchive.verify(req(`bearer ${secret}`), cfg)).not.toThrow();
    rejection(() => wecomArchive.verify(req(), cfg), 'auth_missing', 401);
    for (const bad of [`Bearer ${secret}x`, `Bearer ${secret.slice(0, -1)}`, secret, 'Bearer', `Basic ${secret}`, '']) {
      rejection(() => wecomArchive.verify(req(bad), cfg), bad === '' ? 'auth_missing' : 'auth_invalid', 401);
    }
  });

  test("the bearer token authenticates the sender, not the bytes: integrity of the body is TLS's job", () => {
    const cfg = { ...config, sharedSecret: secret };
    expect(() => wecomArchive.verify(req(`Bearer ${secret}`, json([text({ text: { content: 'hellp' } })])), cfg)).not.toThrow();
  });
});

describe('wecom-archive connector: hostile input', () => {
  test('truncated JSON array → malformed_json; a truncated last JSON line rejects only that line', () => {
    const body = json([text()]);
    rejection(() => run(body.slice(0, -5)), 'malformed_json');
    const lines = `${json(text())}\n${json(text({ msgid: 'M2' })).slice(0, -7)}`;
    const { envelopes, rejected } = normalizePayload(
      wecomArchive,
      Buffer.from(lines),
      'application/x-ndjson',
      { tenant: 'acme', receivedAt: RECEIVED_AT },
      config,
    );
    expect(envelopes.map((e) => e.source.externalId)).toEqual(['M1']);
    expect(rejected).toEqual([
      { rejected: true, code: 'malformed_json', reason: expect.stringMatching(/^wecom archive: line 2: malformed JSON/), path: 'line 2' },
    ]);
  });

  test('an empty array → schema_violation; non-UTF-8 inside an array → not_utf8', () => {
    rejection(() => run('[]'), 'schema_violation');
    rejection(() => run(Buffer.concat([Buffer.from('['), Buffer.from([0xff]), Buffer.from(']')])), 'not_utf8');
  });

  test('wrong types → schema_violation naming the record field', () => {
    expect(rejection(() => run(json([text({ msgtime: '1603875600512' })])), 'schema_violation').message).toContain('0.msgtime');
    expect(rejection(() => run(json([text({ tolist: 'icefog' })])), 'schema_violation').message).toContain('0.tolist');
    expect(rejection(() => run(json([text({ text: { content: 42 } })])), 'schema_violation').message).toContain('0.text.content');
    expect(
      rejection(() => run(json([text({ msgtype: 'image', text: undefined, image: { filesize: 'big', sdkfileid: 'x' } })])), 'schema_violation').message,
    ).toContain('0.image.filesize');
    rejection(() => run('"just a string"'), 'schema_violation');
    rejection(() => run(json([null])), 'schema_violation');
  });

  test('missing required fields → schema_violation naming each', () => {
    for (const field of ['msgid', 'action', 'from', 'tolist', 'msgtime', 'msgtype']) {
      expect(rejection(() => run(json([text({ [field]: undefined })])), 'schema_violation').message).toContain(`0.${field}`);
    }
    expect(rejection(() => run(json([text({ text: undefined })])), 'schema_violation').message).toBe('wecom archive: 0.text: required for msgtype text');
    expect(rejection(() => run(json([text({ action: 'recall', msgtype: 'revoke' })])), 'schema_violation').message).toContain('0.revoke');
    expect(rejection(() => run(json([text({ tolist: [] })])), 'schema_violation').message).toContain('0.tolist');
    expect(rejection(() => run(json([text({ msgtype: 'file', text: undefined })])), 'schema_violation').message).toContain('0.file');
    expect(rejection(() => run(json([{ msgid: 'S', action: 'switch', time: 1 }])), 'schema_violation').message).toContain('0.user');
    expect(rejection(() => run(json([text({ action: 'forward' })])), 'schema_violation').message).toContain('0.action');
  });

  test('an md5sum that is no md5 (empty, truncated) is not kept as a vendor digest; the attachment still is', () => {
    const envs = run(json([text({ msgtype: 'image', text: undefined, image: { md5sum: '50de8e5a', filesize: 3, sdkfileid: 'x' } })]));
    expect(envs[0].attachments![0]).toEqual({ id: expect.any(String), kind: 'image', size: 3, sourceRef: 'wecom-sdkfile:x' });
  });

  test('a very large text is archived intact; an oversized msgid is rejected without echoing it', () => {
    const big = '长'.repeat(1_000_000);
    expect(run(json([text({ text: { content: big } })]))[0].content!.text).toBe(big);
    const err = rejection(() => run(json([text({ msgid: 'A'.repeat(600) })])), 'schema_violation');
    expect(err.message).toContain('0.msgid');
    expect(err.message.length).toBeLessThan(500);
  });

  test('a __proto__ key in JSON Lines refuses only its line', () => {
    const lines = `${json(text())}\n{"__proto__":{"polluted":true},"msgid":"M2"}`;
    const { envelopes, rejected } = normalizePayload(
      wecomArchive,
      Buffer.from(lines),
      'application/x-ndjson',
      { tenant: 'acme', receivedAt: RECEIVED_AT },
      config,
    );
    expect(envelopes).toHaveLength(1);
    expect(rejected.map((r) => [r.code, r.path])).toEqual([['forbidden_key', 'line 2']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('far-future msgtime or switch time → timestamp_in_future naming the field', () => {
    const future = RECEIVED_AT.getTime() + 2 * 86_400_000;
    expect(rejection(() => run(json([text({ msgtime: future })])), 'timestamp_in_future').message).toContain('0.msgtime');
    expect(rejection(() => run(json([{ msgid: 'S', action: 'switch', time: future, user: 'u' }])), 'timestamp_in_future').message).toContain('0.time');
    expect(run(json([text({ msgtime: RECEIVED_AT.getTime() + 3_600_000 })]))).toHaveLength(1);
  });

  test('one invalid record is rejected on its own: its valid neighbours still go through', () => {
    const cases: Array<[unknown, string, string]> = [
      [text({ msgid: 'BAD', msgtime: 'soon' }), 'schema_violation', '1.msgtime'],
      [text({ msgid: 'BAD', action: 'recall', msgtype: 'revoke' }), 'schema_violation', '1.revoke'],
      [text({ msgid: 'BAD', msgtime: RECEIVED_AT.getTime() * 2 }), 'timestamp_in_future', '1.msgtime'],
    ];
    for (const [bad, code, field] of cases) {
      const { envelopes, rejected } = normalizePayload(
        wecomArchive,
        Buffer.from(json([text({ msgid: 'GOOD' }), bad])),
        'application/json',
        { tenant: 'acme', receivedAt: RECEIVED_AT },
        config,
      );
      expect(envelopes.map((e) => e.source.externalId)).toEqual(['GOOD']);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({ code, path: '1', reason: expect.stringContaining(field) });
    }
  });

  test('wrong content-type → 415; no config → connector_config_required naming corpId (records do not name their enterprise)', () => {
    const body = json([text()]);
    for (const ct of ['text/xml', 'text/plain', 'multipart/form-data']) rejection(() => run(body, ct), 'unsupported_media_type', 415);
    for (const ct of ['application/json; charset=utf-8', 'application/x-ndjson', 'application/jsonl', ''])
      expect(run(body, ct || 'application/json')).toHaveLength(1);
    const missing = rejection(
      () => normalizePayload(wecomArchive, Buffer.from(body), 'application/json', { tenant: 'acme', receivedAt: RECEIVED_AT }),
      'connector_config_required',
    );
    expect(missing.message).toMatch(/corpId \(required\)/);
  });
});
