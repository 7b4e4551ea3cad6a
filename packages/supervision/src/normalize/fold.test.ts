import { createHash } from 'node:crypto';
import { NEVER_COMPOSES_WITH_PREVIOUS, NFKC_IDENTITY } from './char-tables';
import { foldCluster } from './fold';
import type { CodePointRanges } from './ranges';

/**
 * The engine behaviour the normalizer relies on (String.prototype.normalize('NFKC') and
 * toLowerCase() come with Node's ICU), pinned so that a Node upgrade that changes it fails here
 * instead of silently changing hits.
 */
describe('foldCluster', () => {
  test.each([
    ['full-width Latin becomes ASCII', 'ＧＵＡＲ', 'guar'],
    ['full-width digits become ASCII', '１２３', '123'],
    ['ligatures come apart', 'ﬁﬂﬀﬃﬆ', 'fi' + 'fl' + 'ff' + 'ffi' + 'st'],
    ['half-width katakana becomes full-width, voicing marks composed', 'ｶﾞﾊﾟｼ', 'ガパシ'],
    ['mathematical alphanumerics become plain letters', '𝐠𝐮𝐚𝐫𝟏', 'guar1'],
    ['circled and parenthesized forms become plain', '①Ⓐ⑴', '1a(1)'],
    ['superscripts become plain digits', 'x²', 'x2'],
    ['CJK compatibility squares spell out', '㍻㈱', '平成(株)'],
    ['compatibility ideographs become unified ones', '\uf900', '\u8c48'],
    ['decomposed accents compose', 'e\u0301', 'é'],
    ['Kelvin and Ångström signs become letters', 'KÅ', 'kå'],
    ['ß and ẞ fold to ss', 'ßẞ', 'ssss'],
    ['dotted capital İ folds to plain i (not i + U+0307)', 'İ', 'i'],
    ['dotless ı folds to plain i', 'ı', 'i'],
    ['final sigma folds to σ, and Σ lowers without word context', 'ςΣ', 'σσ'],
    ['Cyrillic and Greek lower-case', 'ГАРАНТΑΣ', 'гарантασ'],
    ['accents are kept', 'GARANTÍA', 'garantía'],
    ['combining marks NFKC cannot compose are dropped (zalgo)', 'g\u0334\u0335u\u0336', 'gu'],
    ['zero-width and bidi characters are dropped', '\u200b\u200d\u202e\u00ad\ufeff', ''],
    ['non-breaking and ideographic spaces become a space', '\u00a0\u3000', '  '],
    ['letters of scripts outside the folded blocks are left as written', '\u13a0\u{10400}', '\u13a0\u{10400}'],
  ])('%s', (_rule, input, folded) => {
    expect(foldCluster(input)).toBe(folded);
  });

  test('the fold of every code point up to U+3FFFF is pinned: a change of Unicode or ICU data shows up here', () => {
    // If this fails after a Node upgrade, the engine's NFKC or case data changed for some character.
    // Find which (compare the folds under both versions), and either pin the old behaviour by a table
    // in fold.ts or accept it: then bump NORMALIZER_VERSION and update this hash.
    const hash = createHash('sha256');
    for (let cp = 0; cp <= 0x3ffff; cp++) {
      if (cp < 0xd800 || cp > 0xdfff) hash.update(`${cp}:${foldCluster(String.fromCodePoint(cp))}\n`);
    }
    expect(hash.digest('hex')).toBe('91dda2341c3c1aea947c00ddf79b31a01d9b4185eafa6eec7efd79cc2447eb02');
  });
});

const codePointsOf = (ranges: CodePointRanges, upTo: number): number[] =>
  ranges.flatMap(([first, last]) => (first > upTo ? [] : Array.from({ length: Math.min(last, upTo) - first + 1 }, (_, i) => first + i)));

describe('the shortcuts of char-stream.ts give what NFKC would', () => {
  test('NFKC_IDENTITY code points are left unchanged by folding', () => {
    const changed = codePointsOf(NFKC_IDENTITY, 0x10ffff).filter((cp) => foldCluster(String.fromCodePoint(cp)) !== String.fromCodePoint(cp));
    expect(changed).toEqual([]);
  });

  test('NEVER_COMPOSES_WITH_PREVIOUS code points never change NFKC of what stands before them', () => {
    // bases that something composes with: Latin, Greek, Cyrillic, Hebrew, Arabic, kana, jamo, a Hangul syllable
    const bases = ['a', 'e', 'ε', 'и', 'ב', 'ا', 'か', 'ｶ', '\u1100', '\u3131', '가', '\u0915'];
    const interacting = codePointsOf(NEVER_COMPOSES_WITH_PREVIOUS, 0xffff).filter((cp) => {
      const ch = String.fromCodePoint(cp);
      return bases.some((base) => (base + ch).normalize('NFKC') !== base.normalize('NFKC') + ch.normalize('NFKC'));
    });
    expect(interacting.map((cp) => cp.toString(16))).toEqual([]);
  });
});
