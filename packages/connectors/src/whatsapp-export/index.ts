import { stat } from 'node:fs/promises';
import type { ImportContext, ImportItem, Importer } from '@custody/connector-kit';
import { requireTimeZone } from '../import-shared/local-time';
import { scanChat } from './chat';
import { lineText, readLines } from '../import-shared/lines';
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
    for (const out of normalizeBlock(block, state)) yield { ...out, raw: { contentType: 'text/plain; charset=utf-8', body: block.raw } };
  }
}

/** Groups lines into messages: a header line and the continuation lines up to the next header. */
async function* blocks(chatFile: string): AsyncGenerator<Block> {
  const decoder = new TextDecoder('utf-8');
  let current: { offset: number; lineNo: number; lines: Buffer[]; shape: Block['shape'] } | undefined;
  let lineNo = 0;
  for await (const line of readLines(chatFile)) {
    lineNo++;
    const shape = lineShape(lineText(line.bytes, decoder).replace(/^\ufeff/, '')).kind;
    if (shape === 'continuation' && current) {
      current.lines.push(line.bytes);
      continue;
    }
    if (current) yield { offset: current.offset, lineNo: current.lineNo, raw: Buffer.concat(current.lines), shape: current.shape };
    current = { offset: line.offset, lineNo, lines: [line.bytes], shape: shape === 'continuation' ? 'orphan' : shape };
  }
  if (current) yield { offset: current.offset, lineNo: current.lineNo, raw: Buffer.concat(current.lines), shape: current.shape };
}
