import { HAN, HANGUL, KANA, LATIN_LETTER, SPACE, SYMBOL } from './char-tables';
import { inRanges } from './ranges';

/** What one folded code point is to the tokenizer. Numbers, so a class fits a plain array slot. */
export const CharClass = { space: 0, letter: 1, digit: 2, cjk: 3, emoji: 4, symbol: 5 } as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const ASCII_CLASS: readonly CharClass[] = Array.from({ length: 0x80 }, (_, cp): CharClass => {
  if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d)) return CharClass.space;
  if (cp >= 0x30 && cp <= 0x39) return CharClass.digit;
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return CharClass.letter;
  return CharClass.symbol;
});

/** The class of a code point of folded text (emoji are recognised before folding, in emoji.ts). */
export function classify(cp: number): CharClass {
  if (cp < 0x80) return ASCII_CLASS[cp];
  if (inRanges(cp, SPACE)) return CharClass.space;
  if (isCjk(cp)) return CharClass.cjk;
  if (inRanges(cp, SYMBOL)) return CharClass.symbol;
  return CharClass.letter;
}

export function isCjk(cp: number): boolean {
  return cjkScript(cp) !== null;
}

/** Which CJK script a code point belongs to: language identification counts them apart. */
export function cjkScript(cp: number): 'han' | 'kana' | 'hangul' | null {
  if (cp < 0x1100) return null;
  if (inRanges(cp, HAN)) return 'han';
  if (inRanges(cp, KANA)) return 'kana';
  if (inRanges(cp, HANGUL)) return 'hangul';
  return null;
}

export function isLatinLetter(cp: number): boolean {
  return inRanges(cp, LATIN_LETTER);
}
