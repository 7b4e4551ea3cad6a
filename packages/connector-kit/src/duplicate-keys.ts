import { RejectedInputError } from '@custody/errors';

interface Frame {
  /** Keys seen so far (objects only). */
  keys?: Set<string>;
  /** Objects: the next string is a key. */
  expectKey?: boolean;
  /** Objects: the current member's key; arrays: the current element's index. */
  at: string | number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const segment = (at: string | number) =>
  typeof at === 'number' ? `[${at}]` : IDENTIFIER.test(at) && at.length <= 64 ? `.${at}` : `[${JSON.stringify(at.slice(0, 64))}]`;

/** Keys that would reach an object's prototype chain if a consumer ever copied the value naïvely. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A key the intake refuses: twice in one object, or a prototype key. `at` is the path of the key itself. */
export interface KeyDefect {
  code: 'duplicate_key' | 'forbidden_key';
  key: string;
  at: ReadonlyArray<string | number>;
}

/**
 * Every refused key of `text`, which must already be valid JSON, in document order, at most `limit`:
 * keys that occur twice in one object (JSON.parse keeps the last occurrence silently, so the parsed
 * value and the archived bytes could say different things) and prototype keys. One linear pass;
 * memory is the keys of the objects still open. Keys are compared after unescaping ("a" and
 * "\u0061" are the same key).
 */
export function findKeyDefects(text: string, limit = Infinity): KeyDefect[] {
  const found: KeyDefect[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; ; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(start + 1, i);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const at = () => [...stack.slice(0, -1).map((f) => f.at), key];
        if (top.keys.has(key)) found.push({ code: 'duplicate_key', key, at: at() });
        else if (FORBIDDEN_KEYS.has(key)) found.push({ code: 'forbidden_key', key, at: at() });
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true, at: '' });
    else if (c === 0x5b /* [ */) stack.push({ at: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top.keys) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
  }
  return found;
}

/** `$.a[1]["b c"]`: how a rejection names where a key is. */
export function jsonPath(at: ReadonlyArray<string | number>): string {
  return `$${at.map(segment).join('')}`.slice(0, 512);
}

/** The first key that occurs twice in one object of `text` (valid JSON), with its path. */
export function findDuplicateKey(text: string): { key: string; path: string } | undefined {
  const dup = findKeyDefects(text).find((d) => d.code === 'duplicate_key');
  return dup && { key: dup.key, path: jsonPath(dup.at) };
}

/** Rejects (400 duplicate_key, naming the key and where it is) JSON text with a key twice in one object. */
export function rejectDuplicateKeys(text: string, what: string): void {
  const dup = findDuplicateKey(text);
  if (dup) throw new RejectedInputError('duplicate_key', `${what}: duplicate key ${JSON.stringify(dup.key.slice(0, 64))} at ${dup.path}`);
}
