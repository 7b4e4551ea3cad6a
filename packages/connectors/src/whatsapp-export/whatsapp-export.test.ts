import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineAccounting, isRejected, type ImportContext, type ImportItem, type RejectedEvent } from '@custody/connector-kit';
import { sealEnvelope, type EnvelopeDraft } from '@custody/envelope';
import { getImporter, importerIds } from '../registry';
import { whatsappExport } from './index';

const FIX = join(__dirname, 'fixtures');
const RECEIVED_AT = new Date('2025-06-01T12:00:00.000Z');
const NNBSP = '\u202f';

type Item = ImportItem & { raw: { contentType: string; body: Buffer } };

async function collect(path: string, ctx: Partial<ImportContext> = {}): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of whatsappExport.read(path, { tenant: 'acme', receivedAt: RECEIVED_AT, timezone: 'UTC', ...ctx })) items.push(item as Item);
  return items;
}
const drafts = (items: Item[]) => items.map((i) => i.result).filter((r): r is EnvelopeDraft => !isRejected(r));
const rejections = (items: Item[]): RejectedEvent[] => items.map((i) => i.result).filter((r): r is RejectedEvent => isRejected(r));

function tempExport(text: string | Buffer, name = 'chat.txt'): string {
  const dir = mkdtempSync(join(tmpdir(), 'wa-export-test-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('whatsapp-export: Android en-US (M/D/YY, 12-hour with U+202F)', () => {
  let items: Item[];
  beforeAll(async () => {
    items = await collect(join(FIX, 'android-en-us.txt'), { account: 'Jane Trader' });
  });

  test('every line is accounted for: raw bytes of the items rebuild the file, positions increase', () => {
    const file = readFileSync(join(FIX, 'android-en-us.txt'));
    const distinct = items.filter((item, i) => i === 0 || item.raw.body !== items[i - 1].raw.body);
    expect(Buffer.concat(distinct.map((i) => i.raw.body)).equals(file)).toBe(true);
    items.forEach((item, i) => i > 0 && expect(item.position).toBeGreaterThan(items[i - 1].position));
    expect(rejections(items)).toEqual([]);
    for (const d of drafts(items)) expect(() => sealEnvelope(d)).not.toThrow();
  });

  test('system notices are archived as kind status under the WhatsApp participant', () => {
    const [encryption, created, added] = drafts(items);
    expect(encryption).toMatchObject({
      kind: 'status',
      sender: { kind: 'handle', value: 'whatsapp' },
      recipients: [],
      direction: 'unknown',
      sentAt: '2023-12-30T09:02:00.000Z',
    });
    expect(encryption.content).toEqual({ text: expect.stringMatching(/^Messages and calls are end-to-end encrypted/), format: 'whatsapp-export/system' });
    expect(created.content!.text).toBe('Jane Trader created group "ACME desk"');
    expect(added.content!.text).toContain('added');
  });

  test('multi-line messages keep their lines; the phone-number sender is E.164; the account is outbound', () => {
    const plan = drafts(items).find((d) => d.content?.text?.startsWith('Morning all'))!;
    expect(plan.content!.text).toBe('Morning all. Plan for today:\n1. close the ACME position\n2. call the client\n\nThanks');
    expect(plan).toMatchObject({
      kind: 'message',
      direction: 'outbound',
      sender: { kind: 'handle', value: 'Jane Trader' },
      sentAt: '2023-12-30T09:15:00.000Z',
    });
    expect(plan.conversation.type).toBe('group');
    const client = drafts(items).find((d) => d.content?.text === 'Can you buy 500 ACME at market?')!;
    expect(client.sender).toEqual({ kind: 'phone', value: '+16505551234' });
    expect(client.direction).toBe('inbound');
    expect(client.recipients).toEqual(expect.arrayContaining([{ kind: 'handle', value: 'Jane Trader', displayName: 'Jane Trader' }]));
    expect(client.source).toMatchObject({
      connector: 'whatsapp-export',
      accountId: 'Jane Trader',
      raw: { contentType: 'text/plain; charset=utf-8', encoding: 'utf8' },
    });
    expect((client.source.raw as { body: string }).body).toBe('12/30/23, 9:16\u202fAM - \u202a+1 650-555-1234\u202c: Can you buy 500 ACME at market?\n');
  });

  test('<Media omitted> is a message with an attachment of unknown kind and no file', () => {
    const item = items.find((i) => !isRejected(i.result) && i.result.content?.format === 'whatsapp-export/media')!;
    expect((item.result as EnvelopeDraft).attachments).toEqual([{ id: expect.any(String), kind: 'other' }]);
    expect(item.files).toBeUndefined();
  });

  test('deleted placeholders are deletions with no target; "You deleted" too', () => {
    const deletions = drafts(items).filter((d) => d.kind === 'deletion');
    expect(deletions.map((d) => d.content!.text)).toEqual(['This message was deleted', 'You deleted this message']);
    for (const d of deletions) expect(d.refs).toBeUndefined();
  });

  test('an edited message is archived with its final text plus an edit record pointing at it', () => {
    const i = items.findIndex((x) => !isRejected(x.result) && x.result.kind === 'edit');
    const message = items[i - 1].result as EnvelopeDraft;
    const edit = items[i].result as EnvelopeDraft;
    expect(message).toMatchObject({ kind: 'message', content: { text: 'Done at 101.20' } });
    expect(edit).toMatchObject({
      kind: 'edit',
      content: { text: 'Done at 101.20', format: 'whatsapp-export/edited' },
      refs: { edits: message.source.externalId },
    });
    expect(items[i].position).toBe(items[i - 1].position + 1);
  });

  test('identical lines in the same minute stay two records; 12:00 AM is midnight', () => {
    const twins = drafts(items).filter((d) => d.content?.text === 'Happy new year');
    expect(twins).toHaveLength(2);
    expect(twins[0].source.externalId).not.toBe(twins[1].source.externalId);
    expect(twins[0].sentAt).toBe('2023-12-31T23:59:00.000Z');
    expect(drafts(items).at(-1)!.sentAt).toBe('2024-01-01T00:00:00.000Z');
  });

  test('external ids are stable across runs, and the --timezone does not change them', async () => {
    const again = await collect(join(FIX, 'android-en-us.txt'), { account: 'Jane Trader', timezone: 'America/New_York' });
    expect(drafts(again).map((d) => d.source.externalId)).toEqual(drafts(items).map((d) => d.source.externalId));
    expect(drafts(again)[3].sentAt).toBe('2023-12-30T14:15:00.000Z');
  });
});

describe('whatsapp-export: iOS folder with _chat.txt and media', () => {
  test('bracketed headers, LRM notices, attached media with its file, omitted media, edit and deletion', async () => {
    const dir = join(FIX, 'WhatsApp Chat - Bob Smith');
    const items = await collect(dir, { account: 'Alice Jones', timezone: 'Europe/London' });
    expect(rejections(items)).toEqual([]);
    const ds = drafts(items);
    expect(ds.map((d) => d.kind)).toEqual(['status', 'message', 'message', 'message', 'message', 'status', 'deletion', 'message', 'edit']);
    expect(ds[0].conversation).toEqual({ id: 'whatsapp-export:Alice Jones:Bob Smith', type: 'direct', title: 'Bob Smith' });
    const photo = items.find((i) => i.files)!;
    const draft = photo.result as EnvelopeDraft;
    expect(draft.attachments).toEqual([{ id: expect.any(String), kind: 'image', mimeType: 'image/jpeg', fileName: '00000012-PHOTO-2023-12-31-21-41-05.jpg' }]);
    expect(photo.files).toEqual({ [draft.attachments![0].id]: join(dir, '00000012-PHOTO-2023-12-31-21-41-05.jpg') });
    expect(draft).toMatchObject({
      direction: 'inbound',
      sender: { value: 'Bob Smith' },
      recipients: [{ kind: 'handle', value: 'Alice Jones' }],
      sentAt: '2023-12-31T21:41:05.000Z',
    });
    expect(ds[4].attachments).toEqual([{ id: expect.any(String), kind: 'image' }]);
    expect(ds[5].content).toEqual({ text: 'Missed voice call', format: 'whatsapp-export/system' });
    expect(ds[6]).toMatchObject({ kind: 'deletion', direction: 'outbound', content: { text: 'This message was deleted.' } });
    expect(ds[8]).toMatchObject({ refs: { edits: ds[7].source.externalId }, content: { text: 'Final price 99.5' } });
  });

  test('a .txt named after the chat, with a file attached and its caption; a voice note whose file is missing', async () => {
    const items = await collect(join(FIX, 'android-media'));
    const ds = drafts(items);
    expect(ds[1]).toMatchObject({ content: { text: 'Chart for the meeting', format: 'whatsapp-export/media' }, conversation: { title: 'Dan Brown' } });
    expect(ds[1].attachments).toEqual([
      { id: expect.any(String), kind: 'image', mimeType: 'image/jpeg', fileName: 'IMG-20240113-WA0001.jpg', caption: 'Chart for the meeting' },
    ]);
    expect(Object.values(items[1].files!)).toEqual([join(FIX, 'android-media', 'IMG-20240113-WA0001.jpg')]);
    expect(ds[2].attachments![0]).toMatchObject({ kind: 'voice', fileName: 'PTT-20240113-WA0002.opus' });
    expect(items[2].files).toBeUndefined();
    expect(ds[0].sentAt).toBe('2024-01-13T08:00:00.000Z');
  });

  test('a placeholder never reaches a file outside the export folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wa-escape-'));
    writeFileSync(join(root, 'secret.jpg'), 'not part of the export');
    mkdirSync(join(root, 'export'));
    writeFileSync(
      join(root, 'export', '_chat.txt'),
      '[01/02/2024, 10:00:00] Eve: \u200e<attached: ../secret.jpg>\n[01/02/2024, 10:00:01] Eve: /etc/hosts (file attached)\n',
    );
    const items = await collect(join(root, 'export'), { dateOrder: 'dmy' });
    expect(items.map((i) => i.files)).toEqual([undefined, undefined]);
    expect(drafts(items)[0].attachments![0].fileName).toBe('../secret.jpg');
  });

  test('a folder with several unrelated .txt files is refused with a clear reason', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wa-ambiguous-'));
    writeFileSync(join(root, 'a.txt'), '');
    writeFileSync(join(root, 'b.txt'), '');
    await expect(collect(root)).rejects.toMatchObject({ code: 'chat_file_not_found', message: expect.stringContaining('a.txt, b.txt') });
  });
});

describe('whatsapp-export: locale date formats', () => {
  test('D.M.YY 24-hour with CRLF line ends (de-DE)', async () => {
    const ds = drafts(await collect(join(FIX, 'android-de.txt')));
    expect(ds.map((d) => d.sentAt)).toEqual(['2023-12-31T21:41:00.000Z', '2023-12-31T21:42:00.000Z', '2024-01-01T00:05:00.000Z']);
    expect(ds[1].content!.text).toBe('Ok, erledigt\nZweite Zeile');
    expect(ds[0].sender).toEqual({ kind: 'handle', value: 'Max Müller', displayName: 'Max Müller' });
  });

  test.each([
    [
      'a later day > 12 makes the whole file D/M',
      '05/01/2024, 10:00 - A: x\n13/01/2024, 10:00 - A: y\n',
      ['2024-01-05T10:00:00.000Z', '2024-01-13T10:00:00.000Z'],
    ],
    [
      'a later second field > 12 makes the whole file M/D',
      '05/01/2024, 10:00 AM - A: x\n05/13/2024, 10:00 PM - A: y\n',
      ['2024-05-01T10:00:00.000Z', '2024-05-13T22:00:00.000Z'],
    ],
    [
      'dotted dates decide like slashed ones (de-DE)',
      '05.01.24, 10:00 - A: x\n13.01.24, 10:00 - A: y\n',
      ['2024-01-05T10:00:00.000Z', '2024-01-13T10:00:00.000Z'],
    ],
    ['dates that read the same either way need no decision', '05/05/24, 10:00 - A: x\n', ['2024-05-05T10:00:00.000Z']],
    ['year-first dates (sv-SE)', '2024-01-05 10:00 - A: x\n', ['2024-01-05T10:00:00.000Z']],
    [
      'iOS 12-hour with seconds and U+202F',
      `[1/13/24, 12:30:15${NNBSP}PM] A: x\n[1/13/24, 12:05:00${NNBSP}AM] A: y\n`,
      ['2024-01-13T12:30:15.000Z', '2024-01-13T00:05:00.000Z'],
    ],
    ['lower-case a.m./p.m. (en-AU)', '13/1/24, 9:41 p.m. - A: x\n', ['2024-01-13T21:41:00.000Z']],
  ])('%s', async (_name, text, sentAts) => {
    expect(drafts(await collect(tempExport(text))).map((d) => d.sentAt)).toEqual(sentAts);
  });

  test('local times follow --timezone, including its DST offset', async () => {
    const path = tempExport('15/01/2024, 10:00 - A: winter\n15/07/2024, 10:00 - A: summer\n');
    expect(drafts(await collect(path, { timezone: 'Europe/Berlin' })).map((d) => d.sentAt)).toEqual(['2024-01-15T09:00:00.000Z', '2024-07-15T08:00:00.000Z']);
  });

  test('an unknown time zone refuses the whole import before any item', async () => {
    await expect(collect(tempExport('15/01/2024, 10:00 - A: x\n'), { timezone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'invalid_timezone' });
  });
});

describe('whatsapp-export: date order is decided from the whole file, never guessed', () => {
  const DATES = join(FIX, 'date-order');
  const sentAts = async (file: string, ctx: Partial<ImportContext> = {}) => drafts(await collect(join(DATES, file), ctx)).map((d) => d.sentAt);

  test('a day above 12 anywhere in the file makes every date day first', async () => {
    expect(await sentAts('dmy-decided-by-day.txt')).toEqual(['2024-01-05T09:00:00.000Z', '2024-01-06T09:30:00.000Z', '2024-01-13T17:45:00.000Z']);
  });

  test('a second number above 12 makes every date month first', async () => {
    expect(await sentAts('mdy-decided-by-day.txt')).toEqual(['2024-01-05T09:00:00.000Z', '2024-01-06T09:30:00.000Z', '2024-01-13T17:45:00.000Z']);
  });

  test('with no day above 12, a media file named after its date decides (Android IMG-YYYYMMDD-WA…, iOS …-PHOTO-YYYY-MM-DD-…)', async () => {
    expect(await sentAts('dmy-by-android-attachment.txt')).toEqual(['2024-03-05T10:00:00.000Z', '2024-03-05T10:01:00.000Z', '2024-03-06T11:00:00.000Z']);
    expect(await sentAts('mdy-by-ios-attachment.txt')).toEqual(['2024-03-05T10:00:00.000Z', '2024-03-05T10:01:00.000Z', '2024-03-06T11:00:00.000Z']);
  });

  test('a file that cannot tell is refused as a whole, naming a line, both readings and --date-order', async () => {
    const refusal = collect(join(DATES, 'ambiguous.txt'));
    await expect(refusal).rejects.toMatchObject({ code: 'date_order_ambiguous' });
    await expect(refusal).rejects.toThrow('line 1 writes 05/01/2024, which is 2024-01-05 day first or 2024-05-01 month first');
    await expect(refusal).rejects.toThrow('pass --date-order dmy (day first) or --date-order mdy (month first)');
  });

  test('--date-order settles an undecidable file', async () => {
    expect(await sentAts('ambiguous.txt', { dateOrder: 'dmy' })).toEqual(['2024-01-05T09:00:00.000Z', '2024-01-06T09:30:00.000Z']);
    expect(await sentAts('ambiguous.txt', { dateOrder: 'mdy' })).toEqual(['2024-05-01T09:00:00.000Z', '2024-06-01T09:30:00.000Z']);
  });

  test('an attachment date that fits only the other order is a contradiction, refused', async () => {
    const refusal = collect(join(DATES, 'contradiction.txt'));
    await expect(refusal).rejects.toMatchObject({ code: 'date_order_contradiction' });
    await expect(refusal).rejects.toThrow(
      /line 1 writes 13\/01\/2024, so dates are day first, but line 2 \(03\/05\/2024\) has attachment IMG-20240305-WA0001\.jpg, dated 2024-03-05, which fits its date only month first/,
    );
  });

  test('days above 12 in both positions are refused; with --date-order the impossible lines alone are rejected', async () => {
    await expect(collect(join(DATES, 'conflict.txt'))).rejects.toMatchObject({
      code: 'date_order_conflict',
      message: expect.stringContaining('line 1 writes 13/01/2024 (possible only day first) but line 2 writes 01/13/2024 (possible only month first)'),
    });
    const items = await collect(join(DATES, 'conflict.txt'), { dateOrder: 'dmy' });
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : i.result.sentAt))).toEqual(['2024-01-13T09:00:00.000Z', 'bad_date']);
  });

  test('a file downloaded days after its message matches neither reading and decides nothing', async () => {
    const late = tempExport('05/01/2024, 10:00 - A: IMG-20240109-WA0001.jpg (file attached)\n');
    await expect(collect(late)).rejects.toMatchObject({ code: 'date_order_ambiguous' });
  });
});

describe('whatsapp-export: --timezone is required', () => {
  test('without it the import is refused before any item, with an example zone', async () => {
    const refusal = collect(join(FIX, 'android-de.txt'), { timezone: undefined });
    await expect(refusal).rejects.toMatchObject({ code: 'timezone_required', retriable: false });
    await expect(refusal).rejects.toThrow(/pass --timezone .*e\.g\. --timezone Europe\/London/);
  });

  test('wall-clock times convert with the offset in force on their day, across both DST changes', async () => {
    const ds = drafts(await collect(join(FIX, 'date-order', 'dst-europe-london.txt'), { timezone: 'Europe/London' }));
    expect(ds.map((d) => [d.content!.text, d.sentAt])).toEqual([
      ['winter time, UTC+0', '2024-03-30T12:00:00.000Z'],
      ['before the clocks go forward', '2024-03-31T00:30:00.000Z'],
      // 01:30 does not exist that night in London: it moves forward by the skipped hour
      ['in the skipped hour', '2024-03-31T01:30:00.000Z'],
      ['summer time, UTC+1', '2024-03-31T01:30:00.000Z'],
      ['still summer time', '2024-10-26T23:30:00.000Z'],
      ['winter time again', '2024-10-27T02:30:00.000Z'],
    ]);
  });
});

describe('whatsapp-export: damaged input', () => {
  test('bad lines are rejected one by one with a precise location; their neighbours go through', async () => {
    const lines = [
      'Exported by a tool that added a banner', // before any header
      '12/30/23, 9:00 AM - A: first',
      '12/30/23, 13:05 PM - A: not a 12-hour time', // bad_time
      '02/30/23, 9:01 AM - A: the 30th of February', // bad_date
      '12/30/23, 9:02 AM A: missing separator', // malformed_header
      '12/30/23, 9:03 AM - +1 555: a number that is no number', // invalid_phone
      '12/30/99, 9:04 AM - A: 2099 is far in the future', // timestamp_in_future
      '12/30/23, 9:05 AM - A: last',
      '',
    ];
    const text = lines.join('\n');
    const at = (lineNo: number) =>
      `line ${lineNo} (byte ${Buffer.byteLength(
        lines
          .slice(0, lineNo - 1)
          .map((l) => `${l}\n`)
          .join(''),
      )})`;
    const items = await collect(tempExport(text));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : i.result.content!.text))).toEqual([
      'no_message_header',
      'first',
      'bad_time',
      'bad_date',
      'malformed_header',
      'invalid_phone',
      'timestamp_in_future',
      'last',
    ]);
    const rejected = rejections(items);
    expect(rejected.map((r) => r.path)).toEqual([at(1), at(3), at(4), at(5), at(6), at(7)]);
    expect(at(3)).toBe('line 3 (byte 68)');
    expect(rejected[1].reason).toMatch(/hour 13 is not a 12-hour clock hour/);
    expect(rejected[4].reason).toMatch(/"\+1 555" is not a valid phone number/);
    expect(items[2].raw.body.toString()).toBe('12/30/23, 13:05 PM - A: not a 12-hour time\n');
  });

  test('invalid UTF-8 and a file cut inside a character: only the damaged message is rejected', async () => {
    const good = Buffer.from('31/12/2023, 10:00 - A: ok\n');
    const bad = Buffer.concat([Buffer.from('31/12/2023, 10:01 - A: caf'), Buffer.from([0xc3])]);
    const items = await collect(tempExport(Buffer.concat([good, bad])));
    expect(items.map((i) => (isRejected(i.result) ? i.result.code : 'ok'))).toEqual(['ok', 'not_utf8']);
    expect(items[1].raw.body.equals(bad)).toBe(true);
  });

  test('an empty file yields nothing; total() is the byte size', async () => {
    expect(await collect(tempExport(''))).toEqual([]);
    expect(await whatsappExport.total!(join(FIX, 'android-de.txt'))).toBe(readFileSync(join(FIX, 'android-de.txt')).length);
  });

  test('a continuation line that merely mentions a date stays in its message', async () => {
    const ds = drafts(await collect(tempExport('31/12/2023, 10:00 - A: deadline is\n31/01/2024 at noon\n1.2.3 10:00 deployed\n')));
    expect(ds.map((d) => d.content!.text)).toEqual(['deadline is\n31/01/2024 at noon\n1.2.3 10:00 deployed']);
  });

  test('a sender written as a phone number matches a phone --account', async () => {
    const path = tempExport('31/12/2023, 10:00 - \u202a+44 7700 900123\u202c: hi\n31/12/2023, 10:01 - Bob: hello\n');
    const ds = drafts(await collect(path, { account: '+447700900123' }));
    expect(ds.map((d) => d.direction)).toEqual(['outbound', 'inbound']);
    expect(ds[0].sender).toEqual({ kind: 'phone', value: '+447700900123', displayName: '\u202a+44 7700 900123\u202c' });
    expect(ds[1].recipients).toEqual([{ kind: 'phone', value: '+447700900123', displayName: '\u202a+44 7700 900123\u202c' }]);
    expect(ds[0].conversation.type).toBe('direct');
  });
});

describe('whatsapp-export: registry and hostile names', () => {
  test('registered beside the connectors; an unknown id is refused with the known ones', () => {
    expect(getImporter('whatsapp-export')).toBe(whatsappExport);
    expect(importerIds()).toEqual(expect.arrayContaining(['email', 'telegram-export', 'whatsapp-export']));
    expect(() => getImporter('constructor')).toThrow(
      expect.objectContaining({ code: 'unknown_importer', message: expect.stringContaining('whatsapp-export') }),
    );
  });

  test('senders named like prototype members are ordinary handles', async () => {
    const ds = drafts(await collect(tempExport('31/12/2023, 10:00 - __proto__: a\n31/12/2023, 10:01 - constructor: b\n')));
    expect(ds.map((d) => d.sender.value)).toEqual(['__proto__', 'constructor']);
    expect(ds[0].recipients).toEqual([{ kind: 'handle', value: 'constructor', displayName: 'constructor' }]);
  });
});

describe('whatsapp-export: line accounting', () => {
  const ranges = (items: Item[]) => items.map((i) => i.lines && [i.lines.first, i.lines.last]);

  /** Accounts the items' lines against the chat file's line count, as `custody import` does. */
  async function accountFor(path: string, ctx: Partial<ImportContext> = {}) {
    const items = await collect(path, ctx);
    const acc = new LineAccounting('whatsapp-export');
    for (const item of items) acc.observe(item);
    const count = await whatsappExport.lineCount!(path);
    acc.finish(count?.lines);
    return { items, acc, count };
  }

  test('each message carries its header and continuation lines; CRLF file (de-DE) exactly', async () => {
    const { items, acc, count } = await accountFor(join(FIX, 'android-de.txt'));
    expect(ranges(items)).toEqual([
      [1, 1],
      [2, 3],
      [4, 4],
    ]);
    expect(count).toEqual({ file: join(FIX, 'android-de.txt'), lines: 4 });
    expect([acc.gaps, acc.linesInItems]).toEqual([[], 4]);
  });

  test('a multi-line message with a blank line is one range; an edited message and its edit note share its line', async () => {
    const { items, acc } = await accountFor(join(FIX, 'android-en-us.txt'), { account: 'Jane Trader' });
    expect(ranges(items)).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 8],
      [9, 9],
      [10, 10],
      [11, 11],
      [12, 12],
      [12, 12],
      [13, 13],
      [14, 14],
      [15, 15],
    ]);
    expect(items[8].result).toMatchObject({ kind: 'edit' });
    expect([acc.gaps, acc.linesInItems]).toEqual([[], 15]);
  });

  test('rejected items carry their lines too: text before the first header, blank lines, a last line without a line break', async () => {
    const path = tempExport('banner of an export tool\n\n31/12/2023, 10:00 - A: x\n\n\n31/12/2023, 99:01 - A: bad time\n31/12/2023, 10:02 - A: y');
    const { items, acc, count } = await accountFor(path);
    expect(items.map((i) => [isRejected(i.result) ? i.result.code : 'ok', i.lines])).toEqual([
      ['no_message_header', { first: 1, last: 2 }],
      ['ok', { first: 3, last: 5 }],
      ['bad_time', { first: 6, last: 6 }],
      ['ok', { first: 7, last: 7 }],
    ]);
    expect(count?.lines).toBe(7);
    expect([acc.gaps, acc.linesInItems]).toEqual([[], 7]);
  });

  test.each([
    ['android-de.txt', {}],
    ['android-en-us.txt', { account: 'Jane Trader' }],
    ['WhatsApp Chat - Bob Smith', {}],
    ['android-media', {}],
    ...readdirSync(join(FIX, 'date-order')).map((name): [string, Partial<ImportContext>] => [`date-order/${name}`, { dateOrder: 'dmy' }]),
  ])('fixture %s: every line of the chat file is in an item, no gap', async (name, ctx) => {
    const { items, acc, count } = await accountFor(join(FIX, name), ctx);
    expect(count!.file).toMatch(/\.txt$/);
    const lines = readFileSync(count!.file, 'utf8').split('\n').length - 1;
    expect(count!.lines).toBe(lines);
    expect(items.length).toBeGreaterThan(0);
    expect(items[0].lines!.first).toBe(1);
    expect(items.at(-1)!.lines!.last).toBe(lines);
    expect([acc.gaps, acc.linesInItems]).toEqual([[], lines]);
  });

  test('an export folder numbers the lines of its chat .txt; an empty file has no line', async () => {
    expect(await whatsappExport.lineCount!(join(FIX, 'WhatsApp Chat - Bob Smith'))).toEqual({
      file: join(FIX, 'WhatsApp Chat - Bob Smith', '_chat.txt'),
      lines: 8,
    });
    expect(await whatsappExport.lineCount!(tempExport(''))).toEqual({ file: expect.stringMatching(/chat\.txt$/), lines: 0 });
  });
});
