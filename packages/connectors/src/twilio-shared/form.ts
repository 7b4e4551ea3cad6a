import type { z } from 'zod';
import { RejectedInputError } from '@custody/errors';
import { formatIssues } from '@custody/envelope';

export type FormPairs = Array<[name: string, value: string]>;
export type FormParams = Record<string, string>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * application/x-www-form-urlencoded → name/value pairs in body order, strictly: every segment is
 * name=value, percent escapes are complete, and the decoded bytes are UTF-8. URLSearchParams would
 * silently repair all three, and the signature must be checked over exactly what we archive.
 */
export function decodeForm(raw: Buffer, what: string): FormPairs {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new RejectedInputError('not_utf8', `${what}: body is not valid UTF-8`);
  }
  if (text.trim() === '') throw new RejectedInputError('empty_body', `${what}: body is empty`);
  return text.split('&').map((segment, i) => {
    const eq = segment.indexOf('=');
    if (eq <= 0) throw new RejectedInputError('malformed_form', `${what}: parameter ${i} is not name=value`);
    return [decodeComponent(segment.slice(0, eq), what, i), decodeComponent(segment.slice(eq + 1), what, i)];
  });
}

function decodeComponent(s: string, what: string, i: number): string {
  const src = Buffer.from(s.replace(/\+/g, ' '), 'utf8');
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let p = 0; p < src.length; p++) {
    if (src[p] !== 0x25) {
      out[n++] = src[p]!;
      continue;
    }
    const hex = src.toString('latin1', p + 1, p + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new RejectedInputError('malformed_form', `${what}: parameter ${i} has an incomplete percent escape`);
    out[n++] = parseInt(hex, 16);
    p += 2;
  }
  try {
    return utf8.decode(out.subarray(0, n));
  } catch {
    throw new RejectedInputError('not_utf8', `${what}: parameter ${i} is not valid UTF-8 once percent-decoded`);
  }
}

/** Pairs → params. Every Twilio webhook parameter is a singleton (lists are numbered: MediaUrl0..N), so a repeat is ambiguous. */
export function formParams(pairs: FormPairs, what: string): FormParams {
  const params: FormParams = Object.create(null);
  for (const [name, value] of pairs) {
    if (FORBIDDEN.has(name)) throw new RejectedInputError('forbidden_key', `${what}: parameter name "${name}" is not allowed`);
    if (Object.hasOwn(params, name)) throw new RejectedInputError('duplicate_param', `${what}: parameter ${name} appears more than once`);
    params[name] = value;
  }
  return params;
}

/** Content type check, strict decoding, then the vendor schema; the reason names the parameters. */
export function parseTwilioForm<T>(raw: Buffer, contentType: string, schema: z.ZodType<T>, what: string): T {
  const [type, ...attrs] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = attrs
    .find((a) => a.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if ((contentType && type !== 'application/x-www-form-urlencoded') || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new RejectedInputError('unsupported_media_type', `${what}: content-type must be application/x-www-form-urlencoded (UTF-8), got ${contentType}`, 415);
  }
  return checkForm(schema, formParams(decodeForm(raw, what), what), what);
}

export function checkForm<T>(schema: z.ZodType<T>, params: FormParams, what: string): T {
  const result = schema.safeParse(params);
  if (!result.success) throw new RejectedInputError('schema_violation', `${what}: ${formatIssues(result.error.issues)}`);
  return result.data;
}
