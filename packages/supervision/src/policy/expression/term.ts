import type { Link, Piece, WildcardPattern } from './ast';
import { ExpressionError } from './error';
import { describeCharacter, isCjk, isEmoji, isEmojiModifier, isPunctuation, isRegionalIndicator, isSkinTone, isZeroWidthJoiner } from './characters';

export const TERM_LIMITS = {
  /** Longest term, in code points after normalization. */
  maxLength: 64,
  /** `gu*` would match a good part of any vocabulary: a wildcard term keeps at least this many literal characters. */
  minWildcardLiterals: 3,
} as const;

/**
 * Case folding beyond toLowerCase, as the normalizer folds token text (normalize/fold.ts): ß → ss,
 * final ς → σ, and Turkish dotted and dotless i → i, so a term matches whichever form was written.
 */
const FULL_CASE_FOLDING = /[ßẞİıς]/g;
const FOLDED: Readonly<Record<string, string>> = { ß: 'ss', ẞ: 'ss', İ: 'i', ı: 'i', ς: 'σ' };

/**
 * A policy term in the form the normalizer gives tokens: Unicode NFKC (full-width Ｇ → g, ﬁ → fi,
 * half-width ｶ → カ, e + ◌́ → é), lower case with the folds above, without the emoji presentation
 * selectors U+FE0E/U+FE0F. String.prototype.normalize and toLowerCase follow the engine's Unicode
 * tables; the characters policies rely on are pinned by expression.test.ts, so a Node upgrade that
 * changed them would fail there.
 */
export function normalizeTermText(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      .replace(FULL_CASE_FOLDING, (c) => FOLDED[c])
      .toLowerCase()
      .replace(FULL_CASE_FOLDING, (c) => FOLDED[c])
      .replace(/[\uFE0E\uFE0F]/g, '')
      // a soft hyphen (a word-processor's line-break hint) is dropped from text by the normalizer: from a term too
      .replace(/\u00AD/g, '')
  );
}

/** One whitespace-free term of an expression, split into the pieces that must be consecutive touching tokens. */
export function compileTerm(raw: string, at: number): { pieces: Piece[]; links: Link[] } {
  const text = normalizeTermText(raw);
  const codePoints = Array.from(text, (c) => c.codePointAt(0) as number);
  if (codePoints.length === 0) throw new ExpressionError(`"${raw}" has no letters, digits, emoji or CJK characters`, at);
  if (codePoints.length > TERM_LIMITS.maxLength) throw new ExpressionError(`a term is at most ${TERM_LIMITS.maxLength} characters`, at);
  const pieces = splitPieces(codePoints, raw, at);
  const wildcard = pieces.some((p) => /[*?]/.test(p));
  if (wildcard && pieces.length > 1) throw new ExpressionError(`wildcards apply to one word, not to CJK characters or emoji: "${raw}"`, at);
  return {
    pieces: pieces.map((p) => (wildcard ? { kind: 'wildcard', pattern: compileWildcard(p, at) } : { kind: 'exact', text: p })),
    links: pieces.slice(1).map(() => 'touching'),
  };
}

/**
 * Letters and digits stay together as one word; each CJK character is a piece of its own (the
 * normalizer tokenizes CJK text one character per token); each emoji is one piece.
 */
function splitPieces(cps: readonly number[], raw: string, at: number): string[] {
  const pieces: string[] = [];
  let word = '';
  const flushWord = () => {
    if (word !== '') pieces.push(word);
    word = '';
  };
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    if (cp === 0x2a /* * */ || cp === 0x3f /* ? */) word += String.fromCodePoint(cp);
    else if (isCjk(cp)) {
      flushWord();
      pieces.push(String.fromCodePoint(cp));
    } else if (isEmoji(cp) || isEmojiModifier(cp)) {
      flushWord();
      const emoji = emojiAt(cps, i);
      pieces.push(emoji.text);
      i = emoji.last;
    } else if (isPunctuation(cp)) {
      throw new ExpressionError(`${describeCharacter(cp)} cannot stand in a term (letters, digits, emoji and CJK characters only): "${raw}"`, at);
    } else word += String.fromCodePoint(cp);
  }
  flushWord();
  return pieces;
}

/**
 * The emoji starting at cps[start] and where it ends (its last code point): skin tones, tag
 * characters, zero-width-joined parts (👨‍💻) and a flag's second regional indicator belong to it.
 * Skin tones are left out of the text as the normalizer leaves them out of emoji tokens (👎🏽 is 👎),
 * except a skin tone swatch on its own.
 */
function emojiAt(cps: readonly number[], start: number): { text: string; last: number } {
  let last = start;
  if (isRegionalIndicator(cps[start]) && isRegionalIndicator(cps[start + 1])) last++;
  for (;;) {
    if (isEmojiModifier(cps[last + 1])) last++;
    else if (isZeroWidthJoiner(cps[last + 1]) && isEmoji(cps[last + 2])) last += 2;
    else break;
  }
  const kept = cps.slice(start, last + 1).filter((cp, k) => k === 0 || !isSkinTone(cp));
  return { text: String.fromCodePoint(...kept), last };
}

function compileWildcard(word: string, at: number): WildcardPattern {
  const units = Array.from(word);
  const stars = units.filter((u) => u === '*').length;
  const literals = units.filter((u) => u !== '*' && u !== '?').length;
  const anchor = units[0] === '*' ? 'suffix' : units[units.length - 1] === '*' ? 'prefix' : 'whole';
  if (stars > 1 || (stars === 1 && anchor === 'whole')) throw new ExpressionError(`"*" stands once, at the start or at the end of a term: "${word}"`, at);
  if (literals < TERM_LIMITS.minWildcardLiterals)
    throw new ExpressionError(`a wildcard term needs at least ${TERM_LIMITS.minWildcardLiterals} characters besides * and ?: "${word}"`, at);
  return { anchor, units: units.filter((u) => u !== '*') };
}
