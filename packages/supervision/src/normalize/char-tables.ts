/**
 * Character tables written out as code point ranges, on purpose: `\p{…}` property escapes and
 * Intl follow the Unicode/ICU version shipped with Node and would change the normalizer's output
 * when Node is upgraded. These ranges only change when this file does (and then
 * NORMALIZER_VERSION changes with them). Unassigned code points inside a listed block are
 * included; that keeps a table stable when Unicode later assigns them.
 *
 * All classification tables (SPACE, SYMBOL, HAN, KANA, HANGUL, LATIN_LETTER) apply to text that
 * has already been through NFKC and case folding (fold.ts); the clustering tables (ATTACHING_MARKS,
 * NEVER_COMPOSES_WITH_PREVIOUS, NFKC_IDENTITY) apply to the original text.
 */
import type { CodePointRanges } from './ranges';

/** Whitespace: separates words, and a single U+0020 may separate the letters of a spaced-out word. */
export const SPACE: CodePointRanges = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/**
 * Dropped from the folded text without splitting the word around them: invisible format
 * characters (zero-width space and joiners, soft hyphen, bidi controls, variation selectors and
 * tags outside an emoji, Hangul fillers) — typed into a word they are obfuscation ("guar\u200Banteed") —
 * and the combining diacritics that NFKC could not compose onto their base (zalgo text, Cyrillic
 * stress marks, a lone voicing mark): a composed "é" is one code point and is kept.
 */
export const DROPPED: CodePointRanges = [
  [0x00ad, 0x00ad],
  [0x0300, 0x036f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x20d0, 0x20ff],
  [0x302a, 0x302f],
  [0x3099, 0x309a],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];

/**
 * Punctuation, symbols, controls, surrogates and private use beyond ASCII (ASCII has its own
 * table in char-class.ts). Whatever is not space, digit, CJK, dropped or listed here counts as a
 * letter: this keeps every alphabet a word character without a table of all of them. Punctuation
 * of a script not listed here (Tibetan, Ethiopic, …) therefore stays inside words; it only
 * affects where words of those scripts split.
 */
export const SYMBOL: CodePointRanges = [
  [0x0080, 0x009f],
  [0x00a1, 0x00a9],
  [0x00ab, 0x00b4],
  [0x00b6, 0x00b9],
  [0x00bb, 0x00bf],
  [0x00d7, 0x00d7],
  [0x00f7, 0x00f7],
  [0x02c2, 0x02c5],
  [0x02d2, 0x02df],
  [0x02e5, 0x02eb],
  [0x02ed, 0x02ed],
  [0x02ef, 0x02ff],
  [0x037e, 0x037e],
  [0x0384, 0x0385],
  [0x0387, 0x0387],
  [0x03f6, 0x03f6],
  [0x055a, 0x055f],
  [0x0589, 0x058a],
  [0x058d, 0x058f],
  [0x05be, 0x05be],
  [0x05c0, 0x05c0],
  [0x05c3, 0x05c3],
  [0x05c6, 0x05c6],
  [0x05f3, 0x05f4],
  [0x0600, 0x060f],
  [0x061b, 0x061b],
  [0x061d, 0x061f],
  [0x066a, 0x066d],
  [0x06d4, 0x06d4],
  [0x06dd, 0x06de],
  [0x06e9, 0x06e9],
  [0x06fd, 0x06fe],
  [0x0964, 0x0965],
  [0x0970, 0x0970],
  [0x0e3f, 0x0e3f],
  [0x0e4f, 0x0e4f],
  [0x0e5a, 0x0e5b],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x20a0, 0x20cf],
  [0x2100, 0x2bff],
  [0x2e00, 0x2e7f],
  [0x2ff0, 0x2fff],
  [0x3000, 0x3004],
  [0x3008, 0x3020],
  [0x3030, 0x3030],
  [0x3036, 0x3037],
  [0x303d, 0x303f],
  [0x309b, 0x309c],
  [0x30a0, 0x30a0],
  [0x30fb, 0x30fb],
  [0x3190, 0x3191],
  [0x31c0, 0x31ef],
  [0x3200, 0x33ff],
  [0x4dc0, 0x4dff],
  [0xa700, 0xa716],
  [0xd800, 0xdfff],
  [0xe000, 0xf8ff],
  [0xfd3e, 0xfd3f],
  [0xfdd0, 0xfdef],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff65],
  [0xffe0, 0xffef],
  [0xfff0, 0xffff],
  [0x1d000, 0x1d24f],
  [0x1d300, 0x1d35f],
  [0x1f000, 0x1fbff],
  [0xf0000, 0x10ffff],
];

/** Han ideographs, radicals and the marks that behave as ideographs (々 〆 〇, Suzhou numerals). */
export const HAN: CodePointRanges = [
  [0x2e80, 0x2eff],
  [0x2f00, 0x2fdf],
  [0x3005, 0x3007],
  [0x3021, 0x3029],
  [0x3038, 0x303c],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x3ffff],
];

/** Hiragana and Katakana, with the prolonged sound mark ー and the kana iteration marks; not the middle dot ・. */
export const KANA: CodePointRanges = [
  [0x3031, 0x3035],
  [0x3041, 0x3096],
  [0x309d, 0x309f],
  [0x30a1, 0x30fa],
  [0x30fc, 0x30ff],
  [0x31f0, 0x31ff],
  [0x1aff0, 0x1b16f],
];

/** Hangul syllables and jamo (NFKC has already turned half-width and compatibility jamo into these). */
export const HANGUL: CodePointRanges = [
  [0x1100, 0x115e],
  [0x1161, 0x11ff],
  [0x3131, 0x3163],
  [0x3165, 0x318e],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xd7b0, 0xd7ff],
];

/**
 * Where `toLowerCase()` is applied (beyond ASCII, which is folded by hand): Latin-1, Latin
 * Extended-A/B, Greek, Cyrillic, Armenian, Latin Extended Additional and Greek Extended. These
 * blocks' case mappings were complete long before any Node release we run on, so the engine's
 * answer for them does not move between versions; letters of other bicameral scripts
 * (Glagolitic, Cherokee, Deseret, …) are left as written rather than trusted to a moving table.
 */
export const CASE_FOLDED: CodePointRanges = [
  [0x00c0, 0x024f],
  [0x0370, 0x03ff],
  [0x0400, 0x052f],
  [0x0531, 0x0556],
  [0x1e00, 0x1fff],
];

/** Latin letters after folding: leetspeak is resolved only inside words made of these. */
export const LATIN_LETTER: CodePointRanges = [
  [0x61, 0x7a],
  [0xe0, 0xf6],
  [0xf8, 0x24f],
  [0x1e00, 0x1eff],
  [0x2c60, 0x2c7f],
  [0xa720, 0xa7ff],
  [0xab30, 0xab6f],
];

/**
 * Combining diacritics that always join the preceding cluster, even when NFKC cannot compose
 * them (zalgo text), so they are dropped with the base letter rather than split off.
 */
export const ATTACHING_MARKS: CodePointRanges = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0x302a, 0x302f],
  [0x3099, 0x309a],
  [0xfe20, 0xfe2f],
];

/**
 * Code points that are never the second element of a composition and whose NFKC form starts with
 * a starter, so they always begin a new cluster. This only spares the NFKC interaction check in
 * char-stream.ts for common scripts (the check would give the same answer); it never changes output.
 */
export const NEVER_COMPOSES_WITH_PREVIOUS: CodePointRanges = [
  [0x0000, 0x02ff],
  [0x0370, 0x0482],
  [0x048a, 0x052f],
  [0x0531, 0x058f],
  [0x05d0, 0x05f4],
  [0x0600, 0x060f],
  [0x061b, 0x064a],
  [0x0660, 0x066f],
  [0x0671, 0x06d5],
  [0x06ee, 0x06ff],
  [0x1e00, 0x1fff],
  [0x2000, 0x20cf],
  [0x2100, 0x2bff],
  [0x3000, 0x3029],
  [0x3030, 0x3098],
  [0x309b, 0x30ff],
  [0x3100, 0x312f],
  [0x3190, 0x9fff],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xff01, 0xff9d],
  [0x1f000, 0x1fbff],
  [0x20000, 0x3ffff],
];

/**
 * Code points NFKC leaves unchanged and case folding does not touch: unified Han, hiragana and
 * katakana letters, Hangul syllables. A cluster of one of them skips normalize() (a speed-up for
 * CJK text; the test suite checks the identity over these whole ranges).
 */
export const NFKC_IDENTITY: CodePointRanges = [
  [0x3041, 0x3096],
  [0x30a1, 0x30fa],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0x20000, 0x2a6df],
];
