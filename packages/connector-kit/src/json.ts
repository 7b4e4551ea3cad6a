import type { z } from 'zod';
import { RejectedInputError } from '@custody/errors';
import { formatIssues } from '@custody/envelope';
import { rejectDuplicateKeys } from './duplicate-keys';

/**
 * Strict JSON intake: UTF-8 only, no prototype keys, no key twice in one object (the archived bytes
 * and the parsed value must say the same thing), and a schema check whose first issues become the
 * rejection reason.
 */
export function parseJsonBody<T>(raw: Buffer, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RejectedInputError('not_utf8', `${what}: body is not valid UTF-8`);
  }
  if (text.trim() === '') throw new RejectedInputError('empty_body', `${what}: body is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text, (key, value) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw new RejectedInputError('forbidden_key', `${what}: key "${key}" is not allowed`);
      }
      return value;
    });
  } catch (err) {
    if (err instanceof RejectedInputError) throw err;
    throw new RejectedInputError('malformed_json', `${what}: malformed JSON (${(err as Error).message})`);
  }
  rejectDuplicateKeys(text, what);
  const result = schema.safeParse(json);
  if (!result.success) throw new RejectedInputError('schema_violation', `${what}: ${formatIssues(result.error.issues)}`);
  return result.data;
}
