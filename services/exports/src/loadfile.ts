import { csvCell } from '@custody/http';
import type { ProducedDocument } from './ledger';

/** Load file columns, as review platforms map them (BEGBATES/ENDBATES style). */
export const LOAD_FILE_COLUMNS = [
  'BegProd',
  'EndProd',
  'Format',
  'Custodians',
  'Channel',
  'Conversation',
  'BeginTime',
  'EndTime',
  'Participants',
  'FilePath',
  'SHA256',
  'SourceRecordIds',
] as const;

function cells(d: ProducedDocument): string[] {
  return [
    d.begin,
    d.end,
    d.format,
    d.custodians.join('; '),
    d.channel,
    d.conversationId,
    d.beginTime,
    d.endTime,
    d.participants.join('; '),
    d.path,
    d.sha256,
    d.records.join('; '),
  ];
}

/** One CSV row (RFC 4180, CRLF), every cell neutralized: conversation ids and participants come from vendors. */
export const csvRow = (values: readonly string[]) => `${values.map(csvCell).join(',')}\r\n`;
export const csvDocumentRow = (d: ProducedDocument) => csvRow(cells(d));

/**
 * Concordance DAT with its default delimiters: every field quoted with þ (character 254) and
 * separated by ¶ (character 20, which Concordance shows as ¶), a line break inside a field written
 * as ® (character 174). UTF-8 with a BOM, which Relativity and Concordance detect. A value cannot
 * carry the delimiters themselves: they become spaces.
 */
const QUOTE = '\u00fe';
const SEPARATOR = '\u0014';
const NEWLINE = '\u00ae';
const datCell = (v: string) => `${QUOTE}${v.replace(/[\u00fe\u0014]/g, ' ').replace(/\r\n|\r|\n/g, NEWLINE)}${QUOTE}`;
export const datRow = (values: readonly string[]) => `${values.map(datCell).join(SEPARATOR)}\r\n`;
export const datDocumentRow = (d: ProducedDocument) => datRow(cells(d));
export const DAT_BOM = '\ufeff';
