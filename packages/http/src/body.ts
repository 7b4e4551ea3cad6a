import type { Readable } from 'node:stream';
import { rejectDuplicateKeys } from '@custody/connector-kit';
import { RejectedInputError, jsonSyntaxMessage } from '@custody/errors';
import type { RawBody } from './route';

/**
 * Reads a body keeping at most `limit` bytes; what arrives past it is drained, not kept, so the
 * caller answers 413 only after the client finished sending (and can read the answer), and the
 * gateway can still quarantine a sample of what it was sent.
 */
export function readLimited(stream: Readable, limit: number, declaredLength?: string): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(declaredLength ?? NaN);
    const chunks: Buffer[] = [];
    let received = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (over) return;
      if (received > limit) {
        over = true;
        chunks.push(chunk.subarray(0, Math.max(0, chunk.length - (received - limit))));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve({ bytes: Buffer.concat(chunks), received, overLimit: over || declared > limit }));
    stream.on('error', reject);
  });
}

/** An API body: empty is `{}`; not JSON is 400 malformed_json; a key twice in one object is 400 duplicate_key. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RejectedInputError('malformed_json', `body is not valid JSON: ${jsonSyntaxMessage(err)}`);
  }
  // the last duplicate would silently win: what was asked and what is audited could differ
  rejectDuplicateKeys(text, 'body');
  return value;
}

/**
 * A CSV upload: content-type text/csv (any other is 415; a charset, when given, must be UTF-8),
 * decoded as UTF-8 strictly (a byte that is not UTF-8 is 400 malformed_csv rather than a U+FFFD
 * stored in its place).
 */
export function parseCsvBody(raw: Buffer, contentType: string | undefined): string {
  const type = /^\s*text\/csv\s*(?:;(.*))?$/i.exec(contentType ?? '');
  if (!type) throw new RejectedInputError('unsupported_media_type', 'send the file with content-type: text/csv', 415);
  const charset = /(?:^|;)\s*charset\s*=\s*"?([^";\s]+)/i.exec(type[1] ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset))
    throw new RejectedInputError('unsupported_media_type', `charset ${charset.slice(0, 40)}: send the file as UTF-8`, 415);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RejectedInputError('malformed_csv', 'body is not valid UTF-8');
  }
}
