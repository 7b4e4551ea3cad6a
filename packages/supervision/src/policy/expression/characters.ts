/**
 * Which characters a policy term may hold, and how they split into the pieces the matcher compares
 * with tokens. Every class is an explicit table of code point ranges, never a \p{…} property or an
 * Intl API: those follow the Unicode data of the Node that runs them, and a policy must split the
 * same way on every Node an examiner re-runs it with.
 */

import { isCjk } from '../../normalize/char-class';

type Range = readonly [number, number];

const inRanges = (cp: number, ranges: readonly Range[]) => ranges.some(([low, high]) => cp >= low && cp <= high);

/** Pictographs and symbols that stand alone as emoji tokens (👎 😡 ☹ ⭐ ⌛). */
const EMOJI: readonly Range[] = [
  [0x2300, 0x23ff], // Miscellaneous Technical (⌚ ⌛ ⏰)
  [0x2600, 0x27bf], // Miscellaneous Symbols and Dingbats (☹ ✅ ❤)
  [0x2b00, 0x2bff], // Miscellaneous Symbols and Arrows (⭐ ⬆)
  [0x1f000, 0x1faff], // Mahjong to Symbols and Pictographs Extended-A, flags' regional indicators included
];

/** Skin tones and tag characters belong to the emoji before them, never start a piece of their own. */
const SKIN_TONES: Range = [0x1f3fb, 0x1f3ff];
const EMOJI_MODIFIERS: readonly Range[] = [SKIN_TONES, [0xe0020, 0xe007f]];
const REGIONAL_INDICATORS: Range = [0x1f1e6, 0x1f1ff];
const ZERO_WIDTH_JOINER = 0x200d;

/**
 * Punctuation and symbols a term cannot hold: the normalizer never puts them inside a token, so a
 * term with one would never match. Refusing it names the mistake ("risk-free", "100%") at once.
 */
const PUNCTUATION: readonly Range[] = [
  [0x0000, 0x002f],
  [0x003a, 0x0040],
  [0x005b, 0x0060],
  [0x007b, 0x00bf], // ASCII tail, C1 controls, Latin-1 punctuation and symbols
  [0x00d7, 0x00d7], // ×
  [0x00f7, 0x00f7], // ÷
  [0x2000, 0x22ff], // General Punctuation to Mathematical Operators (spaces, dashes, quotes, currency, arrows)
  [0x2400, 0x25ff], // Control Pictures to Geometric Shapes
  [0x27c0, 0x2aff], // mathematical symbols and arrows
  [0x2e00, 0x2e7f], // Supplemental Punctuation
  [0x3000, 0x3004], // ideographic space and CJK punctuation …
  [0x3008, 0x303f], // … except 々 〆 〇 (CJK by the normalizer's tables, tested first)
  [0x30a0, 0x30a0], // ゠ katakana double hyphen
  [0x30fb, 0x30fb], // ・ katakana middle dot
  [0xd800, 0xdfff], // a lone surrogate half
  [0xe000, 0xf8ff], // Private Use
  [0xfe10, 0xfe1f], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility and small forms
  [0xfeff, 0xfeff], // byte order mark
  [0xfff0, 0xffff], // specials
];

/** Han, kana and Hangul, by the normalizer's own tables: it makes one token of each such character, so a term is split the same way. */
export { isCjk };
export const isEmoji = (cp: number) => inRanges(cp, EMOJI) && !inRanges(cp, EMOJI_MODIFIERS);
export const isEmojiModifier = (cp: number) => inRanges(cp, EMOJI_MODIFIERS);
export const isSkinTone = (cp: number) => cp >= SKIN_TONES[0] && cp <= SKIN_TONES[1];
export const isRegionalIndicator = (cp: number) => cp >= REGIONAL_INDICATORS[0] && cp <= REGIONAL_INDICATORS[1];
export const isZeroWidthJoiner = (cp: number) => cp === ZERO_WIDTH_JOINER;
export const isPunctuation = (cp: number) => inRanges(cp, PUNCTUATION);

/** Whitespace that separates terms: ASCII, no-break space and the ideographic space CJK input methods type. */
export const isTermSeparator = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0' || c === '\u3000';

/** How an error names a character: itself when it is visible ASCII, its code point otherwise (a space, a joiner). */
export function describeCharacter(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp > 0x20 && cp < 0x7f ? `"${String.fromCodePoint(cp)}"` : hex;
}
