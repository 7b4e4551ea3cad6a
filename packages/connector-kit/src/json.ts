import type { z } from 'zod';
import { RejectedInputError } from '@custody/errors';
import { formatIssues } from '@custody/envelope';
import { findKeyDefects, jsonPath, type KeyDefect } from './duplicate-keys';

/**
 * A refused key inside a delivery of many events: the event that holds it is quarantined, its
 * neighbours are not (see normalizePayload). `at` is the dot path of the key, e.g.
 * entry.0.changes.0.value.messages.1.__proto__ — the notation connectors give isolateEvent.
 */
export interface PayloadDefect {
  code: KeyDefect['code'];
  reason: string;
  at: string;
}

/** Past this many refused keys a delivery is refused whole: naming each would cost more than it holds. */
const MAX_DEFECTS = 100;

let collecting: PayloadDefect[] | undefined;

/**
 * Runs `parse` (a connector's, synchronous) so that parseJsonDelivery inside it hands refused keys
 * back as defects of single events instead of refusing the whole delivery.
 */
export function collectPayloadDefects<T>(parse: () => T): { value: T; defects: PayloadDefect[] } {
  const outer = collecting;
  const defects: PayloadDefect[] = [];
  collecting = defects;
  try {
    return { value: parse(), defects };
  } finally {
    collecting = outer;
  }
}

/**
 * Strict JSON intake: UTF-8 only, no prototype keys, no key twice in one object (the archived bytes
 * and the parsed value must say the same thing), and a schema check whose first issues become the
 * rejection reason. For one event (an export slice, a line): any refused key refuses it.
 */
export function parseJsonBody<T>(raw: Buffer, schema: z.ZodType<T>, what: string): T {
  return parseJson(raw, schema, what, false);
}

/**
 * parseJsonBody for a payload that carries many events (a webhook batch). Under
 * collectPayloadDefects a refused key is reported as a defect at its path and removed from the
 * parsed value, so only the event holding it is quarantined; elsewhere it is as strict as parseJsonBody.
 */
export function parseJsonDelivery<T>(raw: Buffer, schema: z.ZodType<T>, what: string): T {
  return parseJson(raw, schema, what, collecting !== undefined);
}

function parseJson<T>(raw: Buffer, schema: z.ZodType<T>, what: string, perEvent: boolean): T {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RejectedInputError('not_utf8', `${what}: body is not valid UTF-8`);
  }
  if (text.trim() === '') throw new RejectedInputError('empty_body', `${what}: body is empty`);
  let json: unknown;
  try {
    // JSON.parse defines "__proto__" as an own data property, never the prototype; it is removed below
    json = JSON.parse(text);
  } catch (err) {
    throw new RejectedInputError('malformed_json', `${what}: malformed JSON (${(err as Error).message})`);
  }
  const defects = findKeyDefects(text, MAX_DEFECTS + 1);
  if (defects.length > 0 && (!perEvent || defects.length > MAX_DEFECTS)) throw refusal(defects[0], what);
  for (const d of defects) {
    if (d.code === 'forbidden_key') removeKey(json, d.at);
    collecting!.push({ code: d.code, reason: refusal(d, what).message, at: d.at.join('.') });
  }
  const result = schema.safeParse(json);
  // a payload that no longer fits its schema once a refused key is gone is refused for that key, the cause
  if (!result.success)
    throw defects.length > 0 ? refusal(defects[0], what) : new RejectedInputError('schema_violation', `${what}: ${formatIssues(result.error.issues)}`);
  return result.data;
}

function refusal(d: KeyDefect, what: string): RejectedInputError {
  return d.code === 'forbidden_key'
    ? new RejectedInputError('forbidden_key', `${what}: key "${d.key}" is not allowed (at ${jsonPath(d.at)})`)
    : new RejectedInputError('duplicate_key', `${what}: duplicate key ${JSON.stringify(d.key.slice(0, 64))} at ${jsonPath(d.at)}`);
}

/** Own properties only: a step through a key already removed must never reach Object.prototype. */
function removeKey(json: unknown, at: ReadonlyArray<string | number>): void {
  const owns = (node: unknown, key: string | number): node is Record<string | number, unknown> =>
    node !== null && typeof node === 'object' && Object.hasOwn(node, key);
  let node = json;
  for (const step of at.slice(0, -1)) {
    if (!owns(node, step)) return;
    node = node[step];
  }
  const last = at[at.length - 1];
  if (owns(node, last)) delete node[last];
}
