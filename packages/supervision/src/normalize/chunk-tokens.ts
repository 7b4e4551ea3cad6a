/**
 * Words and numbers of one chunk: a run of the stream with no space, emoji or CJK character in it
 * ("guar@nteed", "$500", "john@acme.com", "COVID-19"). The chunk is cut into segments of letters,
 * digits, "@" and "$", plus "." or "," between two digits ("3.5", "1,000"); everything else
 * (- _ ' / : % …) separates, so "risk-free" is risk, free and "l'argent" is l, argent. A segment is
 *
 * - a number when it has no letter: "2024", "$500" → 500, "3.5%" → 3.5, "10:30" → 10, 30;
 * - one leet word when it starts and ends with a Latin letter and everything else in it is a
 *   Latin letter or a leet substitute (0 1 3 4 5 7 @ $): "guar@nteed", "g00d", "ca$h";
 * - otherwise its letter runs are words and its digit runs numbers: "10am" → 10, am; "mp3" → mp, 3;
 *   "US$500" → us, 500; "B2B" → b, 2, b.
 *
 * An email address or URL (an "@" followed by a dotted domain; "http://", "https://", "www.",
 * "://") is cut the same way but without leet and with "@" and "$" as separators:
 * "john@acme.com" → john, acme, com.
 */
import type { Token } from '../text';
import { CharClass, isLatinLetter } from './char-class';
import type { CharStream } from './char-stream';
import { fromCodePoints } from './code-points';
import { isLeetSubstitute, resolveLeet } from './leet';

const AT_SIGN = 0x40;
const DOLLAR_SIGN = 0x24;
const DOT = 0x2e;
const COMMA = 0x2c;
const URL_PREFIXES = ['http://', 'https://', 'www.'].map((prefix) => [...prefix].map((ch) => ch.charCodeAt(0)));

export function tokenizeChunk(stream: CharStream, from: number, to: number, tokens: Token[]): void {
  const leetAllowed = !isAddress(stream, from, to);
  let k = from;
  while (k < to) {
    if (!startsSegment(stream, k, leetAllowed)) {
      k += 1;
      continue;
    }
    const segmentStart = k;
    k += 1;
    while (k < to && (startsSegment(stream, k, leetAllowed) || isDecimalMark(stream, k, to))) k += 1;
    if (leetAllowed && isLeetWord(stream, segmentStart, k)) {
      pushToken(stream, tokens, 'word', fromCodePoints(resolveLeet(stream.codePoints.subarray(segmentStart, k))), segmentStart, k - 1);
    } else {
      pushRuns(stream, segmentStart, k, tokens);
    }
  }
}

function startsSegment({ codePoints, classes }: CharStream, k: number, leetAllowed: boolean): boolean {
  const cls = classes[k];
  return cls === CharClass.letter || cls === CharClass.digit || (leetAllowed && (codePoints[k] === AT_SIGN || codePoints[k] === DOLLAR_SIGN));
}

/** "." or "," between two digits of the chunk: part of a number. */
function isDecimalMark({ codePoints, classes }: CharStream, k: number, to: number): boolean {
  return (codePoints[k] === DOT || codePoints[k] === COMMA) && classes[k - 1] === CharClass.digit && k + 1 < to && classes[k + 1] === CharClass.digit;
}

/** Starts and ends with a Latin letter, has a substitute, and everything else is a Latin letter or a substitute. */
function isLeetWord({ codePoints, classes }: CharStream, from: number, to: number): boolean {
  if (classes[from] !== CharClass.letter || classes[to - 1] !== CharClass.letter) return false;
  let substitutes = 0;
  for (let k = from; k < to; k++) {
    if (classes[k] === CharClass.letter) {
      if (!isLatinLetter(codePoints[k])) return false;
    } else if (isLeetSubstitute(codePoints[k])) {
      substitutes += 1;
    } else {
      return false;
    }
  }
  return substitutes > 0;
}

/** Letter runs as words, digit runs (with their decimal marks) as numbers; "@" and "$" dropped. */
function pushRuns(stream: CharStream, from: number, to: number, tokens: Token[]): void {
  const { classes } = stream;
  let k = from;
  while (k < to) {
    const runStart = k;
    if (classes[k] === CharClass.letter) {
      while (k < to && classes[k] === CharClass.letter) k += 1;
      pushToken(stream, tokens, 'word', fromCodePoints(stream.codePoints, runStart, k), runStart, k - 1);
    } else if (classes[k] === CharClass.digit) {
      while (k < to && (classes[k] === CharClass.digit || isDecimalMark(stream, k, to))) k += 1;
      pushToken(stream, tokens, 'number', fromCodePoints(stream.codePoints, runStart, k), runStart, k - 1);
    } else {
      k += 1;
    }
  }
}

function pushToken(stream: CharStream, tokens: Token[], kind: Token['kind'], text: string, first: number, last: number): void {
  tokens.push({ text, kind, start: stream.starts[first], end: stream.ends[last] });
}

/** Whether the chunk is an email address or a URL, whose parts are names, not obfuscated words. */
function isAddress({ codePoints, classes }: CharStream, from: number, to: number): boolean {
  if (URL_PREFIXES.some((prefix) => to - from >= prefix.length && prefix.every((cp, i) => codePoints[from + i] === cp))) return true;
  for (let k = from; k + 2 < to; k++) {
    if (codePoints[k] === 0x3a && codePoints[k + 1] === 0x2f && codePoints[k + 2] === 0x2f) return true;
  }
  let at = from + 1;
  while (at + 1 < to && codePoints[at] !== AT_SIGN) at += 1;
  if (at + 1 >= to || !isAlphanumeric(classes[at - 1]) || !isAlphanumeric(classes[at + 1])) return false;
  for (let k = at + 2; k + 1 < to; k++) {
    if (codePoints[k] === DOT && classes[k + 1] === CharClass.letter) return true;
  }
  return false;
}

const isAlphanumeric = (cls: number): boolean => cls === CharClass.letter || cls === CharClass.digit;
