import type { Participant } from '@custody/envelope';
import { decodeWords } from './encoded-words';

/**
 * RFC 5322 address lists: `"Doe, Jane" <JANE@x.com>, bob@y.com (Bob), Team: a@z.com, b@z.com;`.
 * Group names are dropped and their members kept; items without an address are skipped.
 */
export function parseAddressList(value: string | undefined): Participant[] {
  if (!value) return [];
  const out: Participant[] = [];
  for (const item of splitItems(value)) {
    const p = mailbox(item);
    if (p && !out.some((o) => o.value === p.value)) out.push(p);
  }
  return out;
}

/** Splits at top-level "," ";" and group ":" — never inside quotes, comments or angle brackets. */
function splitItems(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let comment = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && (quoted || comment)) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (quoted) quoted = c !== '"';
    else if (comment) comment += c === '(' ? 1 : c === ')' ? -1 : 0;
    else if (c === '"') quoted = true;
    else if (c === '(') comment = 1;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (!angle && (c === ',' || c === ';' || c === ':')) {
      // a group name ("Team:") is dropped; its members follow as items of their own
      if (c !== ':') items.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  items.push(current);
  return items;
}

function mailbox(item: string): Participant | undefined {
  const angle = /<([^<>]*)>/.exec(stripComments(item));
  if (angle) {
    // an obsolete source route "@a,@b:user@host" keeps only the address after ":"
    const address = angle[1].replace(/^[^:]*:/, '').trim();
    const name = displayName(stripComments(item).slice(0, angle.index));
    return valid(address) ? { kind: 'email', value: address.toLowerCase(), displayName: name } : undefined;
  }
  const address = stripComments(item).trim();
  // the old form "bob@y.com (Bob Smith)" carries the name in a comment
  const name = displayName(/\(([^()]*)\)/.exec(item)?.[1] ?? '');
  return valid(address) ? { kind: 'email', value: address.toLowerCase(), displayName: name } : undefined;
}

/** Drops (comments), keeping quoted strings intact. */
function stripComments(s: string): string {
  let out = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (quoted || depth)) {
      if (!depth) out += c + (s[i + 1] ?? '');
      i++;
    } else if (!depth && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === '(') depth++;
    else if (!quoted && depth && c === ')') depth--;
    else if (!depth) out += c;
  }
  return out;
}

function displayName(raw: string): string | undefined {
  const unquoted = raw
    .trim()
    .replace(/^"([\s\S]*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
    .trim();
  const name = decodeWords(unquoted).replace(/\s+/g, ' ').trim();
  return name || undefined;
}

function valid(address: string): boolean {
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/.test(address) && address.length <= 512;
}
