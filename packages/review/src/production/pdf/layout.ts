import { readFileSync } from 'node:fs';

/**
 * The transcript's page layout: A4, DejaVu Sans, and a writer that flows paragraphs down the page
 * (pdfkit starts a new page when one runs past the bottom margin).
 *
 * DejaVu Sans covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic letters and many
 * symbols (✓, arrows), and what it shows pdftotext extracts. It has no emoji and no CJK: such
 * characters are drawn as the font's empty box (.notdef), never an error, and do not extract; the
 * exact text is in the native production, and reactions also name their code points. pdfkit does
 * not reorder right-to-left text: it is shown in stored (logical) order.
 */
export const PAGE = { size: 'A4', margins: { top: 50, bottom: 64, left: 50, right: 50 } } as const;
export const BODY = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';
export const INDENT = 14;

let fonts: { body: Buffer; bold: Buffer } | undefined;

/** What Helvetica can show: WinAnsi, i.e. printable Latin-1 and the 27 characters Windows-1252 adds at 0x80–0x9F. */
const WIN_ANSI = /^[\n\t\x20-\x7e\xa0-\xff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]*$/;

/** Whether any string in `value` (a document's events, names, titles) needs more than Helvetica shows. */
export function needsUnicodeFont(value: unknown): boolean {
  if (typeof value === 'string') return !WIN_ANSI.test(value);
  if (Array.isArray(value)) return value.some(needsUnicodeFont);
  if (value && typeof value === 'object') return Object.values(value).some(needsUnicodeFont);
  return false;
}

/**
 * DejaVu (read once per process, embedded as a subset) when the text needs it; else the standard
 * Helvetica, which needs no embedding: parsing a TrueType font costs tens of milliseconds per
 * document, which an export of thousands of transcripts would pay thousands of times.
 */
export function registerFonts(doc: PDFKit.PDFDocument, unicode: boolean): void {
  if (!unicode) {
    doc.registerFont(BODY, 'Helvetica');
    doc.registerFont(BOLD, 'Helvetica-Bold');
    return;
  }
  fonts ??= {
    body: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  doc.registerFont(BODY, fonts.body);
  doc.registerFont(BOLD, fonts.bold);
}

export interface Style {
  bold?: boolean;
  size?: number;
  /** Indent steps of INDENT points: an event's details sit under its heading. */
  level?: number;
  color?: string;
}

export class Writer {
  constructor(readonly doc: PDFKit.PDFDocument) {}

  /** One paragraph at the current position; wraps, and continues on the next page when it must. */
  para(text: string, style: Style = {}): void {
    const indent = INDENT * (style.level ?? 0);
    const left = PAGE.margins.left + indent;
    const width = this.doc.page.width - PAGE.margins.right - left;
    this.doc
      .font(style.bold ? BOLD : BODY)
      .fontSize(style.size ?? 9.5)
      .fillColor(style.color ?? 'black')
      .text(text, left, this.doc.y, { width });
  }

  /** Starts a new page unless `points` still fit: keeps a heading with the first lines under it. */
  keep(points: number): void {
    if (this.doc.y + points > this.doc.page.maxY()) this.doc.addPage();
  }

  gap(lines = 0.5): void {
    this.doc.moveDown(lines);
  }
}
