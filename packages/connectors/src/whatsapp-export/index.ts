import { stat } from 'node:fs/promises';
import type { ImportContext, ImportItem, Importer } from '@custody/connector-kit';
import { requireTimeZone } from '../import-shared/local-time';
import { scanChat } from './chat';
import { countLines, lineText, readLines } from '../import-shared/lines';
import { locateExport } from './locate';
import { normalizeBlock, type Block, type ReadState } from './normalize';
import { lineShape } from './parse';

/** An import item with the bytes it came from, so a rejected item is quarantined with its evidence. */
type RawItem = ImportItem & { raw: { contentType: string; body: Buffer } };

export const whatsappExport: Importer = {
  id: 'whatsapp-export',
  channel: 'whatsapp',
  description: 'WhatsApp "Export chat" text (Android and iOS, any locale date format), with the media files of the export',
  read: readWhatsAppExport,
  async total(path) {
    return (await stat((await locateExport(path)).chatFile)).size;
  },
  async lineCount(path) {
    const { chatFile } = await locateExport(path);
    return { file: chatFile, lines: await countLines(chatFile) };
  },
};

/**
 * Two streamed passes: the first learns date order and participants (and refuses a file whose date
 * order it cannot decide), the second emits one item per message.
 */
async function* readWhatsAppExport(path: string, ctx: ImportContext): AsyncGenerator<RawItem> {
  const zone = requireTimeZone(ctx.timezone, "whatsapp-export: the chat's times are the exporting phone's wall-clock times, with no zone");
  const where = await locateExport(path);
  const chat = await scanChat(where.chatFile, where.title, ctx.account, ctx.dateOrder);
  const state: ReadState = { chat, ctx, zone, dir: where.dir, occurrences: new Map() };
  for await (const block of blocks(where.chatFile)) {
    const lines = { first: block.lineNo, last: block.lineNo + block.lineCount - 1 };
    for (const out of normalizeBlock(block, state)) yield { ...out, lines, raw: { contentType: 'text/plain; charset=utf-8', body: block.raw } };
  }
}

/**
 * Groups lines into messages: a header line and the continuation lines up to the next header (blank
 * lines included). Every line is in exactly one block: text before the first header is a block of
 * its own (quarantined), so an item's `lines` are its block's and no line is left out.
 */
async function* blocks(chatFile: string): AsyncGenerator<Block> {
  const decoder = new TextDecoder('utf-8');
  let current: { offset: number; lineNo: number; lines: Buffer[]; shape: Block['shape'] } | undefined;
  const done = (b: NonNullable<typeof current>): Block => ({
    offset: b.offset,
    lineNo: b.lineNo,
    lineCount: b.lines.length,
    raw: Buffer.concat(b.lines),
    shape: b.shape,
  });
  for await (const line of readLines(chatFile)) {
    const shape = lineShape(lineText(line.bytes, decoder).replace(/^\ufeff/, '')).kind;
    if (shape === 'continuation' && current) {
      current.lines.push(line.bytes);
      continue;
    }
    if (current) yield done(current);
    current = { offset: line.offset, lineNo: line.number, lines: [line.bytes], shape: shape === 'continuation' ? 'orphan' : shape };
  }
  if (current) yield done(current);
}
