/**
 * The tokens OpenSearch's `standard` analyzer produces (Lucene StandardTokenizer + lowercase), so a
 * query matches the same records on both adapters. Both split on Unicode word boundaries (UAX #29);
 * the differences from Intl.Segmenter's words are Lucene's and are reproduced here: ideographs
 * and hiragana are one token per character, Thai/Lao/Khmer/Myanmar runs stay whole, emoji are
 * tokens, tokens longer than 255 UTF-16 units are cut, and lowercasing is per code point.
 */
const words = new Intl.Segmenter('und', { granularity: 'word' });
const ONE_PER_CHAR = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const SOUTHEAST_ASIAN = /^[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+$/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const ASCII = /^[\x00-\x7f]*$/;
const MAX_TOKEN = 255;

export function tokenize(text: string): string[] {
  return tokenSpans(text).map((s) => s.token);
}

/** A token and where it came from in the text (UTF-16 offsets, end exclusive): what a highlight marks. */
export interface TokenSpan {
  token: string;
  start: number;
  end: number;
}

export function tokenSpans(text: string): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let southeastAsianEnd = -1;
  for (const { segment, index, isWordLike } of words.segment(text)) {
    if (isWordLike && SOUTHEAST_ASIAN.test(segment)) {
      // ICU splits these scripts by dictionary; Lucene keeps the whole run
      if (index === southeastAsianEnd) {
        const last = spans[spans.length - 1];
        last.token += segment;
        last.end = index + segment.length;
      } else spans.push({ token: segment, start: index, end: index + segment.length });
      southeastAsianEnd = index + segment.length;
    } else if (isWordLike) {
      pushWord(spans, segment, index);
    } else if (EMOJI.test(segment)) {
      spans.push({ token: segment, start: index, end: index + segment.length });
    }
  }
  return spans.flatMap(cut);
}

function pushWord(spans: TokenSpan[], word: string, at: number): void {
  if (!ONE_PER_CHAR.test(word)) {
    spans.push({ token: lowercase(word), start: at, end: at + word.length });
    return;
  }
  let run = '';
  let runStart = at;
  let offset = at;
  for (const ch of word) {
    if (!ONE_PER_CHAR.test(ch)) {
      if (run === '') runStart = offset;
      run += ch;
      offset += ch.length;
      continue;
    }
    if (run) spans.push({ token: lowercase(run), start: runStart, end: offset });
    run = '';
    spans.push({ token: ch, start: offset, end: offset + ch.length });
    offset += ch.length;
  }
  if (run) spans.push({ token: lowercase(run), start: runStart, end: offset });
}

/** Java's Character.toLowerCase: one code point to one, no context (final sigma stays σ, İ becomes i). */
function lowercase(word: string): string {
  if (ASCII.test(word)) return word.toLowerCase();
  let out = '';
  for (const ch of word) out += String.fromCodePoint(ch.toLowerCase().codePointAt(0)!);
  return out;
}

function cut(span: TokenSpan): TokenSpan[] {
  if (span.token.length <= MAX_TOKEN) return [span];
  const parts: TokenSpan[] = [];
  for (let i = 0; i < span.token.length; i += MAX_TOKEN) {
    const token = span.token.slice(i, i + MAX_TOKEN);
    parts.push({ token, start: span.start + i, end: span.start + i + token.length });
  }
  return parts;
}
