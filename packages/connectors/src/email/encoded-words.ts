import { TextDecoder } from 'node:util';

/** Windows-1252 0x80–0x9F; the rest of the range is Latin-1. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Bytes in a MIME charset → text; an unknown charset label falls back to UTF-8 rather than failing the message. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset?.trim() || 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  // Node 20's decoder for this label (which WHATWG also gives iso-8859-1 and us-ascii) is plain
  // Latin-1: "=80" would come out as a C1 control instead of "€".
  return decoder.encoding === 'windows-1252' ? windows1252(bytes) : decoder.decode(bytes);
}

/** Header bytes: RFC 6532 allows UTF-8; older mailers wrote raw Latin-1 / Windows-1252. */
export function decodeHeaderBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return windows1252(bytes);
  }
}

function windows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 encoded-words (=?charset?B|Q?…?=). Whitespace between adjacent encoded-words is
 * dropped, and adjacent words in the same charset are decoded together so a character split
 * across two words comes out whole.
 */
export function decodeWords(text: string): string {
  if (!text.includes('=?')) return text;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = () => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const m of text.matchAll(WORD)) {
    const gap = text.slice(last, m.index);
    // last > 0: an encoded-word came before; only whitespace between the two is folding, not content
    const adjacent = last > 0 && !/\S/.test(gap);
    const charset = m[1].split('*')[0].toLowerCase();
    if (!adjacent || pending?.charset !== charset) flush();
    if (!adjacent) out += gap;
    pending ??= { charset, bytes: [] };
    pending.bytes.push(m[2].toUpperCase() === 'B' ? Buffer.from(m[3], 'base64') : qDecode(m[3]));
    last = m.index + m[0].length;
  }
  flush();
  return out + text.slice(last);
}

function qDecode(s: string): Buffer {
  return Buffer.from(
    s.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}
