import type { ChannelId } from '@custody/envelope';
import type { NormalizeResult } from './run';

export interface ImportContext {
  tenant: string;
  receivedAt: Date;
  /** Whose export this is (the employee's phone, email or handle), when the format does not say. */
  account?: string;
  /**
   * IANA zone for formats with local times and no offset, e.g. Europe/London. Importers that meet
   * such times refuse to guess one: WhatsApp .txt needs it always, old Telegram exports when a
   * message has no *_unixtime.
   */
  timezone?: string;
  /** Day-first or month-first, for a WhatsApp .txt whose dates alone cannot tell (05/01/24). */
  dateOrder?: 'dmy' | 'mdy';
}

export interface ImportItem {
  /**
   * Strictly increasing position of the item in the export (byte offset, message index); a resumed
   * import skips items at or before its checkpoint.
   */
  position: number;
  result: NormalizeResult;
  /** Attachment id → absolute path of its file in the export, for attachments whose content is in the export. */
  files?: Record<string, string>;
  /** The item's own bytes in the export, quarantined with the reason when the item is rejected. */
  raw?: { contentType: string; body: Buffer };
  /**
   * Line-based exports (a WhatsApp .txt, an mbox): the 1-based, inclusive lines of the numbered file
   * (see `Importer.lineCount`; for a WhatsApp export folder its chat .txt) the item was read from,
   * on every item, accepted or rejected. Lines read without an item of their own (blank lines, a
   * separator) belong to an item's range, so every line is in some item: `custody import` reports
   * any line in none as a gap (LineAccounting). Items read from the same lines (a message and its
   * edit note) carry the same range. Absent for formats that are not line-based.
   */
  lines?: { first: number; last: number };
}

/**
 * A vendor export format (WhatsApp "Export chat" .txt, Telegram Desktop result.json, .eml/mbox).
 * Lives in the same registry as the live connectors; `custody import` drives it.
 */
export interface Importer {
  id: string;
  channel: ChannelId;
  description: string;
  /** Streams items; never loads a whole large export into memory when the format allows streaming. */
  read(path: string, ctx: ImportContext): AsyncIterable<ImportItem>;
  /** Total of the unit `position` counts (bytes, messages), for the progress bar; undefined when unknown. */
  total?(path: string): Promise<number | undefined>;
  /**
   * Line-based formats: the file the items' `lines` number and how many lines it has (a last line
   * without a line break counts), so lines after the last item (a parser that stopped early) are
   * a gap too; undefined when the export at `path` is not line-based (an .eml file or folder).
   */
  lineCount?(path: string): Promise<{ file: string; lines: number } | undefined>;
}
