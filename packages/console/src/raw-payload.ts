/**
 * The vendor's payload a record came from (the envelope's `source.raw`), as the record page shows it:
 * either kept inline in the record (an export file's slice for one event: `body` in `encoding`), or a
 * reference to the webhook delivery archived once under its SHA-256 (`sha256`, `size`, `path` of the
 * record's own event in it). Pure, so the unit tests pin the decoding.
 */

export type RawPayload =
  | {
      kind: 'inline';
      contentType: string;
      encoding: 'utf8' | 'base64';
      /** What the <pre> shows: the bytes as text, or the base64 as given when they are not UTF-8 text. */
      text: string;
      /** False when base64 bytes are not UTF-8 text (an image, a binary export): shown as base64. */
      decoded: boolean;
      byteLength: number;
    }
  | { kind: 'reference'; contentType: string; sha256: string; size: number | null; path: string | null }
  | { kind: 'missing' };

/** `envelope` as the API gave it (GET /v1/records/:id): read defensively, nothing assumed of its shape. */
export function rawPayloadOf(envelope: unknown): RawPayload {
  const source = isObject(envelope) ? envelope.source : undefined;
  const raw = isObject(source) ? source.raw : undefined;
  if (!isObject(raw)) return { kind: 'missing' };
  const contentType = typeof raw.contentType === 'string' ? raw.contentType : 'unknown';
  if (typeof raw.sha256 === 'string') {
    return {
      kind: 'reference',
      contentType,
      sha256: raw.sha256,
      size: typeof raw.size === 'number' ? raw.size : null,
      path: typeof raw.path === 'string' ? raw.path : null,
    };
  }
  if (typeof raw.body !== 'string') return { kind: 'missing' };
  if (raw.encoding !== 'base64') {
    return { kind: 'inline', contentType, encoding: 'utf8', text: raw.body, decoded: true, byteLength: new TextEncoder().encode(raw.body).length };
  }
  const bytes = base64Bytes(raw.body);
  if (!bytes) return { kind: 'inline', contentType, encoding: 'base64', text: raw.body, decoded: false, byteLength: 0 };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { kind: 'inline', contentType, encoding: 'base64', text, decoded: true, byteLength: bytes.length };
  } catch {
    return { kind: 'inline', contentType, encoding: 'base64', text: raw.body, decoded: false, byteLength: bytes.length };
  }
}

function base64Bytes(body: string): Uint8Array | null {
  try {
    const binary = atob(body.replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
