import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { crc32, deflateSync } from 'node:zlib';
import type { Envelope, EnvelopeDraft } from '@custody/envelope';
import { testEnvelope } from '@custody/testing';
import { threadView, type ThreadAttachment, type ThreadRecord } from '../../thread-view';
import type { ConversationDocument } from '../document';
import PDFDocument from 'pdfkit';
import { drawImage, INLINE_IMAGE_BYTES } from './images';
import { renderTranscript, type TranscriptOptions } from './transcript';

/** A valid PNG of `width`×`height` pixels: colour type 2 (RGB, drawn at once) or 6 (RGBA, which pdfkit decodes asynchronously). */
function png(width: number, height: number, colorType: 2 | 6, idat?: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * (colorType === 6 ? 4 : 3), 0x80)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat ?? deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 baseline JPEG. */
const JPEG_1X1 =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ALICE = { kind: 'phone' as const, value: '+16505551234', displayName: 'Alice Martin' };
const BOB = { kind: 'phone' as const, value: '+15550783881', displayName: 'Bob Stone', employeeId: 'emp-7' };

const message = (externalId: string, sentAt: string, over: Partial<EnvelopeDraft> = {}): Envelope =>
  testEnvelope(externalId, { sender: ALICE, recipients: [BOB], sentAt, conversation: { id: 'c1', type: 'direct', title: 'Desk chat' }, ...over });

const record = (e: Envelope): ThreadRecord => ({
  envelope: e,
  archive: { key: `tenants/acme/records/${e.id}.json`, sha256: 'a'.repeat(64), size: 1, retentionMode: 'COMPLIANCE', retainUntil: null, legalHold: false },
  verification: { objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match' },
  holds: [],
});

/** Contents by attachment id: a Buffer is captured, an Error fails its stream (a failed hash check), absent was never captured. */
type Contents = Map<string, Buffer | Error>;

function conversation(envelopes: Envelope[], contents: Contents): ConversationDocument {
  const page = [...envelopes].sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
  const history = page.filter((e) => e.kind === 'edit' || e.kind === 'deletion' || e.kind === 'reaction');
  return {
    tenant: 'acme',
    matter: 'Matter 2025-017 Smith v. Acme',
    exportId: 'exp-7f3a',
    conversation: { id: 'c1', channel: 'whatsapp', type: 'direct', title: 'Desk chat' },
    period: { from: page[0].sentAt, to: page[page.length - 1].sentAt },
    events: threadView({ page: page.map(record), history: history.map(record), elsewhere: new Map() }),
    custodians: ['emp-7'],
    attachments: {
      open: async (a: ThreadAttachment) => {
        const c = contents.get(a.id);
        if (c === undefined) return undefined;
        if (c instanceof Error)
          return new Readable({
            read() {
              this.destroy(c);
            },
          });
        return Readable.from([c]);
      },
    },
  };
}

/** poppler-utils: a missing tool fails the test with a clear message, never skips it. */
function poppler(tool: 'pdftotext' | 'pdfinfo', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new Error(`${tool} (poppler-utils) is required by this test and was not found on PATH`);
    throw err;
  }
}
const text = (file: string, page?: number) => poppler('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', file, '-']);
const pageCount = (file: string) => Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))![1]);
/** pdftotext -layout spreads text over columns and lines: compare with whitespace collapsed. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

const options = (over: Partial<TranscriptOptions> = {}): TranscriptOptions => ({
  timeZone: 'Europe/Paris',
  bates: { prefix: 'ACME', start: 1, digits: 6 },
  generator: 'Custody test',
  ...over,
});

describe('renderTranscript', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'transcript-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function render(doc: ConversationDocument, opts: TranscriptOptions, name: string) {
    const file = join(dir, name);
    const summary = await renderTranscript(doc, createWriteStream(file), opts);
    return { file, summary };
  }

  const photo = png(2, 2, 2);
  const shadow = png(3, 2, 6);
  // a valid header over image data that does not inflate: pdfkit would throw in a zlib callback
  const broken = png(2, 2, 6, Buffer.from('not deflate data'));
  const att = (id: string, fileName: string, mimeType: string, content?: Buffer) => ({
    id,
    kind: 'image' as const,
    fileName,
    mimeType,
    ...(content && { size: content.length, sha256: sha256(content) }),
  });
  const contract = {
    id: 'att-contract',
    kind: 'document' as const,
    fileName: 'contract.pdf',
    mimeType: 'application/pdf',
    size: 48213,
    sha256: 'c'.repeat(64),
  };
  const thread = [
    message('w.m1', '2025-01-15T10:00:00.000Z', {
      content: { text: 'Hello team, the photo is attached' },
      attachments: [
        att('att-photo', 'photo.png', 'image/png', photo),
        att('att-shadow', 'shadow.png', 'image/png', shadow),
        att('att-broken', 'broken.png', 'image/png', broken),
      ],
    }),
    message('w.m2', '2025-01-15T10:05:00.000Z', { content: { text: 'Original plan: meet at noon' } }),
    message('w.e1', '2025-01-15T10:07:00.000Z', { kind: 'edit', content: { text: 'Revised plan: meet at one' }, refs: { edits: 'w.m2' } }),
    message('w.r1', '2025-01-15T10:08:00.000Z', { kind: 'reaction', sender: BOB, recipients: [ALICE], refs: { reactsTo: 'w.m2', emoji: '👍' } }),
    message('w.r2', '2025-01-15T10:09:00.000Z', { kind: 'reaction', sender: BOB, recipients: [ALICE], refs: { reactsTo: 'w.m2', emoji: '' } }),
    message('w.m3', '2025-01-15T10:10:00.000Z', { content: { text: 'Secret figure is 42' } }),
    message('w.d1', '2025-01-15T10:12:00.000Z', { kind: 'deletion', refs: { deletes: 'w.m3' } }),
    message('w.m4', '2025-01-15T10:15:00.000Z', {
      sender: BOB,
      recipients: [ALICE],
      direction: 'outbound',
      content: { text: 'Looks good to me' },
      refs: { replyTo: 'w.m1' },
    }),
    message('w.m5', '2025-01-15T10:16:00.000Z', { content: { text: 'As I said before' }, refs: { replyTo: 'w.gone' } }),
    message('CA1', '2025-01-15T10:20:00.000Z', {
      kind: 'call',
      channel: 'voice',
      sender: BOB,
      recipients: [ALICE],
      direction: 'outbound',
      call: {
        status: 'completed',
        startedAt: '2025-01-15T10:20:00.000Z',
        endedAt: '2025-01-15T10:21:05.000Z',
        durationSec: 65,
        from: BOB,
        to: ALICE,
        forwardedFrom: { kind: 'phone', value: '+442071234567' },
        routing: { queue: 'desk-2' },
        recording: { id: 'RE1', kind: 'recording', mimeType: 'audio/wav' },
      },
    }),
    message('w.m6', '2025-01-15T10:25:00.000Z', { content: { text: 'Καλημέρα κόσμε, café naïve ✓ Привет' } }),
    message('w.m7', '2025-01-15T10:30:00.000Z', { content: { text: 'Signed contract' }, attachments: [contract] }),
    message('w.s1', '2025-01-15T10:31:00.000Z', { kind: 'status', refs: { status: 'delivered', statusOf: 'w.m7' } }),
    message('w.s2', '2025-01-15T10:32:00.000Z', {
      kind: 'status',
      sender: BOB,
      content: { action: { type: 'pin_message', actor: BOB, targetMessageId: 'w.m7' } },
    }),
    // emoji and CJK are outside DejaVu Sans: drawn as empty boxes, never an error
    message('w.m8', '2025-01-15T10:35:00.000Z', { content: { text: 'Thanks 🙏 谢谢 see you' } }),
  ];
  const contents: Contents = new Map([
    ['att-photo', photo],
    ['att-shadow', shadow],
    ['att-broken', broken],
  ]);

  test('every event, its history, attachments and times; production numbers on every page; the same bytes twice', async () => {
    const doc = conversation(thread, contents);
    const { file, summary } = await render(doc, options(), 'a.pdf');
    const all = flat(text(file));

    // header
    for (const s of [
      'Tenant: acme',
      'Matter: Matter 2025-017 Smith v. Acme',
      'Export: exp-7f3a',
      'Conversation: c1 (direct)',
      'Title: Desk chat',
      'Application: WhatsApp',
      'Custodians: emp-7',
    ]) {
      expect(all).toContain(s);
    }
    expect(all).toContain('Period from: 2025-01-15 10:00:00 UTC · 2025-01-15 11:00:00 CET (UTC+01:00)');
    expect(all).toContain('Alice Martin — phone +16505551234');
    expect(all).toContain('Bob Stone — phone +15550783881 — employee emp-7');

    // every event, in order, with its time in UTC and in Paris (+1 h in winter)
    expect(all).toContain('Events: 15');
    const headings = [...all.matchAll(/#(\d+) (Message|Edit|Reaction|Deletion|Call|Status)/g)].map((m) => Number(m[1]));
    expect(headings).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const t of [
      'Hello team, the photo is attached',
      'Looks good to me',
      'As I said before',
      'Signed contract',
      'see you',
      'Καλημέρα κόσμε, café naïve ✓ Привет',
    ]) {
      expect(all).toContain(t);
    }
    expect(all).toContain('2025-01-15 10:25:00 UTC · 2025-01-15 11:25:00 CET (UTC+01:00)');
    expect(all).toContain('From Alice Martin (+16505551234) to Bob Stone (+15550783881, employee emp-7) · inbound');

    // the edit: the original, then the version; and the edit record's own line
    expect(all).toMatch(
      /Original plan: meet at noon Edited at 2025-01-15 10:07:00 UTC · 2025-01-15 11:07:00 CET \(UTC\+01:00\) by Alice Martin \(\+16505551234\): Revised plan: meet at one/,
    );
    expect(all).toContain('Edit of message w.m2 sent by Alice Martin (+16505551234): “Original plan: meet at noon”');
    // the deletion: the original text stays, marked right after it
    expect(all).toMatch(/#6 Message · DELETED .{0,200}Secret figure is 42 DELETED at 2025-01-15 10:12:00 UTC/);
    expect(all).toContain('Deletion of message w.m3 sent by Alice Martin');
    // reactions: listed under the message, the removal too; the reaction records name their code points
    expect(all).toMatch(/Reactions: .{0,3}\(U\+1F44D\) by Bob Stone \(\+15550783881, employee emp-7\) at 2025-01-15 10:08:00 UTC/);
    expect(all).toContain('removed by Bob Stone (+15550783881, employee emp-7) at 2025-01-15 10:09:00 UTC');
    expect(all).toContain('(U+1F44D) to message w.m2');
    expect(all).toContain('Reaction removed from message w.m2');
    // replies
    expect(all).toContain('In reply to Alice Martin (+16505551234): “Hello team, the photo is attached”');
    expect(all).toContain('(reply to message w.gone, not captured)');
    // the call
    expect(all).toContain('Call completed: from Bob Stone (+15550783881, employee emp-7) to Alice Martin (+16505551234)');
    expect(all).toContain('Duration 0:01:05 (65 s)');
    expect(all).toContain('Routing: queue: desk-2');
    expect(all).toContain('Forwarded from +442071234567');
    expect(all).toContain('Ended 2025-01-15 10:21:05 UTC');
    expect(all).toMatch(/Recording: \(no file name, id RE1\) · recording · audio\/wav · size not recorded SHA-256 not recorded content not captured/);
    // status and service records
    expect(all).toContain('Status: delivered of message w.m7');
    expect(all).toContain('Action: pin_message · by Bob Stone (+15550783881, employee emp-7) · on message w.m7');
    // attachments: hashes, the uncaptured one, the picture pdfkit cannot decode
    for (const c of [photo, shadow]) expect(all).toContain(`SHA-256 ${sha256(c)}`);
    expect(all).toMatch(/contract\.pdf · document · application\/pdf · 48213 bytes \(47\.1 KiB\) SHA-256 c{64} content not captured/);
    expect(all).toContain('corrupt PNG image data; see the native file');

    // production numbers: one per page, each on its own page, with "Page i of N"
    const pages = pageCount(file);
    expect(summary).toEqual({ pages, firstNumber: 'ACME000001', lastNumber: `ACME${String(pages).padStart(6, '0')}`, nextStart: 1 + pages });
    for (let i = 1; i <= pages; i++) {
      const p = flat(text(file, i));
      expect(p).toContain(`ACME${String(i).padStart(6, '0')}`);
      expect(p).toContain(`Page ${i} of ${pages}`);
      expect(p).toContain('Export exp-7f3a');
    }

    // the two pictures pdfkit can draw are in the file: two image objects
    const bytes = readFileSync(file);
    expect(bytes.toString('latin1').match(/\/Subtype \/Image/g)?.length).toBe(3); // RGB, RGBA and its transparency mask
    // fixed info: the period's end as the dates, the generator as producer
    const info = poppler('pdfinfo', ['-isodates', file]);
    expect(info).toMatch(/^CreationDate:\s+2025-01-15T10:35:00Z$/m);
    expect(info).toMatch(/^ModDate:\s+2025-01-15T10:35:00Z$/m);
    expect(info).toMatch(/^Producer:\s+Custody test$/m);

    // the same input gives the same bytes
    const again = await render(conversation(thread, contents), options(), 'b.pdf');
    expect(readFileSync(again.file).equals(bytes)).toBe(true);
  });

  test('hundreds of events: several pages, numbers consecutive from the given start', async () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      message(`w.n${i}`, new Date(Date.UTC(2025, 6, 1, 8, 0, i)).toISOString(), { content: { text: `Message number ${i} of the long day` } }),
    );
    const { file, summary } = await render(
      conversation(many, new Map()),
      options({ timeZone: 'America/New_York', bates: { prefix: 'CUST-', start: 41, digits: 5 } }),
      'long.pdf',
    );
    const pages = pageCount(file);
    expect(pages).toBeGreaterThan(5);
    expect(summary).toEqual({ pages, firstNumber: 'CUST-00041', lastNumber: `CUST-${String(40 + pages).padStart(5, '0')}`, nextStart: 41 + pages });
    for (let i = 1; i <= pages; i++) {
      const p = flat(text(file, i));
      expect(p).toContain(`CUST-${String(40 + i).padStart(5, '0')}`);
      expect(p).toContain(`Page ${i} of ${pages}`);
    }
    const all = flat(text(file));
    expect(Array.from({ length: 600 }, (_, i) => `Message number ${i} of the long day`).filter((t) => !all.includes(t))).toEqual([]);
    // summer in New York: UTC-4 (ICU has no English abbreviation for it in en-GB, the offset says it)
    expect(all.includes('2025-07-01 08:00:00 UTC · 2025-07-01 04:00:00 (UTC-04:00)')).toBe(true);
    // Latin text only: the standard Helvetica, no font file to parse and embed
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).toContain('/BaseFont /Helvetica');
    expect(bytes).not.toContain('DejaVu');
  });

  test('text Helvetica cannot show (Greek here) gets the embedded DejaVu Sans, and extracts', async () => {
    const greek = message('w.gr', '2025-07-01T08:00:00.000Z', { content: { text: 'Αγοράστε 100 μετοχές' } });
    const { file } = await render(conversation([greek], new Map()), options({}), 'greek.pdf');
    expect(readFileSync(file).toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    expect(flat(text(file))).toContain('Αγοράστε 100 μετοχές');
  });

  test('pictures: a JPEG is drawn, one over 10 MB or unreadable is named and skipped, never an error', async () => {
    const jpeg = Buffer.from(JPEG_1X1, 'base64');
    const huge = Buffer.alloc(INLINE_IMAGE_BYTES + 1);
    const pictures = message('w.p', '2025-01-15T12:00:00.000Z', {
      content: { text: 'Pictures' },
      attachments: [
        att('att-jpeg', 'face.jpg', 'image/jpeg', jpeg),
        { id: 'att-huge', kind: 'image', fileName: 'huge.png', mimeType: 'image/png' },
        // declared too large: not even read
        { id: 'att-declared', kind: 'image', fileName: 'declared.jpg', mimeType: 'image/jpeg', size: INLINE_IMAGE_BYTES + 1 },
        att('att-bad', 'bad.jpg', 'image/jpeg', jpeg.subarray(0, 24)),
      ],
    });
    // bad.jpg is a truncated JPEG: pdfkit's parser runs past its end
    const contents: Contents = new Map<string, Buffer | Error>([
      ['att-jpeg', jpeg],
      ['att-huge', huge],
      ['att-declared', new Error('read although declared too large')],
      ['att-bad', jpeg.subarray(0, 24)],
    ]);
    const { file } = await render(conversation([pictures], contents), options(), 'pictures.pdf');
    const all = flat(text(file));
    expect(all).toContain('huge.png · image · image/png · size not recorded SHA-256 not recorded image larger than 10 MB, not shown inline');
    expect(all).toContain('declared.jpg · image · image/jpeg · 10485761 bytes (10.0 MiB) SHA-256 not recorded image larger than 10 MB, not shown inline');
    expect(all).toMatch(/bad\.jpg .* not a readable image\/jpeg image \(.+\); see the native file/);
    expect(readFileSync(file).toString('latin1')).toContain('/DCTDecode');
  });

  test('a PNG pdfkit decodes in a zlib callback is written out before drawImage returns; an oversized picture is refused unread', async () => {
    const pdf = new PDFDocument();
    const out: Buffer[] = [];
    // flowing: pdfkit's objects arrive here as it writes them
    pdf.on('data', (chunk: Buffer) => out.push(chunk));
    expect(await drawImage(pdf, png(40, 30, 6), 'image/png', 50, 300)).toBeUndefined();
    expect(Buffer.concat(out).toString('latin1')).toContain('/SMask');
    // 5000×5000 pixels declared over a few bytes of data
    const ihdrOnly = png(5000, 5000, 6, deflateSync(Buffer.alloc(10)));
    expect(await drawImage(pdf, ihdrOnly, 'image/png', 50, 300)).toBe('PNG image of 5000×5000 pixels not drawn inline');
    pdf.end();
  });

  /** Counts what reaches the destination. */
  const sink = () => {
    const out = Object.assign(new Writable({ write: (chunk: Buffer, _e, done) => ((out.written += chunk.length), done()) }), { written: 0 });
    return out;
  };

  test('an attachment whose content fails its hash check rejects the transcript, before anything is written', async () => {
    const failing: Contents = new Map([['att-photo', new Error('content hashes to 00, expected ff')]]);
    const out = sink();
    await expect(renderTranscript(conversation([thread[0]], failing), out, options())).rejects.toThrow('content hashes to 00');
    expect(out.written).toBe(0);
  });

  test('an unknown time zone is refused before anything is written', async () => {
    const out = sink();
    await expect(renderTranscript(conversation([thread[1]], new Map()), out, options({ timeZone: 'Mars/Olympus' }))).rejects.toThrow(RangeError);
    expect(out.written).toBe(0);
  });
});
