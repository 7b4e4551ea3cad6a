import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineAccounting, isRejected, type ImportContext, type ImportItem, type RejectedEvent } from '@custody/connector-kit';
import { sealEnvelope, type EnvelopeDraft } from '@custody/envelope';
import { parseAddressList } from './addresses';
import { decodeWords } from './encoded-words';
import { emailImporter } from './index';
import { parseStructured } from './mime';

const FIX = join(__dirname, 'fixtures');
const RECEIVED_AT = new Date('2025-06-01T12:00:00.000Z');
const ACCOUNT = 'jane.trader@acme.example';

type Item = ImportItem & { raw: { contentType: string; body: Buffer } };
/** An item with its attachment files read while they exist (they are removed when the next item is requested). */
type Read = Item & { contents: Record<string, string> };

async function collect(path: string, ctx: Partial<ImportContext> = {}): Promise<Read[]> {
  const items: Read[] = [];
  for await (const item of emailImporter.read(path, { tenant: 'acme', receivedAt: RECEIVED_AT, account: ACCOUNT, ...ctx })) {
    const contents = Object.fromEntries(Object.entries(item.files ?? {}).map(([id, p]) => [id, readFileSync(p).toString('latin1')]));
    items.push({ ...(item as Item), contents });
  }
  return items;
}
const draft = (item: Read | undefined) => item!.result as EnvelopeDraft;
const code = (item: Read) => (isRejected(item.result) ? item.result.code : 'ok');

function tempFile(content: string | Buffer, name = 'message.eml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'email-test-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}
const eml = (headers: string, body = 'body') => `${headers.trim().replace(/\n/g, '\r\n')}\r\n\r\n${body}`;

describe('email: single .eml', () => {
  test('RFC 2047 subject and names, RFC 5322 address lists, 8bit UTF-8 body, raw kept byte for byte', async () => {
    const [item, ...more] = await collect(join(FIX, 'simple.eml'));
    expect(more).toHaveLength(0);
    const d = draft(item);
    expect(() => sealEnvelope(d)).not.toThrow();
    expect(d).toMatchObject({
      kind: 'message',
      channel: 'email',
      source: { connector: 'email', externalId: 'CAF=order-1@mail.acme.example', accountId: ACCOUNT, raw: { contentType: 'message/rfc822', encoding: 'utf8' } },
      conversation: { id: 'email:CAF=order-1@mail.acme.example', type: 'group', title: 'Order confirmation – ACME 500 shares €' },
      sender: { kind: 'email', value: 'jane.trader@acme.example', displayName: 'Jane Träder' },
      direction: 'outbound',
      sentAt: '2024-01-02T08:15:00.000Z',
      content: {
        subject: 'Order confirmation – ACME 500 shares €',
        text: 'Hi Bob,\n\nwe bought 500 ACME at 101.20 € for your account.\n\nJane',
        format: 'email/plain',
      },
    });
    expect(d.recipients).toEqual([
      { kind: 'email', value: 'bob@client.example', displayName: 'Smith, Bob' },
      { kind: 'email', value: 'carol@client.example', displayName: 'Carol White' },
      { kind: 'email', value: 'dan@acme.example' },
      { kind: 'email', value: 'eve@acme.example', displayName: 'Eve' },
    ]);
    expect((d.source.raw as { body: string }).body).toBe(readFileSync(join(FIX, 'simple.eml'), 'utf8'));
    expect(item.position).toBe(0);
    expect(d.refs).toBeUndefined();
  });

  test('nested multipart: QP iso-8859-1 plain text wins over HTML; inline image, RFC 2231 and RFC 2047 filenames become files', async () => {
    const [item] = await collect(join(FIX, 'multipart.eml'));
    const d = draft(item);
    expect(d).toMatchObject({
      sender: { value: 'max.mueller@acme.example', displayName: 'Müller, Max' },
      direction: 'inbound',
      sentAt: '2024-01-03T22:30:00.000Z',
      conversation: { id: 'email:thread-root@client.example', type: 'direct', title: 'Re: Ausführungsbericht' },
      refs: { replyTo: 'request-1@client.example' },
      content: {
        subject: 'Re: Ausführungsbericht',
        text: 'Grüße aus München - the fill report is attached.\nPrix: 101,20 EUR (½ filled)',
        format: 'email/plain',
      },
    });
    expect(d.attachments).toEqual([
      { id: 'report-2@acme.example:0', kind: 'image', mimeType: 'image/png', fileName: 'chart.png' },
      { id: 'report-2@acme.example:1', kind: 'document', mimeType: 'application/pdf', fileName: 'Fill report €.pdf' },
      { id: 'report-2@acme.example:2', kind: 'document', mimeType: 'text/csv', fileName: 'Umsätze.csv' },
    ]);
    expect(item.contents['report-2@acme.example:0'].startsWith('\x89PNG')).toBe(true);
    expect(item.contents['report-2@acme.example:1']).toBe('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    expect(item.contents['report-2@acme.example:2']).toBe('date,amount\r\n2024-01-02,50600\r\n');
  });

  test('HTML-only windows-1252 quoted-printable: text extracted, € decoded, scripts and tags dropped', async () => {
    const [item] = await collect(join(FIX, 'html-only.eml'));
    expect(draft(item).content).toEqual({
      subject: 'Margin alert',
      text: 'Margin call\nYour account is below the € 25,000 minimum & needs funding.\n- Deposit\n- Reduce exposure',
      format: 'email/html',
    });
    expect(draft(item).sentAt).toBe('2024-01-04T08:00:00.000Z');
  });

  test('attachment files are removed once the next item is requested and at the end', async () => {
    const seen: string[] = [];
    for await (const item of emailImporter.read(join(FIX, 'multipart.eml'), { tenant: 'acme', receivedAt: RECEIVED_AT })) {
      seen.push(...Object.values(item.files ?? {}));
      for (const p of seen) expect(existsSync(p)).toBe(true);
    }
    expect(seen).toHaveLength(3);
    for (const p of seen) expect(existsSync(p)).toBe(false);
  });

  test('without a Message-ID the identity is the hash of the bytes, stable across runs', async () => {
    const path = tempFile(eml('From: a@x.example\nTo: b@y.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000'));
    const [first] = await collect(path);
    const [second] = await collect(path);
    expect(draft(first).source.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(draft(second).source.externalId).toBe(draft(first).source.externalId);
    expect(draft(first).content).toEqual({ text: 'body', format: 'email/plain' });
  });
});

describe('email: mbox', () => {
  let items: Read[];
  beforeAll(async () => {
    items = await collect(join(FIX, 'mailbox.mbox'));
  });

  test('one item per message at its "From " line; bad ones rejected, the others go through', () => {
    const file = readFileSync(join(FIX, 'mailbox.mbox'), 'latin1');
    expect(items.map(code)).toEqual(['ok', 'missing_from', 'ok', 'timestamp_in_future', 'ok']);
    for (const item of items) expect(file.slice(item.position, item.position + 5)).toBe('From ');
    const rejected = items.filter((i) => isRejected(i.result)).map((i) => i.result as RejectedEvent);
    expect(rejected[0].path).toBe(`mbox message at byte ${items[1].position}`);
    expect(items[1].raw.body.toString()).toBe(
      'To: jane.trader@acme.example\nSubject: no sender at all\nDate: Fri, 5 Jan 2024 11:00:00 +0000\n\nThis message has no From header.\n',
    );
  });

  test('">From " lines are unescaped one level; raw is the message without its "From " line', () => {
    expect(draft(items[0]).content).toMatchObject({
      subject: 'First',
      text: 'A line that looked like an mbox separator:\nFrom the desk: all filled.\n>From quoted twice',
    });
    expect(items[0].raw.body.toString().startsWith('From: Jane Trader')).toBe(true);
  });

  test('a message without a Date header is dated by its "From " line; In-Reply-To threads it', () => {
    expect(draft(items[2])).toMatchObject({
      sentAt: '2024-01-05T12:30:00.000Z',
      refs: { replyTo: 'mbox-1@acme.example' },
      conversation: { id: 'email:mbox-1@acme.example' },
      direction: 'inbound',
    });
  });

  test('line accounting: each message, accepted or rejected, takes its "From " line to the blank line before the next; no gap', async () => {
    expect(items.map((i) => [code(i), i.lines])).toEqual([
      ['ok', { first: 1, last: 11 }],
      ['missing_from', { first: 12, last: 18 }],
      ['ok', { first: 19, last: 27 }],
      ['timestamp_in_future', { first: 28, last: 36 }],
      ['ok', { first: 37, last: 44 }],
    ]);
    const path = join(FIX, 'mailbox.mbox');
    expect(await emailImporter.lineCount!(path)).toEqual({ file: path, lines: 44 });
    expect(readFileSync(path, 'latin1').split('\n')).toHaveLength(45);
    const acc = new LineAccounting('email');
    for (const item of items) acc.observe(item);
    acc.finish(44);
    expect([acc.gaps, acc.linesInItems]).toEqual([[], 44]);
  });

  test('line accounting: CRLF, blank lines inside a message, and a last line without a line break', async () => {
    const path = tempFile(
      'From a@x Mon Jan  1 10:00:00 2024\r\nFrom: a@x.example\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\none\r\n\r\n\r\nFrom b@x Mon Jan  1 11:00:00 2024\r\nFrom: b@x.example\r\nDate: Mon, 1 Jan 2024 11:00:00 +0000\r\n\r\ntwo',
      'box.mbox',
    );
    const read = await collect(path);
    expect(read.map((i) => i.lines)).toEqual([
      { first: 1, last: 7 },
      { first: 8, last: 12 },
    ]);
    expect(await emailImporter.lineCount!(path)).toEqual({ file: path, lines: 12 });
  });

  test('.eml files and folders are not line-based: no lines, no line count', async () => {
    const [one] = await collect(join(FIX, 'simple.eml'));
    expect(one.lines).toBeUndefined();
    expect(await emailImporter.lineCount!(join(FIX, 'simple.eml'))).toBeUndefined();
    expect(await emailImporter.lineCount!(FIX)).toBeUndefined();
  });
});

describe('email: folders, damage and hostile input', () => {
  test('a folder of .eml files: name order, positions run on across files, total is the sum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'email-dir-'));
    const a = eml('From: a@x.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <a@x>');
    const b = eml('From: b@x.example\nDate: Mon, 1 Jan 2024 11:00:00 +0000\nMessage-ID: <b@x>');
    writeFileSync(join(dir, '2.eml'), b);
    writeFileSync(join(dir, '1.eml'), a);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const items = await collect(dir);
    expect(items.map((i) => [i.position, draft(i).source.externalId])).toEqual([
      [0, 'a@x'],
      [Buffer.byteLength(a), 'b@x'],
    ]);
    expect(await emailImporter.total!(dir)).toBe(Buffer.byteLength(a) + Buffer.byteLength(b));
  });

  test.each([
    ['no header fields', '\r\nhello', 'not_rfc822'],
    ['a From without an address', eml('From: Jane Trader\nDate: Mon, 1 Jan 2024 10:00:00 +0000'), 'missing_from'],
    ['a Date that is no date', eml('From: a@x.example\nDate: yesterday at noon'), 'bad_date'],
    ['the 31st of February', eml('From: a@x.example\nDate: Sat, 31 Feb 2024 10:00:00 +0000'), 'bad_date'],
    ['no Date header', eml('From: a@x.example'), 'missing_date'],
    ['a far-future date', eml('From: a@x.example\nDate: Fri, 1 Jan 2100 00:00:00 +0000'), 'timestamp_in_future'],
    [
      'MIME nested 40 levels deep',
      eml(
        'From: a@x.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nContent-Type: multipart/mixed; boundary=b0',
        Array.from({ length: 40 }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`).join(''),
      ),
      'mime_too_deep',
    ],
  ])('%s is rejected with a precise code', async (_name, text, expected) => {
    const items = await collect(tempFile(text));
    expect(items.map(code)).toEqual([expected]);
    expect((items[0].result as RejectedEvent).reason).toContain('message.eml');
  });

  test('a truncated multipart (no closing boundary, cut base64) keeps what is there', async () => {
    const text = eml(
      'From: a@x.example\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nContent-Type: multipart/mixed; boundary="zz"',
      '--zz\r\nContent-Type: text/plain\r\n\r\nstill here\r\n--zz\r\nContent-Type: application/pdf; name=cut.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\nJVBER',
    );
    const [item] = await collect(tempFile(text));
    expect(draft(item).content!.text).toBe('still here');
    expect(draft(item).attachments).toEqual([{ id: expect.any(String), kind: 'document', mimeType: 'application/pdf', fileName: 'cut.pdf' }]);
    expect(Object.values(item.contents)[0].startsWith('%PDF-1.4\n')).toBe(true);
  });

  test('an unknown charset falls back to UTF-8; raw non-UTF-8 header bytes read as Windows-1252', async () => {
    const head = Buffer.from(
      'From: "M\xfcller" <m@x.example>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nContent-Type: text/plain; charset=x-unknown-9\r\n\r\n',
      'latin1',
    );
    const [item] = await collect(tempFile(Buffer.concat([head, Buffer.from('héllo')])));
    expect(draft(item).sender.displayName).toBe('Müller');
    expect(draft(item).content!.text).toBe('héllo');
    expect((draft(item).source.raw as { encoding: string }).encoding).toBe('base64');
  });

  test('"__proto__" as a parameter name is just a parameter', () => {
    const s = parseStructured('text/plain; __proto__="x"; constructor=y; charset=utf-8');
    expect(s.params.get('__proto__')).toBe('x');
    expect(s.params.get('charset')).toBe('utf-8');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('email: header decoding', () => {
  test.each([
    ['=?UTF-8?B?4oKs?= =?UTF-8?Q?_rates?=', '€ rates'],
    ['=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=', 'café'],
    ['=?ISO-8859-1?Q?Gr=FC=DFe?= aus =?windows-1252?Q?=80?=', 'Grüße aus €'],
    ['=?UTF-8*en?Q?hello?=', 'hello'],
    ['plain =? not a word', 'plain =? not a word'],
  ])('decodeWords(%s)', (input, expected) => {
    expect(decodeWords(input)).toBe(expected);
  });

  test('address lists: comments, quoted commas, groups, source routes, junk', () => {
    expect(
      parseAddressList(
        '"Doe, Jane (CFO)" <JANE@X.example>, (comment) bob@y.example (Bob Y), Team: <@relay:carl@z.example>, dee@z.example;, not-an-address, =?UTF-8?Q?J=C3=B6rg?= <jorg@z.example>',
      ),
    ).toEqual([
      { kind: 'email', value: 'jane@x.example', displayName: 'Doe, Jane (CFO)' },
      { kind: 'email', value: 'bob@y.example', displayName: 'comment' },
      { kind: 'email', value: 'carl@z.example' },
      { kind: 'email', value: 'dee@z.example' },
      { kind: 'email', value: 'jorg@z.example', displayName: 'Jörg' },
    ]);
  });
});
