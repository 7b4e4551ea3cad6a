import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRejected, type ImportContext, type ImportItem, type RejectedEvent } from '@custody/connector-kit';
import { sealEnvelope, type EnvelopeDraft } from '@custody/envelope';
import { telegramExport } from './index';
import { JsonSlicer, type JsonPath } from './json-slices';

const FIX = join(__dirname, 'fixtures');
const RECEIVED_AT = new Date('2025-06-01T12:00:00.000Z');

type Item = ImportItem & { raw: { contentType: string; body: Buffer } };

async function collect(path: string, ctx: Partial<ImportContext> = {}): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of telegramExport.read(path, { tenant: 'acme', receivedAt: RECEIVED_AT, ...ctx })) items.push(item as Item);
  return items;
}
const drafts = (items: Item[]) => items.map((i) => i.result).filter((r): r is EnvelopeDraft => !isRejected(r));
const rejections = (items: Item[]): RejectedEvent[] => items.map((i) => i.result).filter((r): r is RejectedEvent => isRejected(r));

function tempJson(text: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-export-test-'));
  writeFileSync(join(dir, 'result.json'), text);
  return join(dir, 'result.json');
}

const message = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'message',
  date: '2024-01-02T09:00:00',
  date_unixtime: String(1704186000 + id),
  from: 'Bob',
  from_id: 'user2',
  text: `message ${id}`,
  ...extra,
});
const chatJson = (messages: unknown[], chat: Record<string, unknown> = { name: 'Desk', type: 'public_supergroup', id: 42 }) =>
  JSON.stringify({ ...chat, messages }, null, 1);

describe('telegram-export: single supergroup chat with media', () => {
  let items: Item[];
  beforeAll(async () => {
    items = await collect(join(FIX, 'supergroup'), { account: 'user111111111' });
  });

  test('one record per message (plus one per edit), each sealable, positions increasing, raw = the message JSON', () => {
    expect(rejections(items)).toEqual([]);
    const ds = drafts(items);
    expect(ds.map((d) => d.kind)).toEqual(['status', 'message', 'message', 'edit', 'message', 'message', 'message', 'message']);
    for (const d of ds) expect(() => sealEnvelope(d)).not.toThrow();
    items.forEach((item, i) => i > 0 && expect(item.position).toBeGreaterThan(items[i - 1].position));
    const file = readFileSync(join(FIX, 'supergroup', 'result.json'));
    for (const item of items) {
      // an edit record shares its message's bytes and sits one past the message's offset
      const at = (item.result as EnvelopeDraft).kind === 'edit' ? item.position - 1 : item.position;
      expect(file.subarray(at, at + item.raw.body.length).equals(item.raw.body)).toBe(true);
    }
    expect(JSON.parse(items[1].raw.body.toString())).toMatchObject({ id: 2, from: 'Bob Smith' });
    expect(ds[1].source).toMatchObject({
      connector: 'telegram-export',
      externalId: 'telegram:1234567890:2',
      raw: { contentType: 'application/json', encoding: 'utf8' },
    });
  });

  test('service message: kind status under its actor, the action as data and no made-up text', () => {
    const jane = { kind: 'handle', value: 'user111111111', platformId: 'user111111111', displayName: 'Jane Trader' };
    const created = drafts(items)[0];
    expect(created).toMatchObject({
      kind: 'status',
      sender: jane,
      recipients: [],
      conversation: { id: 'telegram:1234567890', type: 'group', title: 'ACME Desk' },
      sentAt: '2023-12-31T21:40:00.000Z',
    });
    expect(created.content).toEqual({
      format: 'telegram/service/create_group',
      action: { type: 'create_group', actor: jane, title: 'ACME Desk', details: { members: ['Jane Trader', 'Bob Smith'] } },
    });
  });

  test('text arrays with entity objects are joined; entities kept; reply and edit refs; direction from the account', () => {
    const [, question, answer, edit] = drafts(items);
    expect(question).toMatchObject({
      direction: 'inbound',
      recipients: [{ value: 'user111111111' }],
      content: { text: 'Can you buy 500 ACME at market?', format: 'telegram/text' },
    });
    expect(question.content!.entities).toBeUndefined();
    // the message keeps its send time and says when it was last edited; the edit record is dated at the edit
    expect(answer).toMatchObject({
      direction: 'outbound',
      recipients: [],
      content: { text: 'Done, filled at 101.20 see https://example.com/fill @bobsmith' },
      refs: { replyTo: 'telegram:1234567890:2', editedAt: '2023-12-31T21:45:30.000Z' },
      sentAt: '2023-12-31T21:42:00.000Z',
    });
    expect(answer.content!.entities).toContainEqual({ type: 'bold', text: 'filled at 101.20' });
    expect(edit).toMatchObject({
      kind: 'edit',
      sentAt: '2023-12-31T21:45:30.000Z',
      source: { externalId: 'telegram:1234567890:3:edited:1704059130' },
      refs: { edits: 'telegram:1234567890:3', originalSentAt: '2023-12-31T21:42:00.000Z' },
      content: { text: answer.content!.text, format: 'telegram/edited' },
    });
    expect(items[3].position).toBe(items[2].position + 1);
  });

  test('photo and voice files of the export are attachments with files; a file not included has none', () => {
    const photo = items[4];
    const pd = photo.result as EnvelopeDraft;
    expect(pd.attachments).toEqual([{ id: 'telegram:1234567890:4:photo', kind: 'image', mimeType: 'image/jpeg', fileName: 'photo_1@31-12-2023_21-43-00.jpg' }]);
    expect(pd.content).toMatchObject({ text: 'Signed term sheet', format: 'telegram/photo' });
    expect(photo.files).toEqual({ 'telegram:1234567890:4:photo': join(FIX, 'supergroup', 'photos', 'photo_1@31-12-2023_21-43-00.jpg') });
    const voice = items[5];
    expect((voice.result as EnvelopeDraft).attachments).toEqual([
      { id: 'telegram:1234567890:5:file', kind: 'voice', mimeType: 'audio/ogg', fileName: 'audio_1@31-12-2023_21-44-00.ogg' },
    ]);
    expect(Object.keys(voice.files!)).toEqual(['telegram:1234567890:5:file']);
    const missing = items[6];
    expect((missing.result as EnvelopeDraft).attachments).toEqual([
      { id: 'telegram:1234567890:6:file', kind: 'document', mimeType: 'application/pdf', fileName: 'statement-q3.pdf' },
    ]);
    expect(missing.files).toBeUndefined();
  });

  test('a deleted account (from: null) keeps its id, without a display name', () => {
    expect(drafts(items).at(-1)!.sender).toEqual({ kind: 'handle', value: 'user333333333', platformId: 'user333333333' });
  });

  test('total() is the byte size of result.json', async () => {
    expect(await telegramExport.total!(join(FIX, 'supergroup'))).toBe(readFileSync(join(FIX, 'supergroup', 'result.json')).length);
  });

  test('JSON is not line-based: items carry no lines and the importer counts none (custody import accounts no lines for it)', () => {
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.lines !== undefined)).toEqual([]);
    expect(telegramExport.lineCount).toBeUndefined();
  });
});

describe('telegram-export: full account export', () => {
  test('chats.list and left_chats.list are read; the account comes from personal_information; other sections are skipped', async () => {
    const items = await collect(join(FIX, 'full-export.json'));
    expect(rejections(items)).toEqual([]);
    const ds = drafts(items);
    expect(ds.map((d) => [d.kind, d.conversation.id, d.content!.text])).toEqual([
      ['message', 'telegram:user111111111:222222222', 'Morning Jane'],
      ['message', 'telegram:user111111111:222222222', 'Morning Bob'],
      ['call', 'telegram:user111111111:222222222', undefined],
      ['message', 'telegram:user111111111:111111111', 'note to self'],
      ['message', 'telegram:987654321', 'channel post'],
    ]);
    const me = { kind: 'handle', value: 'user111111111', platformId: 'user111111111', displayName: 'Jane Trader' };
    const bob = { kind: 'handle', value: 'user222222222', platformId: 'user222222222', displayName: 'Bob Smith' };
    expect(ds[0]).toMatchObject({
      direction: 'inbound',
      recipients: [me],
      conversation: { type: 'direct', title: 'Bob Smith' },
      source: { accountId: 'user111111111' },
    });
    expect(ds[1]).toMatchObject({ direction: 'outbound', recipients: [bob] });
    expect(ds[2]).toMatchObject({ sender: bob, recipients: [me], direction: 'inbound', call: { status: 'hangup', durationSec: 42, from: bob, to: me } });
    expect(ds[3]).toMatchObject({ recipients: [], conversation: { type: 'direct' } });
    expect(ds[4].conversation.type).toBe('channel');
  });
});

describe('telegram-export: calls', () => {
  const jane = { kind: 'handle', value: 'user111111111', platformId: 'user111111111' };
  const bob = { kind: 'handle', value: 'user222222222', platformId: 'user222222222', displayName: 'Bob Smith' };

  test('phone_call: kind call between caller and callee, status from discard_reason, duration from duration_seconds, direction from the account', async () => {
    const items = await collect(join(FIX, 'calls.json'), { account: 'user111111111' });
    expect(rejections(items)).toEqual([]);
    const ds = drafts(items);
    for (const d of ds) expect(() => sealEnvelope(d)).not.toThrow();
    expect(ds.map((d) => d.kind)).toEqual(['call', 'call', 'call']);
    const [missed, answered, noReason] = ds;
    expect(missed).toMatchObject({
      sender: { ...jane, displayName: 'Jane Trader' },
      recipients: [bob],
      direction: 'outbound',
      sentAt: '2024-02-01T10:00:00.000Z',
    });
    expect(missed.call).toEqual({ status: 'missed', from: { ...jane, displayName: 'Jane Trader' }, to: bob });
    expect(answered).toMatchObject({ sender: bob, recipients: [jane], direction: 'inbound' });
    expect(answered.call).toEqual({ status: 'hangup', durationSec: 315, from: bob, to: jane });
    expect(noReason.call).toMatchObject({ status: 'unknown', durationSec: 12 });
    expect(missed.content).toEqual({ format: 'telegram/service/phone_call' });
  });

  test('a phone_call without its caller, or outside a private chat, is rejected alone', async () => {
    const call = { id: 1, type: 'service', date_unixtime: '1706781600', action: 'phone_call', duration_seconds: 5, text: '' };
    const inGroup = await collect(tempJson(chatJson([{ ...call, actor_id: 'user2' }, message(2)])));
    expect(inGroup.map((i) => (isRejected(i.result) ? i.result.code : i.result.kind))).toEqual(['call_party_unknown', 'message']);
    const anonymous = await collect(tempJson(chatJson([call], { name: 'Bob', type: 'personal_chat', id: 2 })), { account: '1' });
    expect(rejections(anonymous).map((r) => r.code)).toEqual(['call_party_unknown']);
  });
});

describe('telegram-export: service messages', () => {
  let ds: EnvelopeDraft[];
  beforeAll(async () => {
    const items = await collect(join(FIX, 'service-messages.json'), { account: 'user111111111' });
    expect(rejections(items)).toEqual([]);
    ds = drafts(items);
    for (const d of ds) expect(() => sealEnvelope(d)).not.toThrow();
  });
  const jane = { kind: 'handle', value: 'user111111111', platformId: 'user111111111', displayName: 'Jane Trader' };
  const byId = (id: number) => ds.find((d) => d.source.externalId === `telegram:user111111111:555000111:${id}`)!;

  test('no service message gets made-up text; each keeps its vendor action as content.action', () => {
    for (const d of ds.filter((d) => d.kind === 'status')) {
      expect(d.content!.action!.type).toBe(d.content!.format!.replace('telegram/service/', ''));
      expect(d.content!.text === undefined || d.content!.text === 'Desk Bot set the quote feed to EUR').toBe(true);
    }
  });

  test('pin: the pinned message is the target, by its record id', () => {
    expect(byId(11)).toMatchObject({ kind: 'status', sender: jane, recipients: [], direction: 'unknown' });
    expect(byId(11).content).toEqual({
      format: 'telegram/service/pin_message',
      action: { type: 'pin_message', actor: jane, targetMessageId: 'telegram:user111111111:555000111:10' },
    });
  });

  test('members the export names only by display name (null for a deleted account) stay in the details as given', () => {
    expect(byId(12).content!.action).toEqual({ type: 'invite_members', actor: jane, details: { members: ['Carol White', null] } });
    expect(byId(13).content!.action).toEqual({ type: 'remove_members', actor: jane, details: { members: ['Bob Smith'] } });
  });

  test('title changes carry the new title; a new group photo is an attachment, its other fields details', () => {
    expect(byId(14).content!.action).toEqual({ type: 'edit_group_title', actor: jane, title: 'Rates Desk (EU)' });
    expect(byId(15).content!.action).toEqual({ type: 'edit_group_photo', actor: jane, details: { width: 640, height: 640 } });
    expect(byId(15).attachments).toEqual([{ id: 'telegram:user111111111:555000111:15:photo', kind: 'image', mimeType: 'image/jpeg' }]);
    expect(byId(17).content!.action).toEqual({ type: 'migrate_to_supergroup', actor: jane });
  });

  test('group_call: a call from the member who started it to the group, with its duration', () => {
    const carol = { kind: 'handle', value: 'user444444444', platformId: 'user444444444', displayName: 'Carol White' };
    const group = { kind: 'handle', value: 'chat555000111', platformId: 'chat555000111', displayName: 'Rates Desk' };
    expect(byId(16)).toMatchObject({
      kind: 'call',
      sender: carol,
      recipients: [{ value: 'user111111111' }],
      call: { status: 'ended', durationSec: 1800, from: carol, to: group },
    });
  });

  test('a custom service text is the vendor text; an action without actor is archived under Telegram', () => {
    expect(byId(18).content).toMatchObject({
      text: 'Desk Bot set the quote feed to EUR',
      format: 'telegram/service/custom_action',
      action: { type: 'custom_action' },
    });
    expect(byId(19)).toMatchObject({ sender: { value: 'telegram' } });
    expect(byId(19).content!.action).toEqual({
      type: 'send_payment',
      targetMessageId: 'telegram:user111111111:555000111:10',
      details: { amount: 500, currency: 'USD' },
    });
  });
});

describe('telegram-export: damaged and hostile input', () => {
  test('one bad message is rejected with its location; the others go through', async () => {
    const path = tempJson(
      chatJson([
        message(1),
        { ...message(2), date_unixtime: 'yesterday' },
        { id: 3, type: 'message', from_id: 'user2' },
        message(4, { text: ['a', { type: 'bold' }] }),
        message(5),
      ]),
    );
    const items = await collect(path);
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : i.result.content!.text))).toEqual([
      'message 1',
      'schema_violation',
      'missing_date',
      'schema_violation',
      'message 5',
    ]);
    const bad = rejections(items);
    expect(bad[0].path).toMatch(/^messages\.1 \(byte \d+\)$/);
    expect(bad[0].reason).toContain('date_unixtime');
    expect(JSON.parse(items[1].raw.body.toString())).toMatchObject({ id: 2, date_unixtime: 'yesterday' });
  });

  test('a "__proto__" key inside a message rejects that message only', async () => {
    const text = chatJson([message(1), message(2), message(3)]).replace('"id": 2,', '"id": 2, "__proto__": {"polluted": true},');
    const items = await collect(tempJson(text));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['ok', 'forbidden_key', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('far-future dates (message and edit) and a date before 1970 are rejected', async () => {
    const items = await collect(
      tempJson(chatJson([message(1, { date_unixtime: '4102444800' }), message(2, { edited_unixtime: '4102444800' }), message(3, { date_unixtime: '0' })])),
    );
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['timestamp_in_future', 'timestamp_in_future', 'bad_timestamp']);
  });

  test('a truncated file: every complete message goes through, the cut one is quarantined with its bytes', async () => {
    const full = chatJson([message(1), message(2), message(3)]);
    const cut = full.slice(0, full.indexOf('"id": 3') + 20);
    const items = await collect(tempJson(cut));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['ok', 'ok', 'truncated_json']);
    expect(items[2].raw.body.toString()).toBe(cut.slice(cut.lastIndexOf('{')));
    expect(rejections(items)[0].reason).toMatch(/ends at byte \d+ inside messages\.2/);
  });

  test('broken structure between messages stops reading there, after archiving what came before', async () => {
    const broken = chatJson([message(1), message(2)]).replace(/\}\s*,\s*\{\s*"id": 2/, '} ; {"id": 2');
    const items = await collect(tempJson(broken));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['ok', 'malformed_json']);
    expect(rejections(items)[0].reason).toMatch(/expected "," or "\]"; nothing after byte \d+ was read/);
  });

  test('a private chat without --account or personal_information is refused before any record', async () => {
    const path = tempJson(chatJson([message(1)], { name: 'Bob', type: 'personal_chat', id: 2 }));
    await expect(collect(path)).rejects.toMatchObject({ code: 'account_required' });
    expect(drafts(await collect(path, { account: '7' }))[0].conversation.id).toBe('telegram:user7:2');
  });

  test('an old export without *_unixtime reads "date" and "edited" in --timezone', async () => {
    const old = message(1, { date: '2020-07-01T12:00:00', edited: '2020-07-01T12:30:00' });
    delete (old as Record<string, unknown>).date_unixtime;
    const items = await collect(tempJson(chatJson([old, { ...old, id: 2, date: '2020-02-30T12:00:00' }])), { timezone: 'Europe/Paris' });
    expect(rejections(items).map((r) => r.code)).toEqual(['bad_date']);
    const ds = drafts(items);
    expect(ds.map((d) => [d.kind, d.sentAt])).toEqual([
      ['message', '2020-07-01T10:00:00.000Z'],
      ['edit', '2020-07-01T10:30:00.000Z'],
    ]);
    expect(ds.map((d) => d.refs)).toEqual([{ editedAt: '2020-07-01T10:30:00.000Z' }, { edits: 'telegram:42:1', originalSentAt: '2020-07-01T10:00:00.000Z' }]);
    expect(ds[1].source.externalId).toBe('telegram:42:1:edited:2020-07-01T12:30:00');
  });

  test('an old export without *_unixtime and without --timezone stops the import at its first local time, never reading it as UTC', async () => {
    const old = message(2, { date: '2020-07-01T12:00:00' });
    delete (old as Record<string, unknown>).date_unixtime;
    const seen: Item[] = [];
    const read = async () => {
      for await (const item of telegramExport.read(tempJson(chatJson([message(1), old])), { tenant: 'acme', receivedAt: RECEIVED_AT })) seen.push(item as Item);
    };
    await expect(read()).rejects.toMatchObject({
      code: 'timezone_required',
      message: expect.stringMatching(/messages\.1 \(byte \d+\)\.date is a local time .*pass --timezone/),
    });
    expect(drafts(seen).map((d) => d.source.externalId)).toEqual(['telegram:42:1']);
  });

  test('media paths cannot leave the export folder', async () => {
    const items = await collect(tempJson(chatJson([message(1, { photo: '../../../etc/hostname' }), message(2, { file: '/etc/hostname' })])));
    expect(items.map((i) => i.files)).toEqual([undefined, undefined]);
  });

  test('an empty file is a truncated document', async () => {
    const items = await collect(tempJson(''));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['truncated_json']);
  });
});

describe('JsonSlicer', () => {
  const slices = (json: string, chunk: number, want: (p: JsonPath) => 'descend' | 'capture' | 'skip') => {
    const s = new JsonSlicer(want);
    const out: Array<[string, string]> = [];
    const bytes = Buffer.from(json);
    for (let i = 0; i < bytes.length; i += chunk) for (const x of s.feed(bytes.subarray(i, i + chunk))) out.push([x.path.join('.'), x.bytes.toString()]);
    for (const x of s.end()) out.push([x.path.join('.'), x.bytes.toString()]);
    return out;
  };
  const json = '{"skip": {"messages": [1]}, "a\\"b": "x", "messages": [ {"t": "}]\\"{"}, [1, [2]], "é", 12.5e3, true, null ], "n": -1}';
  const want = (p: JsonPath) =>
    p.length === 0 || (p.length === 1 && p[0] === 'messages')
      ? 'descend'
      : p.length === 2 && p[0] === 'messages'
        ? 'capture'
        : p[0] === 'n'
          ? 'capture'
          : 'skip';

  test.each([1, 2, 7, 1000])('returns exact value bytes whatever the chunking (%i-byte chunks)', (chunk) => {
    expect(slices(json, chunk, want)).toEqual([
      ['messages.0', '{"t": "}]\\"{"}'],
      ['messages.1', '[1, [2]]'],
      ['messages.2', '"é"'],
      ['messages.3', '12.5e3'],
      ['messages.4', 'true'],
      ['messages.5', 'null'],
      ['n', '-1'],
    ]);
  });

  test.each([['{"a": 1,}'], ['{"a" 1}'], ['[1 2]'], ['{} {}'], ['{"messages": [}']])('rejects malformed structure %s', (bad) => {
    expect(() => slices(bad, 3, want)).toThrow(expect.objectContaining({ code: 'malformed_json' }));
  });
});
