import { readLines } from '../import-shared/lines';

export interface MboxMessage {
  /** Byte offset of the "From " line. */
  offset: number;
  fromLine: string;
  /** The RFC 822 message: without its "From " line and the separating blank line, ">From " unescaped. */
  raw: Buffer;
  /** 1-based lines of the mailbox the message takes: its "From " line to the line before the next one (the separating blank line included). */
  lines: { first: number; last: number };
}

const FROM_ESCAPED = /^>+From /;

/**
 * mbox (mboxo/mboxrd): a message starts at a "From " line at the start of the file or after a
 * blank line. Lines of the form ">From ", ">>From " lose one ">" (mboxrd unescaping).
 */
export async function* mboxMessages(path: string): AsyncGenerator<MboxMessage> {
  let current: Pending | undefined;
  let previousBlank = true;
  for await (const line of readLines(path)) {
    const text = line.bytes.toString('latin1');
    if (previousBlank && text.startsWith('From ')) {
      if (current) yield finish(current);
      current = { offset: line.offset, fromLine: text.replace(/\r?\n$/, ''), firstLine: line.number, lines: [] };
    } else if (current) {
      current.lines.push(FROM_ESCAPED.test(text) ? line.bytes.subarray(1) : line.bytes);
    }
    // lines before the first "From " line are in no message: the caller reads a file as mbox only when it starts with one
    previousBlank = /^\r?\n$/.test(text);
  }
  if (current) yield finish(current);
}

interface Pending {
  offset: number;
  fromLine: string;
  firstLine: number;
  lines: Buffer[];
}

function finish(m: Pending): MboxMessage {
  const last = m.lines.at(-1);
  const lines = last && /^\r?\n$/.test(last.toString('latin1')) ? m.lines.slice(0, -1) : m.lines;
  return { offset: m.offset, fromLine: m.fromLine, raw: Buffer.concat(lines), lines: { first: m.firstLine, last: m.firstLine + m.lines.length } };
}
