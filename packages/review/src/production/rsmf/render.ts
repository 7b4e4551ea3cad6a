import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { ZipFile } from 'yazl';
import type { ThreadAttachment } from '../../thread-view';
import { APPLICATION_NAMES, type ConversationDocument } from '../document';
import { attachmentsOf, contentKey, rsmfManifest, sha256, type RsmfFile, type RsmfManifest } from './manifest';
import { validateManifest } from './validate';

/**
 * A conversation as a Relativity Short Message Format 2.0 file: an RFC 5322 message with a readable
 * preview as its body and one attachment, rsmf.zip, holding rsmf_manifest.json first and then the
 * attachment files. Attachments stream from WORM into the zip and out through base64 with backpressure,
 * so a file of any size renders in constant memory. Everything random in a MIME message or a zip
 * (boundary, Message-ID, Date, entry times) is derived from the document: the same document gives the
 * same bytes, on any machine and in any time zone, so a resumed export verifies like an uninterrupted one.
 */

export interface RsmfSummary {
  eventCount: number;
  /** Files in rsmf.zip besides the manifest. */
  attachmentCount: number;
  /** Display names of the participants. */
  participants: string[];
  beginDate: string;
  endDate: string;
  eventCollectionId: string;
}

const MANIFEST = 'rsmf_manifest.json';
/** Events listed in the preview body; the rest are in rsmf.zip, which is what review platforms load anyway. */
const PREVIEW_EVENTS = 200;
const PREVIEW_LINE_CHARS = 300;
const FROM = 'rsmf@custody.invalid';

/** Header names as Relativity spells them (nodemailer would write X-Rsmf-Version). */
const HEADER_CASE = new Map(
  [
    'X-RSMF-Version',
    'X-RSMF-Generator',
    'X-RSMF-BeginDate',
    'X-RSMF-EndDate',
    'X-RSMF-EventCount',
    'X-RSMF-Application',
    'X-RSMF-Custodian',
    'X-RSMF-Participants',
    'X-RSMF-AttachmentCount',
    'X-RSMF-EventCollectionID',
  ].map((h) => [h.toLowerCase(), h]),
);

/** Writes `doc` as a .rsmf file to `out` (and ends it); rejects, before writing anything, when its manifest would be invalid. */
export async function renderRsmf(doc: ConversationDocument, out: Writable, opts: { generator: string }): Promise<RsmfSummary> {
  const { manifest, files } = rsmfManifest(doc, await capturedContent(doc));
  validateManifest(
    manifest,
    files.map((f) => f.name),
  );
  const stamps = manifest.events.map((e) => e.timestamp).sort();
  const beginDate = stamps[0] ?? doc.period.from;
  const endDate = stamps[stamps.length - 1] ?? doc.period.to;
  const participants = manifest.participants.map((p) => p.display);
  const custodians = doc.custodians.join(', ');
  const id = sha256([doc.exportId, doc.conversation.id, doc.period.from, doc.period.to].join('\n'));
  const app = APPLICATION_NAMES[doc.conversation.channel] ?? doc.conversation.channel;
  const emails = manifest.participants.flatMap((p) => (p.email ? [{ name: p.display, address: p.email }] : []));

  const opened: Readable[] = [];
  const zip = zipOf(doc, manifest, files, opened);
  const mail: Mail.Options & { baseBoundary: string } = {
    // nodemailer's boundary is random unless given; derived from the document like the Message-ID
    baseBoundary: id.slice(0, 24),
    normalizeHeaderKey: (key) => HEADER_CASE.get(key.toLowerCase()) ?? key,
    headers: {
      'X-RSMF-Version': '2.0.0',
      'X-RSMF-Generator': opts.generator,
      'X-RSMF-BeginDate': beginDate,
      'X-RSMF-EndDate': endDate,
      'X-RSMF-EventCount': String(manifest.events.length),
      'X-RSMF-Application': app,
      ...(custodians ? { 'X-RSMF-Custodian': custodians } : {}),
      'X-RSMF-Participants': participants.join(', '),
      'X-RSMF-AttachmentCount': String(files.length),
      'X-RSMF-EventCollectionID': manifest.eventcollectionid,
    },
    from: { name: opts.generator, address: FROM },
    // the participants reachable by email; chat identifiers are no addresses (they are all in X-RSMF-Participants)
    to: emails.length ? emails : 'undisclosed-recipients:;',
    subject: `${app} conversation ${doc.conversation.title ?? doc.conversation.id}, ${beginDate} to ${endDate}`,
    date: new Date(endDate),
    messageId: `<${id}@custody.rsmf>`,
    text: preview(doc, manifest, beginDate, endDate),
    attachments: [{ filename: 'rsmf.zip', contentType: 'application/zip', content: zip.outputStream as Readable }],
  };
  try {
    await pipeline(new MailComposer(mail).compile().createReadStream(), out);
  } catch (err) {
    // the mail stream is gone; release what it was pulling from (an open WORM read holds a connection)
    for (const s of [...opened, zip.outputStream as Readable]) s.destroy();
    throw err;
  }
  return { eventCount: manifest.events.length, attachmentCount: files.length, participants, beginDate, endDate, eventCollectionId: manifest.eventcollectionid };
}

/**
 * Which attachments have content. The manifest comes first in the zip and must say so before any
 * content streams, so each content is opened once here and closed at once, then opened again when
 * its turn in the zip comes: holding every stream open until then would hold as many connections.
 */
async function capturedContent(doc: ConversationDocument): Promise<(a: ThreadAttachment) => boolean> {
  const captured = new Set<ThreadAttachment>();
  const found = new Set<string>();
  for (const e of doc.events) {
    for (const a of attachmentsOf(e)) {
      const key = contentKey(e.id, a);
      // equal content is stored once: one readable copy is enough
      if (found.has(key)) {
        captured.add(a);
        continue;
      }
      const s = await doc.attachments.open(a);
      if (!s) continue;
      s.on('error', () => undefined); // the probe reads nothing: an error now is the real read's to report
      s.destroy();
      captured.add(a);
      found.add(key);
    }
  }
  return (a) => captured.has(a);
}

/**
 * rsmf.zip, stored (attachments are mostly compressed media already), entries timed at noon of the
 * document's first UTC day as DOS local time only: yazl would otherwise write the machine's time zone
 * into the bytes. Attachments open one at a time, when the zip reaches them; their errors end the zip.
 */
function zipOf(doc: ConversationDocument, manifest: RsmfManifest, files: RsmfFile[], opened: Readable[]): ZipFile {
  const [y, m, d] = doc.period.from.slice(0, 10).split('-').map(Number);
  const options = { mtime: new Date(y, m - 1, d, 12), forceDosTimestamp: true, compress: false };
  const zip = new ZipFile();
  const fail = (err: unknown) => (zip.outputStream as Readable).destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), MANIFEST, options);
  for (const f of files) {
    if ('placeholder' in f) {
      zip.addBuffer(Buffer.from(f.placeholder), f.name, options);
      continue;
    }
    zip.addReadStreamLazy(f.name, options, (cb) => {
      void doc.attachments.open(f.attachment).then((s) => {
        if (!s) return fail(new Error(`attachment ${f.attachment.id}: content no longer readable`));
        // the render failed while this stream was opening: nobody will read it
        if ((zip.outputStream as Readable).destroyed) return void s.destroy();
        opened.push(s);
        // yazl pipes the stream without listening for its errors (a hash mismatch, a broken read)
        s.on('error', fail);
        cb(null, s);
      }, fail);
    });
  }
  zip.end();
  return zip;
}

/** The body a mail client shows: what the conversation is, then its events one per line. */
function preview(doc: ConversationDocument, manifest: RsmfManifest, from: string, to: string): string {
  const names = new Map(manifest.participants.map((p) => [p.id, p.display]));
  const line = (s: string) => {
    const chars = Array.from(s.replace(/\s+/g, ' ').trim());
    return chars.length > PREVIEW_LINE_CHARS ? `${chars.slice(0, PREVIEW_LINE_CHARS).join('')}…` : chars.join('');
  };
  const events = manifest.events.slice(0, PREVIEW_EVENTS).map((e) => {
    const files = (e.attachments ?? []).map((a) => ` [attachment: ${a.display}]`).join('');
    return `[${e.timestamp.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC] ${names.get(e.participant)}: ${line(`${e.body ?? ''}${files}`)}`;
  });
  const more = manifest.events.length - events.length;
  return [
    `${APPLICATION_NAMES[doc.conversation.channel] ?? doc.conversation.channel} conversation ${doc.conversation.title ?? doc.conversation.id}`,
    `Matter: ${doc.matter}`,
    `Period: ${from} to ${to} (UTC)`,
    `Participants: ${manifest.participants.map((p) => p.display).join(', ')}`,
    '',
    ...events,
    ...(more > 0 ? [`… ${more} more events in rsmf.zip`] : []),
    '',
  ].join('\n');
}
