import { RejectedInputError } from '@custody/errors';
import { decodeCharset, decodeHeaderBytes, decodeWords } from './encoded-words';

/** Deeper nesting than any mailer writes: a message built to exhaust the parser. */
const MAX_DEPTH = 32;

export interface Structured {
  /** Lower-cased main value: "text/plain", "attachment". */
  value: string;
  /** Lower-cased parameter names → decoded values (RFC 2231 continuations and charsets applied). */
  params: Map<string, string>;
}

export interface MimePart {
  /** Lower-cased header names → unfolded raw values, in order. */
  headers: Array<[string, string]>;
  contentType: Structured;
  disposition?: Structured;
  /** Transfer-decoded body bytes (empty for multiparts). */
  body: Buffer;
  parts?: MimePart[];
}

export function header(part: MimePart, name: string): string | undefined {
  return part.headers.find(([n]) => n === name)?.[1];
}

/** `where` names the message in a rejection. */
export function parsePart(raw: Buffer, where: string, depth = 0): MimePart {
  if (depth > MAX_DEPTH) throw new RejectedInputError('mime_too_deep', `${where}: MIME nesting deeper than ${MAX_DEPTH} levels`);
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const contentType = parseStructured(headerIn(headers, 'content-type') ?? 'text/plain; charset=us-ascii');
  const dispositionValue = headerIn(headers, 'content-disposition');
  const part: MimePart = { headers, contentType, disposition: dispositionValue ? parseStructured(dispositionValue) : undefined, body: Buffer.alloc(0) };
  const boundary = contentType.params.get('boundary');
  if (contentType.value.startsWith('multipart/') && boundary) {
    part.parts = splitMultipart(body, boundary).map((p) => parsePart(p, where, depth + 1));
  } else {
    part.body = transferDecode(body, headerIn(headers, 'content-transfer-encoding'));
  }
  return part;
}

export function textOf(part: MimePart): string {
  return decodeCharset(part.body, part.contentType.params.get('charset'));
}

/** The header block ends at the first empty line (CRLF or LF); a message without one is all headers. */
function splitHead(raw: Buffer): { head: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a)) return { head: Buffer.alloc(0), body: raw.subarray(raw[0] === 0x0a ? 1 : 2) };
  if (crlf === -1 && lf === -1) return { head: raw, body: Buffer.alloc(0) };
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { head: raw.subarray(0, crlf), body: raw.subarray(crlf + 4) };
  return { head: raw.subarray(0, lf), body: raw.subarray(lf + 2) };
}

function parseHeaders(head: Buffer): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of decodeHeaderBytes(head).split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += line;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
  }
  return headers;
}

function headerIn(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** `value; name=token; name="quoted"; name*=utf-8''%E2%82%AC; name*0*=…; name*1=…` (RFC 2045, RFC 2231). */
export function parseStructured(text: string): Structured {
  const [main = '', ...rest] = splitOutsideQuotes(text, ';');
  const segments = new Map<string, Array<{ section: number; extended: boolean; value: string }>>();
  for (const piece of rest) {
    const m = /^\s*([^=\s*]+)(?:\*(\d+))?(\*)?\s*=\s*([\s\S]*)$/.exec(piece);
    if (!m) continue;
    const name = m[1].toLowerCase();
    const list = segments.get(name) ?? [];
    list.push({ section: m[2] ? Number(m[2]) : 0, extended: Boolean(m[3]), value: unquote(m[4].trim()) });
    segments.set(name, list);
  }
  const params = new Map<string, string>();
  for (const [name, list] of segments) {
    list.sort((a, b) => a.section - b.section);
    const ext = list.find((s) => s.extended && s.section === 0 && /^[^']*'[^']*'/.test(s.value));
    const charset = ext ? ext.value.slice(0, ext.value.indexOf("'")) : undefined;
    const bytes = list.map((s) => {
      if (!s.extended) return Buffer.from(s.value, 'utf8');
      const data = s === ext ? s.value.replace(/^[^']*'[^']*'/, '') : s.value;
      return Buffer.from(
        data.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
    });
    const value = decodeCharset(Buffer.concat(bytes), charset);
    // mailers often put RFC 2047 words in quoted filenames although RFC 2231 is the standard way
    params.set(name, list.some((s) => s.extended) ? value : decodeWords(value));
  }
  return { value: main.trim().toLowerCase(), params };
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === sep && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** Parts between "--boundary" lines, up to "--boundary--" (or the end, when a truncated message lacks it). */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?:\\r?\\n|$)`, 'g');
  const parts: Buffer[] = [];
  let start = -1;
  for (const m of text.matchAll(delimiter)) {
    if (start >= 0) parts.push(Buffer.from(text.slice(start, m.index), 'latin1'));
    if (m[1]) return parts;
    start = m.index + m[0].length;
  }
  if (start >= 0) parts.push(Buffer.from(text.slice(start), 'latin1'));
  return parts;
}

function transferDecode(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body
          .toString('latin1')
          .replace(/[ \t]+(?=\r?\n)/g, '')
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      );
    default:
      return body;
  }
}
