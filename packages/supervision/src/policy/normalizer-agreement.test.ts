import { normalize } from '../normalize';
import { normalizeTermText } from './expression/term';

/**
 * A policy term is folded by normalizeTermText, a message by normalize: if the two ever fold a
 * letter differently, a term silently stops matching. Every letter of the scripts policies are
 * written in (Latin, Greek, Cyrillic, their compatibility forms) must fold the same way by both.
 */
const BLOCKS: Array<[string, number, number]> = [
  ['Latin', 0x0041, 0x024f],
  ['Latin Extended Additional', 0x1e00, 0x1eff],
  ['Greek', 0x0370, 0x03ff],
  ['Cyrillic', 0x0400, 0x04ff],
  ['ligatures and full-width forms', 0xfb00, 0xfb06],
  ['full-width Latin', 0xff21, 0xff5a],
];

describe('a term and a message fold every letter the same way', () => {
  test.each(BLOCKS)('%s', (_block, from, to) => {
    const differ: string[] = [];
    for (let cp = from; cp <= to; cp++) {
      const letter = String.fromCodePoint(cp);
      const word = `ab${letter}cd`;
      const tokens = normalize(word).tokens;
      // a character the normalizer treats as a separator is no letter of a term either; a digit (¹, ³)
      // inside a word is leetspeak to the normalizer (ab3cd → abecd), which a policy spells out
      if (tokens.length !== 1 || /\d/.test(letter.normalize('NFKC'))) continue;
      if (normalizeTermText(word) !== tokens[0].text)
        differ.push(`U+${cp.toString(16).toUpperCase()} ${letter}: term ${normalizeTermText(word)}, message ${tokens[0].text}`);
    }
    expect(differ).toEqual([]);
  });

  test.each(['Straße', 'ΣΊΣΥΦΟΣ', 'İstanbul', 'ＧＵＡＲＡＮＴＥＥ', 'ﬁnance', 'ボーナス', '保证'])('%s', (term) => {
    expect(normalizeTermText(term)).toBe(
      normalize(term)
        .tokens.map((t) => t.text)
        .join(''),
    );
  });
});
