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
  const tokens: string[] = [];
  let southeastAsianEnd = -1;
  for (const { segment, index, isWordLike } of words.segment(text)) {
    if (isWordLike && SOUTHEAST_ASIAN.test(segment)) {
      // ICU splits these scripts by dictionary; Lucene keeps the whole run
      if (index === southeastAsianEnd) tokens[tokens.length - 1] += segment;
      else tokens.push(segment);
      southeastAsianEnd = index + segment.length;
    } else if (isWordLike) {
      pushWord(tokens, segment);
    } else if (EMOJI.test(segment)) {
      tokens.push(segment);
    }
  }
  return tokens.flatMap(cut);
}

function pushWord(tokens: string[], word: string): void {
  if (!ONE_PER_CHAR.test(word)) {
    tokens.push(lowercase(word));
    return;
  }
  let run = '';
  for (const ch of word) {
    if (!ONE_PER_CHAR.test(ch)) {
      run += ch;
      continue;
    }
    if (run) tokens.push(lowercase(run));
    run = '';
    tokens.push(ch);
  }
  if (run) tokens.push(lowercase(run));
}

/** Java's Character.toLowerCase: one code point to one, no context (final sigma stays σ, İ becomes i). */
function lowercase(word: string): string {
  if (ASCII.test(word)) return word.toLowerCase();
  let out = '';
  for (const ch of word) out += String.fromCodePoint(ch.toLowerCase().codePointAt(0)!);
  return out;
}

function cut(token: string): string[] {
  if (token.length <= MAX_TOKEN) return [token];
  const parts: string[] = [];
  for (let i = 0; i < token.length; i += MAX_TOKEN) parts.push(token.slice(i, i + MAX_TOKEN));
  return parts;
}
