import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Envelope, EnvelopeDraft } from '@custody/envelope';
import { testEnvelope } from '@custody/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { simpleParser } from 'mailparser';
import yauzl from 'yauzl';
import { threadView, type ThreadAttachment, type ThreadRecord } from '../../thread-view';
import type { ConversationDocument } from '../document';
import { renderRsmf, validateManifest, type RsmfManifest } from '.';

const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const EMP = { kind: 'phone' as const, value: '+15550783881', displayName: 'Erin Employee', employeeId: 'emp-7' };
const BOB = { kind: 'phone' as const, value: '+16505551234', displayName: 'Bob' };
const CAROL = { kind: 'email' as const, value: 'carol@example.com' };

const envelope = (externalId: string, sentAt: string, over: Partial<EnvelopeDraft> = {}): Envelope =>
  testEnvelope(externalId, { sender: BOB, recipients: [EMP], sentAt, ...over });
const verified = (e: Envelope): ThreadRecord => ({
  envelope: e,
  archive: { key: `tenants/acme/records/${e.id}.json`, sha256: 'a'.repeat(64), size: 1, retentionMode: 'COMPLIANCE', retainUntil: null, legalHold: false },
  verification: { objectSha256: 'match', envelopeIntegrity: 'match', recordLog: 'match' },
  holds: [],
});

const photo = Buffer.from('\x89PNG fake image bytes');
const recording = Buffer.alloc(70_000, 7); // more than one stream chunk
const content = new Map([
  [hex(photo), photo],
  [hex(recording), recording],
]);

const original = envelope('w.A', '2025-01-01T10:00:00.000Z', {
  content: { text: 'v1' },
  attachments: [{ id: 'IMG1', kind: 'image', fileName: 'holiday/../photo.png', mimeType: 'image/png', size: photo.length, sha256: hex(photo) }],
});
const edit = envelope('w.E1', '2025-01-01T10:01:00.000Z', { kind: 'edit', content: { text: 'v2' }, refs: { edits: 'w.A' } });
const like = envelope('w.R1', '2025-01-01T10:02:00.000Z', { kind: 'reaction', sender: EMP, recipients: [BOB], refs: { reactsTo: 'w.A', emoji: '👍' } });
const carolLike = envelope('w.R2', '2025-01-01T10:02:30.000Z', { kind: 'reaction', sender: CAROL, refs: { reactsTo: 'w.A', emoji: '👍' } });
const carolUnlike = envelope('w.R3', '2025-01-01T10:03:00.000Z', { kind: 'reaction', sender: CAROL, refs: { reactsTo: 'w.A', emoji: '' } });
const deletion = envelope('w.D1', '2025-01-01T10:04:00.000Z', { kind: 'deletion', refs: { deletes: 'w.A' } });
const reply = envelope('w.B', '2025-01-01T10:05:00.000Z', {
  sender: EMP,
  recipients: [BOB],
  direction: 'outbound',
  content: { text: 'on it' },
  refs: { replyTo: 'w.A' },
});
const orphan = envelope('w.C', '2025-01-01T10:06:00.000Z', { content: { text: 'see above' }, refs: { replyTo: 'w.gone' } });
const call = envelope('CA1', '2025-01-01T11:00:00.000Z', {
  kind: 'call',
  call: {
    status: 'completed',
    durationSec: 65,
    from: BOB,
    to: EMP,
    routing: { queue: 'desk-2' },
    recording: { id: 'RE1', kind: 'recording', mimeType: 'audio/wav', fileName: 'call.wav', size: recording.length, sha256: hex(recording) },
  },
});
const lost = envelope('w.F', '2025-01-01T12:00:00.000Z', { attachments: [{ id: 'DOC1', kind: 'document', fileName: 'contract.pdf', sha256: 'f'.repeat(64) }] });
// the same photo sent again: stored once in rsmf.zip
const again = envelope('w.G', '2025-01-01T12:30:00.000Z', { attachments: [{ id: 'IMG2', kind: 'image', fileName: 'photo.png', sha256: hex(photo) }] });

const records = [original, edit, like, carolLike, carolUnlike, deletion, reply, orphan, call, lost, again];
const events = threadView({ page: records.map(verified), history: [edit, like, carolLike, carolUnlike, deletion].map(verified), elsewhere: new Map() });

const doc = (open: (a: ThreadAttachment) => Readable | undefined = (a) => (content.has(a.sha256!) ? Readable.from(content.get(a.sha256!)!) : undefined)) =>
  ({
    tenant: 'acme',
    matter: 'Matter 1',
    exportId: 'exp-1',
    conversation: { id: 'c1', channel: 'whatsapp', type: 'direct' },
    period: { from: events[0].sentAt, to: events[events.length - 1].sentAt },
    events,
    custodians: ['emp-7'],
    attachments: { open: async (a) => open(a) },
  }) satisfies ConversationDocument;

async function render(d: ConversationDocument) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const summary = await renderRsmf(d, out, { generator: 'Custody test' });
  return { summary, bytes: Buffer.concat(chunks) };
}

/** Every entry of a zip, in order. */
function unzip(zip: Buffer): Promise<[string, Buffer, yauzl.Entry][]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err) return reject(err);
      const entries: [string, Buffer, yauzl.Entry][] = [];
      z.on('error', reject);
      z.on('end', () => resolve(entries));
      z.on('entry', (entry: yauzl.Entry) =>
        z.openReadStream(entry, (e, s) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          s.on('data', (c: Buffer) => parts.push(c));
          s.on('end', () => {
            entries.push([entry.fileName, Buffer.concat(parts), entry]);
            z.readEntry();
          });
        }),
      );
      z.readEntry();
    });
  });
}

describe('renderRsmf', () => {
  let mail: Awaited<ReturnType<typeof simpleParser>>;
  let entries: [string, Buffer, yauzl.Entry][];
  let manifest: RsmfManifest;
  let first: Awaited<ReturnType<typeof render>>;
  const event = (e: Envelope) => manifest.events.find((x) => x.id === e.id)!;
  const zipFile = (name: string) => entries.find(([n]) => n === name)?.[1];

  beforeAll(async () => {
    first = await render(doc());
    mail = await simpleParser(first.bytes);
    entries = await unzip(mail.attachments[0].content);
    manifest = JSON.parse(entries[0][1].toString('utf8')) as RsmfManifest;
  });

  test('an RFC 5322 message with the X-RSMF headers and exactly one attachment, rsmf.zip, manifest first', () => {
    const h = (name: string) => mail.headers.get(name);
    expect(h('x-rsmf-version')).toBe('2.0.0');
    expect(h('x-rsmf-generator')).toBe('Custody test');
    expect(h('x-rsmf-begindate')).toBe('2025-01-01T10:00:00.000Z');
    expect(h('x-rsmf-enddate')).toBe('2025-01-01T12:30:00.000Z');
    expect(h('x-rsmf-eventcount')).toBe(String(records.length));
    expect(h('x-rsmf-application')).toBe('WhatsApp');
    expect(h('x-rsmf-custodian')).toBe('emp-7');
    expect(h('x-rsmf-participants')).toBe('Bob, Erin Employee, carol@example.com');
    expect(h('x-rsmf-attachmentcount')).toBe('3');
    expect(h('x-rsmf-eventcollectionid')).toBe(manifest.eventcollectionid);
    expect(manifest.eventcollectionid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.bytes.toString('latin1')).toMatch(/^X-RSMF-Version: 2\.0\.0\r$/m); // Relativity's spelling, not X-Rsmf-Version
    expect(mail.messageId).toMatch(/^<[0-9a-f]{64}@custody\.rsmf>$/);
    expect(mail.date?.toISOString()).toBe('2025-01-01T12:30:00.000Z');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['rsmf.zip', 'application/zip']]);
    expect(mail.text).toContain('[2025-01-01 10:05:00 UTC] Erin Employee: on it');
    expect(entries.map(([n]) => n)[0]).toBe('rsmf_manifest.json');
    expect(first.summary).toEqual({
      eventCount: records.length,
      attachmentCount: 3,
      participants: ['Bob', 'Erin Employee', 'carol@example.com'],
      beginDate: '2025-01-01T10:00:00.000Z',
      endDate: '2025-01-01T12:30:00.000Z',
      eventCollectionId: manifest.eventcollectionid,
    });
  });

  test('the manifest passes the vendored Relativity schema, checked independently', () => {
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    addFormats(ajv);
    ajv.addFormat('idn-email', /^\S+@\S+$/u);
    const check = ajv.compile(JSON.parse(readFileSync(join(__dirname, 'rsmf_schema_2_0_0.json'), 'utf8')) as object);
    expect(check(manifest) ? [] : check.errors).toEqual([]);
    expect(manifest.version).toBe('2.0.0');
  });

  test('one RSMF event per record: replies, edits, deletion with the original kept, standing reactions', () => {
    expect(manifest.events.map((e) => e.id)).toEqual(records.map((r) => r.id));
    const byPhone = (value: string) => manifest.participants.find((p) => p.account_id === value)!.id;
    const [bob, erin] = [byPhone(BOB.value), byPhone(EMP.value)];
    expect(manifest.conversations).toEqual([
      expect.objectContaining({ id: 'c1', platform: 'whatsapp', type: 'direct', custodian: erin, participants: manifest.participants.map((p) => p.id) }),
    ]);
    expect(manifest.participants.find((p) => p.id === erin)?.custom).toContainEqual({ name: 'Employee ID', value: 'emp-7' });
    expect(manifest.participants.find((p) => p.account_id === CAROL.value)?.email).toBe(CAROL.value);

    const a = event(original);
    expect(a).toMatchObject({ type: 'message', body: 'v1', deleted: true, participant: bob, direction: 'incoming', timestamp: original.sentAt });
    expect(a.edits).toEqual([{ participant: bob, timestamp: edit.sentAt, previous: 'v1', new: 'v2' }]);
    expect(a.reactions).toEqual([{ value: '👍', count: 1, participants: [erin] }]); // carol's was removed
    expect(a.custom).toContainEqual({ name: 'Deleted at', value: deletion.sentAt });

    expect(event(reply)).toMatchObject({ parent: original.id, direction: 'outgoing', participant: erin });
    expect(event(orphan).parent).toBeUndefined();
    expect(event(orphan).custom).toContainEqual({ name: 'Reply to (not in this file)', value: 'w.gone' });
    expect(event(edit)).toMatchObject({ type: 'history', parent: original.id, body: 'edited message w.A: "v2"' });
    expect(event(deletion)).toMatchObject({ type: 'history', parent: original.id, body: 'deleted message w.A' });
    expect(event(carolUnlike).body).toBe('removed reaction from message w.A');
    expect(event(call)).toMatchObject({ type: 'message', body: 'WhatsApp call inbound, completed, 65 s, from Bob to Erin Employee, routing: queue=desk-2' });
    expect(event(call).custom).toEqual(
      expect.arrayContaining([
        { name: 'Call duration (s)', value: '65' },
        { name: 'Custody record id', value: call.id },
      ]),
    );
  });

  test('attachment files hold the input bytes, equal content once, a placeholder for content never captured', () => {
    const [img] = event(original).attachments!;
    expect(img).toEqual({ id: `${hex(photo).slice(0, 16)}_holiday_.._photo.png`, display: 'holiday/../photo.png', size: photo.length });
    expect(event(again).attachments![0].id).toBe(img.id);
    expect(hex(zipFile(img.id)!)).toBe(hex(photo));
    expect(hex(zipFile(event(call).attachments![0].id)!)).toBe(hex(recording));

    const [missing] = event(lost).attachments!;
    expect(missing.id).toBe(`${'f'.repeat(16)}_contract.pdf_UNAVAILABLE.txt`);
    expect(zipFile(missing.id)?.toString()).toMatch(/^Attachment content not captured/);
    expect(event(lost).custom).toContainEqual({ name: 'Attachment unavailable', value: 'contract.pdf: content not captured' });
    expect(entries).toHaveLength(1 + 3);
  });

  test('the same document renders to the same bytes; zip entries are dated without a time zone', async () => {
    const again = await render(doc());
    expect(again.bytes.equals(first.bytes)).toBe(true);
    // DOS date and time only (2025-01-01 12:00, the document's first day), no Unix time field: the bytes do not depend on the machine's zone
    const dates = entries.map(([, , e]) => [e.lastModFileDate, e.lastModFileTime, e.extraFields.length]);
    expect(new Set(dates.map((d) => d.join()))).toEqual(new Set([[((2025 - 1980) << 9) | (1 << 5) | 1, 12 << 11, 0].join()]));
  });

  test('an attachment stream that fails makes the render reject', async () => {
    const failing = doc(() => {
      const s = new Readable({ read: () => undefined });
      setImmediate(() => s.destroy(new Error('sha256 mismatch')));
      return s;
    });
    await expect(render(failing)).rejects.toThrow('sha256 mismatch');
  });

  test('an invalid manifest is refused before anything is written', async () => {
    const out = new PassThrough();
    const bad = { ...doc(), events: [{ ...events[0], sentAt: 'yesterday' }, ...events.slice(1)] };
    await expect(renderRsmf(bad, out, { generator: 'g' })).rejects.toThrow('/events/0/timestamp must match format "date-time"');
    expect(out.read()).toBeNull();
  });
});

describe('validateManifest', () => {
  const valid = {
    version: '2.0.0',
    participants: [{ id: 'P1', display: 'Ann' }],
    conversations: [{ id: 'c1', platform: 'sms', type: 'direct', participants: ['P1'] }],
    events: [{ id: 'e1', type: 'message', participant: 'P1', conversation: 'c1', timestamp: '2025-01-01T10:00:00Z', attachments: [{ id: 'a.png' }] }],
  };

  test('accepts a valid manifest whose attachments are in the zip', () => {
    expect(() => validateManifest(valid, ['a.png'])).not.toThrow();
  });

  test('names the path of what the schema refuses', () => {
    const bad = { ...valid, events: [{ ...valid.events[0], type: 'chat', custom: [{ name: 'x', value: '' }] }] };
    expect(() => validateManifest(bad, ['a.png'])).toThrow(/\/events\/0\/type must be equal to one of the allowed values.*\/events\/0\/custom\/0\/value/);
  });

  test('names references the schema cannot check', () => {
    const bad = { ...valid, events: [{ ...valid.events[0], participant: 'P9', parent: 'e7', reactions: [{ value: '👍', participants: ['P8'] }] }] };
    expect(() => validateManifest(bad, [])).toThrow(
      'invalid RSMF manifest: /events/0/participant names no participant: P9; /events/0/parent names no other event: e7; ' +
        '/events/0/reactions/0/participants/0 names no participant: P8; /events/0/attachments/0/id is no file of rsmf.zip: a.png',
    );
  });
});
