import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inflateSync } from 'node:zlib';
import type { ThreadAttachment } from '../../thread-view';

/** Images drawn inline: the formats pdfkit embeds, up to a size that keeps a page's memory bounded. */
export const INLINE_IMAGE_BYTES = 10 * 1024 * 1024;
const INLINE_TYPES = new Set(['image/png', 'image/jpeg']);
/**
 * pdfkit decodes PNGs with transparency into memory (4 bytes a pixel and more), and a small file can
 * be a huge picture: a 12-megapixel phone picture still fits.
 */
const MAX_PNG_PIXELS = 16_000_000;

/** A picture pdfkit can draw, whatever its size. */
export function isPicture(a: ThreadAttachment): boolean {
  return a.mimeType !== null && INLINE_TYPES.has(a.mimeType);
}

/**
 * The content when it is at most `limit` bytes, undefined when longer (reading stops there and the
 * stream is closed). An error of the stream, such as a failed hash check, rejects.
 */
export async function readAtMost(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // leaving the loop early destroys the stream
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** What pdfkit's openImage returns: public in pdfkit, absent from @types/pdfkit. */
interface PdfImage {
  width: number;
  height: number;
  /** The image object, made when the image is first drawn; `offset` is set once it is written out. */
  obj?: { offset?: number };
}

interface ImageCalls {
  openImage(src: Buffer): PdfImage;
  /** pdfkit draws an opened image as it draws a buffer. */
  image(src: PdfImage, options: PDFKit.Mixins.ImageOption): unknown;
}

/**
 * Draws the image in the text flow at `x`, at most `box` points wide and high and never enlarged;
 * returns why it could not be drawn instead of throwing, so one bad picture never fails a production.
 */
export async function drawImage(doc: PDFKit.PDFDocument, content: Buffer, mimeType: string, x: number, box: number): Promise<string | undefined> {
  const problem = mimeType === 'image/png' ? pngProblem(content) : undefined;
  if (problem) return problem;
  const pdf = doc as unknown as ImageCalls;
  let img: PdfImage;
  try {
    img = pdf.openImage(content);
  } catch (err) {
    // pdfkit throws strings for bad JPEGs
    return `not a readable ${mimeType} image (${err instanceof Error ? err.message : String(err)})`;
  }
  const fit: [number, number] = [Math.min(box, img.width), Math.min(box, img.height)];
  if (doc.y + fit[1] > doc.page.maxY()) doc.addPage();
  doc.x = x;
  pdf.image(img, { fit });
  // pdfkit writes a PNG with transparency or interlacing when zlib's callback fires; waiting for it
  // keeps the objects of the file in the same order on every render (byte-identical output)
  const written = img.obj;
  while (written && written.offset === undefined) await nextTurn();
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel by PNG colour type: grey, RGB, palette index, grey and alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * Why pdfkit cannot draw this PNG, or undefined. pdfkit (png-js) inflates some PNGs in a zlib
 * callback and throws there on corrupt data, which no caller can catch and which ends the process:
 * so the image data is checked here first, synchronously, bounded by the size its header declares.
 */
export function pngProblem(png: Buffer): string | undefined {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return 'not a PNG image';
  let header: { width: number; height: number; bits: number; channels: number; interlaced: boolean } | undefined;
  const data: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (body.length !== length) return 'truncated PNG image';
    if (type === 'IHDR' && length >= 13) {
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bits: body[8], channels: CHANNELS[body[9]] ?? 0, interlaced: body[12] === 1 };
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header || header.channels === 0 || ![1, 2, 4, 8, 16].includes(header.bits)) return 'unsupported PNG image';
  const { width, height } = header;
  if (width === 0 || height === 0 || width * height > MAX_PNG_PIXELS) return `PNG image of ${width}×${height} pixels not drawn inline`;
  const bitsPerPixel = header.bits * header.channels;
  // each row: its filter byte, then its samples
  const rows = (header.interlaced ? ADAM7 : [[0, 0, 1, 1]])
    .map(([x0, y0, dx, dy]) => ({ w: Math.ceil((width - x0) / dx), h: Math.ceil((height - y0) / dy) }))
    .filter((p) => p.w > 0 && p.h > 0)
    .flatMap((p) => Array<number>(p.h).fill(1 + Math.ceil((p.w * bitsPerPixel) / 8)));
  const expected = rows.reduce((sum, n) => sum + n, 0);
  let pixels: Buffer;
  try {
    pixels = inflateSync(Buffer.concat(data), { maxOutputLength: expected });
  } catch {
    return 'corrupt PNG image data';
  }
  if (pixels.length !== expected) return 'corrupt PNG image data';
  let at = 0;
  for (const n of rows) {
    if (pixels[at] > 4) return 'corrupt PNG image data';
    at += n;
  }
  return undefined;
}
