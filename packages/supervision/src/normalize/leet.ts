/**
 * Leetspeak resolution: the letter each substitute stands for. Callers decide WHEN a run is a
 * leet word (chunk-tokens.ts, spaced-runs.ts): only inside a word that starts and ends with a
 * letter, so numbers, "mp3", "5th", "10am" and "3days" keep their digits (and "1nsider" is not
 * resolved: a leading digit is far more often a quantity than a letter).
 *
 * "1" is both i and l; one reading has to be chosen for the token text, deterministically:
 * a run of two or more 1s is "ll" (se11ing → selling), a 1 between two vowels is "l"
 * (de1ete → delete), any other 1 is "i" (pr1vate → private). "ca1l" therefore reads "cail".
 */
const SUBSTITUTES: ReadonlyMap<number, number> = new Map(
  [
    ['0', 'o'],
    ['3', 'e'],
    ['4', 'a'],
    ['5', 's'],
    ['7', 't'],
    ['@', 'a'],
    ['$', 's'],
  ].map(([from, to]) => [from.charCodeAt(0), to.charCodeAt(0)]),
);
const ONE = 0x31;
const LETTER_I = 0x69;
const LETTER_L = 0x6c;
const VOWELS: ReadonlySet<number> = new Set([...'aeiou'].map((ch) => ch.charCodeAt(0)));

export function isLeetSubstitute(cp: number): boolean {
  return cp === ONE || SUBSTITUTES.has(cp);
}

/** The letters a leet word stands for; letters pass through unchanged. */
export function resolveLeet(codePoints: ArrayLike<number>): number[] {
  const resolved = Array.from(codePoints, (cp) => SUBSTITUTES.get(cp) ?? cp);
  return resolved.map((cp, i) => {
    if (cp !== ONE) return cp;
    const before = resolved[i - 1];
    const after = resolved[i + 1];
    if (before === ONE || after === ONE) return LETTER_L;
    return VOWELS.has(before) && VOWELS.has(after) ? LETTER_L : LETTER_I;
  });
}
