/**
 * Spans that are not the writer's own words, found line by line; each span runs from the first to
 * the last non-space character it covers. Tags only mark: the tokens inside are still produced,
 * and the matcher decides whether a policy looks at them.
 *
 * - quoted: from the first reply header to the end of the text ("On <date>, <name> wrote:" in the
 *   six languages, an "Original Message" separator, an Outlook From:/Sent: block), and before
 *   that each group of consecutive lines starting with ">" (an email reply's quoting; a
 *   WhatsApp/LINE quote travels in the envelope, not in the text);
 * - signature: from a line that is exactly "--" (or "-- ") up to the reply header or the end, and
 *   each short "Sent from my iPhone"-style line;
 * - disclaimer: each paragraph (lines between blank lines), anywhere, containing a disclaimer phrase.
 */
import type { TaggedSpan, Token } from '../text';
import {
  DATE_FIELDS,
  DISCLAIMER_PHRASES,
  MOBILE_SIGNATURE_MAX_LENGTH,
  MOBILE_SIGNATURE_PREFIXES,
  ORIGINAL_MESSAGE_LINES,
  SENDER_FIELDS,
  WROTE_ENDINGS,
} from './tag-markers';
import { tokenize } from './tokenize';

/** A line's non-space content: [start, end) in the original, and its text with ASCII letters lower-cased. */
interface Line {
  start: number;
  end: number;
  folded: string;
}

const LINE_SPACE = new Set([' ', '\t', '\r', '\f', '\v', '\u00a0', '\u3000']);
const HEADER_LOOKAHEAD = 3;
const KIND_ORDER: readonly TaggedSpan['kind'][] = ['disclaimer', 'quoted', 'signature'];

/** Each disclaimer phrase as its normalized token texts, listed under its first token for a lookup per token of the text. */
const DISCLAIMERS_BY_FIRST_TOKEN = new Map<string, string[][]>();
for (const phrase of DISCLAIMER_PHRASES) {
  const texts = tokenize(phrase).map((token) => token.text);
  DISCLAIMERS_BY_FIRST_TOKEN.set(texts[0], [...(DISCLAIMERS_BY_FIRST_TOKEN.get(texts[0]) ?? []), texts]);
}

export function findTags(text: string, tokens: readonly Token[]): TaggedSpan[] {
  const lines = splitLines(text);
  const replyHeader = findReplyHeader(lines);
  const ownLines = replyHeader === -1 ? lines.length : replyHeader;
  const tags: TaggedSpan[] = [...quotedLines(lines, ownLines), ...signatures(lines, ownLines), ...disclaimers(lines, tokens)];
  if (replyHeader !== -1) tags.push(spanOf('quoted', lines, replyHeader, lines.length));
  return tags.sort((a, b) => a.start - b.start || a.end - b.end || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && LINE_SPACE.has(text[start])) start += 1;
    while (end > start && LINE_SPACE.has(text[end - 1])) end -= 1;
    lines.push({ start, end, folded: lowerAscii(text.slice(start, end)).replace(/’/g, "'") });
    lineStart = lineEnd + 1;
  }
  return lines;
}

const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x20));
const hasDigit = (s: string): boolean => /[0-9０-９]/.test(s);
const isBlank = (line: Line): boolean => line.start === line.end;

const RULE_CHARACTERS = new Set(['-', '_', '=', '*', ...LINE_SPACE]);

/** "-----Original Message-----" → "original message" (a loop, not a regex: no backtracking on a long line of dashes). */
function stripRule(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && RULE_CHARACTERS.has(line[start])) start += 1;
  while (end > start && RULE_CHARACTERS.has(line[end - 1])) end -= 1;
  return line.slice(start, end);
}

/** The index of the line where the quoted previous message begins, or -1. */
function findReplyHeader(lines: readonly Line[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].folded;
    if (WROTE_ENDINGS.some((ending) => line.endsWith(ending))) {
      if (hasDigit(line)) return i;
      // a client that wrapped the header puts the date on the line before "wrote:"
      if (i > 0 && !isBlank(lines[i - 1]) && hasDigit(lines[i - 1].folded)) return i - 1;
    }
    // Gmail in Japanese: "2024年1月1日(月) 10:00 山田太郎 <taro@example.com>:"
    if ((line.endsWith('>:') || line.endsWith('>：')) && line.includes('年') && line.includes('@') && hasDigit(line)) return i;
    if (ORIGINAL_MESSAGE_LINES.has(stripRule(line))) return i;
    if (SENDER_FIELDS.some((field) => line.startsWith(field))) {
      const following = lines.slice(i + 1, i + 1 + HEADER_LOOKAHEAD);
      if (following.some((next) => DATE_FIELDS.some((field) => next.folded.startsWith(field)))) return i;
    }
  }
  return -1;
}

/** Groups of consecutive ">" lines before the reply header ("＞" too: NFKC would make it ">"). */
function quotedLines(lines: readonly Line[], ownLines: number): TaggedSpan[] {
  const spans: TaggedSpan[] = [];
  let i = 0;
  while (i < ownLines) {
    if (!isQuoteLine(lines[i])) {
      i += 1;
      continue;
    }
    const first = i;
    while (i < ownLines && isQuoteLine(lines[i])) i += 1;
    spans.push(spanOf('quoted', lines, first, i));
  }
  return spans;
}

const isQuoteLine = (line: Line): boolean => line.folded.startsWith('>') || line.folded.startsWith('＞');

function signatures(lines: readonly Line[], ownLines: number): TaggedSpan[] {
  const spans: TaggedSpan[] = [];
  const delimiter = lines.slice(0, ownLines).findIndex((line) => line.folded === '--');
  for (let i = 0; i < (delimiter === -1 ? ownLines : delimiter); i++) {
    const line = lines[i];
    if (line.end - line.start <= MOBILE_SIGNATURE_MAX_LENGTH && MOBILE_SIGNATURE_PREFIXES.some((prefix) => line.folded.startsWith(prefix))) {
      spans.push(spanOf('signature', lines, i, i + 1));
    }
  }
  if (delimiter !== -1) spans.push(spanOf('signature', lines, delimiter, ownLines));
  return spans;
}

/** Paragraphs containing a disclaimer phrase as consecutive tokens. */
function disclaimers(lines: readonly Line[], tokens: readonly Token[]): TaggedSpan[] {
  const spans: TaggedSpan[] = [];
  let next = 0;
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) {
      i += 1;
      continue;
    }
    const first = i;
    while (i < lines.length && !isBlank(lines[i])) i += 1;
    while (next < tokens.length && tokens[next].start < lines[first].start) next += 1;
    const from = next;
    while (next < tokens.length && tokens[next].start < lines[i - 1].end) next += 1;
    if (containsDisclaimer(tokens, from, next)) spans.push(spanOf('disclaimer', lines, first, i));
  }
  return spans;
}

function containsDisclaimer(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const candidates = DISCLAIMERS_BY_FIRST_TOKEN.get(tokens[k].text);
    if (candidates?.some((phrase) => k + phrase.length <= to && phrase.every((text, j) => tokens[k + j].text === text))) return true;
  }
  return false;
}

/** The span from the first non-blank of lines [from, to) to the last one's end. */
function spanOf(kind: TaggedSpan['kind'], lines: readonly Line[], from: number, to: number): TaggedSpan {
  let first = from;
  let last = to - 1;
  while (first < last && isBlank(lines[first])) first += 1;
  while (last > first && isBlank(lines[last])) last -= 1;
  return { kind, start: lines[first].start, end: lines[last].end };
}
