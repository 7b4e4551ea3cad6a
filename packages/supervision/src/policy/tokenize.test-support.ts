import type { NormalizedText, TaggedSpan, Token } from '../text';

/**
 * A tiny tokenizer for the matcher's tests only, independent of the real normalizer: words of
 * letters and digits, one token per Han or kana character, one per emoji (with its skin tone and
 * zero-width-joined parts); words lower-cased after NFKC. Offsets are UTF-16 offsets into `text`.
 */
export function tokenize(text: string, tags: TaggedSpan[] = []): NormalizedText {
  const tokens: Token[] = [];
  const cjk = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u30FC';
  const pattern = new RegExp(
    `(\\p{Extended_Pictographic}(?:\\p{Emoji_Modifier}|\\uFE0F|\\u200D\\p{Extended_Pictographic})*)|([${cjk}])|((?:(?![${cjk}])[\\p{L}\\p{N}\\p{M}])+)`,
    'gu',
  );
  for (const m of text.matchAll(pattern)) {
    const kind = m[1] ? 'emoji' : m[2] ? 'cjk' : /^\d+$/.test(m[0]) ? 'number' : 'word';
    // emoji lose presentation selectors and skin tones, as the normalizer's emoji tokens do
    const folded = kind === 'emoji' ? m[0].replace(/\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu, '') || m[0] : m[0].normalize('NFKC').toLowerCase();
    tokens.push({ text: folded, kind, start: m.index, end: m.index + m[0].length });
  }
  return { normalizer: 'test-tokenizer', language: 'und', tokens, tags };
}

/** The tagged span covering the first occurrence of `part` in `text`. */
export function tagOf(text: string, part: string, kind: TaggedSpan['kind'] = 'quoted'): TaggedSpan {
  const start = text.indexOf(part);
  if (start < 0) throw new Error(`"${part}" is not in the text`);
  return { kind, start, end: start + part.length };
}
