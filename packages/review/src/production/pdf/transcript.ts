import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import { APPLICATION_NAMES, type ConversationDocument } from '../document';
import { renderEvent } from './events';
import { clock, productionNumber } from './format';
import { header } from './header';
import { BODY, BOLD, PAGE, Writer, needsUnicodeFont, registerFonts } from './layout';

export interface TranscriptOptions {
  /** IANA zone every time is also shown in, e.g. Europe/London (the caller defaults it to UTC). */
  timeZone: string;
  /** Production numbers stamped one per page, consecutive from `start`: `${prefix}${start zero-padded to digits}`. */
  bates: { prefix: string; start: number; digits: number };
  /** Names the software in the PDF's Producer and Creator. */
  generator: string;
  /** Not supported: the employee mapping shown is the one recorded on each participant (employeeId). */
  participantsMapping?: never;
}

export interface TranscriptSummary {
  pages: number;
  /** Production numbers of the first and last page. */
  firstNumber: string;
  lastNumber: string;
  /** The number the next document of the production starts from. */
  nextStart: number;
}

/**
 * The human-readable transcript of one conversation document, as a PDF written to `out`: a header,
 * then every event in thread order with its history, attachments and pictures, and on every page its
 * production number and "Page i of N".
 *
 * The same document and options give the same bytes: the dates in the file are the period's end, the
 * file ID pdfkit derives from them and the other info fields, and nothing else varies. Pages are held
 * until the end (the footers need the page count), so memory grows with the transcript's length.
 * Nothing is written to `out` unless the whole transcript was laid out: an attachment whose content
 * fails its hash check rejects before the first byte.
 */
export async function renderTranscript(doc: ConversationDocument, out: Writable, opts: TranscriptOptions): Promise<TranscriptSummary> {
  const { prefix, start, digits } = opts.bates;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError(`bates.start must be a non-negative integer, not ${start}`);
  if (!Number.isSafeInteger(digits) || digits < 1) throw new RangeError(`bates.digits must be a positive integer, not ${digits}`);
  const date = new Date(doc.period.to);
  if (Number.isNaN(date.getTime())) throw new RangeError(`period.to is not a time: ${doc.period.to}`);
  const time = clock(opts.timeZone);

  const application = APPLICATION_NAMES[doc.conversation.channel] ?? doc.conversation.channel;
  const pdf = new PDFDocument({
    size: PAGE.size,
    margins: { ...PAGE.margins },
    bufferPages: true,
    // no default font: pdfkit would parse Helvetica's metrics for every document before ours are set
    font: null as unknown as string,
    displayTitle: true,
    info: {
      Title: `${application} conversation ${doc.conversation.title ?? doc.conversation.id}: transcript`,
      Subject: `Matter ${doc.matter}, export ${doc.exportId}, conversation ${doc.conversation.id}, ${doc.period.from} to ${doc.period.to}`,
      Producer: opts.generator,
      Creator: opts.generator,
      CreationDate: date,
      ModDate: date,
    },
  });
  // every string the transcript writes comes from the document (its own labels are WinAnsi)
  registerFonts(pdf, needsUnicodeFont([doc.tenant, doc.matter, doc.exportId, doc.conversation, doc.custodians, doc.events, opts.timeZone]));
  const w = new Writer(pdf);
  header(w, doc, time, opts.timeZone);
  for (const [i, e] of doc.events.entries()) await renderEvent(w, e, i + 1, { time, attachments: doc.attachments });
  const pages = stampFooters(pdf, doc.exportId, opts.bates);

  const written = pipeline(pdf, out);
  pdf.end();
  await written;
  return {
    pages,
    firstNumber: productionNumber(prefix, start, digits),
    lastNumber: productionNumber(prefix, start + pages - 1, digits),
    nextStart: start + pages,
  };
}

/** Production number (bottom right), "Page i of N" (bottom centre) and the export id on every page, once all are laid out. */
function stampFooters(pdf: PDFKit.PDFDocument, exportId: string, bates: TranscriptOptions['bates']): number {
  const { start, count } = pdf.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    const page = pdf.switchToPage(start + i);
    // text below the bottom margin would make pdfkit start a new page: the footer sits in the margin
    page.margins.bottom = 0;
    const left = PAGE.margins.left;
    const width = page.width - PAGE.margins.left - PAGE.margins.right;
    const y = page.height - 44;
    pdf.fillColor('black');
    pdf
      .font(BOLD)
      .fontSize(9)
      .text(productionNumber(bates.prefix, bates.start + i, bates.digits), left, y, { width, align: 'right', lineBreak: false });
    pdf
      .font(BODY)
      .fontSize(8)
      .text(`Page ${i + 1} of ${count}`, left, y + 1, { width, align: 'center', lineBreak: false });
    pdf
      .fillColor('#555555')
      .fontSize(7)
      .text(`Export ${exportId}`, left, y + 14, { width, lineBreak: false });
    page.margins.bottom = PAGE.margins.bottom;
  }
  return count;
}
