/**
 * The disguises a person uses to slip a word past a lexicon, applied to one word of evidence of a
 * template. Each is one the normalizer documents it undoes (normalize/obfuscation.test.ts): spaced,
 * dotted or dashed letters, leetspeak, full-width and mathematical letters, a zero-width space,
 * half-width katakana, and an emoji glued to the word. The span of the evidence stays the
 * disguised word as written; a glued emoji is outside it.
 */
import type { CorpusPrng } from './prng';
import type { Piece } from './template';

export const OBFUSCATIONS = ['spaced', 'leet', 'fullwidth', 'math-bold', 'zero-width', 'halfwidth-kana', 'emoji'] as const;
export type Obfuscation = (typeof OBFUSCATIONS)[number];

const LATIN_WORD = /^[A-Za-z]{4,14}$/;
const HAS_ASCII_LETTERS = /[A-Za-z]{3,}/;
const LEET: Readonly<Record<string, readonly string[]>> = { a: ['@', '4'], e: ['3'], o: ['0'], s: ['$', '5'], t: ['7'] };
const GLUED_EMOJI = ['💰', '🚀', '🤫', '📈', '🔥', '😉', '💯', '🙏'];

/** Full-width katakana → half-width form (with its separate voicing mark), derived from NFKC, which the Unicode stability policy freezes. */
const HALFWIDTH_KANA = new Map<string, string>();
for (let cp = 0xff66; cp <= 0xff9d; cp++) {
  const half = String.fromCharCode(cp);
  HALFWIDTH_KANA.set(half.normalize('NFKC'), half);
  for (const mark of ['\uff9e', '\uff9f']) {
    const voiced = (half + mark).normalize('NFKC');
    if (voiced.length === 1) HALFWIDTH_KANA.set(voiced, half + mark);
  }
}

function leet(word: string, rng: CorpusPrng): string | null {
  const chars = [...word];
  const inner = chars.map((_, i) => i).filter((i) => i > 0 && i < chars.length - 1 && LEET[chars[i].toLowerCase()] !== undefined);
  if (inner.length === 0) return null;
  const count = 1 + rng.int(Math.min(2, inner.length));
  for (let n = 0; n < count; n++) {
    const i = inner.splice(rng.int(inner.length), 1)[0];
    chars[i] = rng.pick(LEET[chars[i].toLowerCase()]);
  }
  return chars.join('');
}

const mapAscii = (word: string, upperBase: number, lowerBase: number): string =>
  [...word]
    .map((ch) =>
      /[A-Z]/.test(ch)
        ? String.fromCodePoint(upperBase + ch.charCodeAt(0) - 65)
        : /[a-z]/.test(ch)
          ? String.fromCodePoint(lowerBase + ch.charCodeAt(0) - 97)
          : ch,
    )
    .join('');

function halfwidthKana(word: string): string | null {
  const kana = [...word].filter((ch) => HALFWIDTH_KANA.has(ch));
  return kana.length >= 2 ? [...word].map((ch) => HALFWIDTH_KANA.get(ch) ?? ch).join('') : null;
}

/** The disguised word, or null when the disguise does not apply to it. */
function disguise(how: Obfuscation, word: string, rng: CorpusPrng): string | null {
  switch (how) {
    case 'spaced':
      return LATIN_WORD.test(word) ? [...word].join(rng.pick([' ', ' ', '.', '-', '_'])) : null;
    case 'leet':
      return LATIN_WORD.test(word) ? leet(word, rng) : null;
    case 'fullwidth':
      return HAS_ASCII_LETTERS.test(word) ? mapAscii(word, 0xff21, 0xff41) : null;
    case 'math-bold':
      return LATIN_WORD.test(word) ? mapAscii(word, 0x1d400, 0x1d41a) : null;
    case 'zero-width':
      return LATIN_WORD.test(word) ? `${word.slice(0, 2)}\u200b${word.slice(2)}` : null;
    case 'halfwidth-kana':
      return halfwidthKana(word);
    case 'emoji':
      return null;
  }
}

/**
 * A spaced-out word runs on through a neighbouring single letter ("g u a r a n t e e d a" is one
 * word to the normalizer, as it would be to a reader), so it is used only between longer words.
 */
function spacedRunStaysApart(before: string, after: string): boolean {
  return !/(^|[^\p{L}\p{N}])[\p{L}\p{N}@$][ ._-]$/u.test(before) && !/^[ ._-][\p{L}\p{N}@$]([^\p{L}\p{N}]|$)/u.test(after);
}

/**
 * One word of evidence disguised (or an emoji glued to the first or last word of evidence): the
 * pieces changed and the disguise used. Always succeeds: the emoji applies to any evidence.
 */
export function obfuscate(pieces: readonly Piece[], rng: CorpusPrng): { pieces: Piece[]; how: Obfuscation } {
  const marked = pieces.flatMap((piece, i) => (piece.rules !== null ? [i] : []));
  const candidates: Array<{ index: number; how: Obfuscation; text: string }> = [];
  for (const index of marked) {
    for (const how of OBFUSCATIONS) {
      const text = disguise(how, pieces[index].text, rng);
      if (text === null) continue;
      if (how === 'spaced') {
        const before = pieces
          .slice(0, index)
          .map((p) => p.text)
          .join('');
        const after = pieces
          .slice(index + 1)
          .map((p) => p.text)
          .join('');
        if (!spacedRunStaysApart(before, after)) continue;
      }
      candidates.push({ index, how, text });
    }
  }
  const out = pieces.map((piece) => ({ ...piece }));
  if (candidates.length > 0 && rng.chance(0.85)) {
    const chosen = rng.pick(candidates);
    out[chosen.index].text = chosen.text;
    return { pieces: out, how: chosen.how };
  }
  const emoji: Piece = { text: rng.pick(GLUED_EMOJI), rules: null };
  if (rng.chance(0.5)) out.splice(marked[0], 0, emoji);
  else out.splice(marked[marked.length - 1] + 1, 0, emoji);
  return { pieces: out, how: 'emoji' };
}
