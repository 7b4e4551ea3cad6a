/**
 * Spaced-out words: "g u a r a n t e e d", "g.u.a.r", "g-u-a-r-a-n-t-e-e-d", "g_u_a_r" become one
 * word token spanning the whole run. To keep prose intact ("I am a", "il y a à", "J. R. R."):
 *
 * - every item is a single character standing alone: a letter or a leet substitute, with no
 *   letter, digit or CJK character touching it on the far side of its separator;
 * - items are separated by exactly one separator, the same one throughout the run: a space
 *   (U+0020, or anything NFKC turns into one), ".", "-" or "_" (two spaces end a run);
 * - leet substitutes at either end are not part of the run ("3 g u a r" is 3 then "guar"), and
 *   what remains needs at least MIN_ITEMS items, no fewer letters than substitutes ("1 2 3 4"
 *   and "5 0 0 1" stay numbers).
 *
 * A spaced-out phrase becomes one word ("t e x t m e" → "textme"): word boundaries are not
 * recoverable from single spaces, only from a double space.
 */
import { CharClass } from './char-class';
import type { CharStream } from './char-stream';
import { fromCodePoints } from './code-points';
import { isLeetSubstitute, resolveLeet } from './leet';

const MIN_ITEMS = 4;
const SEPARATORS: ReadonlySet<number> = new Set([0x20, 0x2e, 0x2d, 0x5f]);
const AT_SIGN = 0x40;
const DOLLAR_SIGN = 0x24;

/** A run of stream entries [first, last] (inclusive) read as one word. */
export interface SpacedRun {
  first: number;
  last: number;
  text: string;
}

/** Every spaced-out word of the stream, in order, without overlap; linear in the stream's length. */
export function findSpacedRuns(stream: CharStream): SpacedRun[] {
  const { codePoints, classes, length } = stream;
  const isLetter = (k: number): boolean => classes[k] === CharClass.letter;
  const isItem = (k: number): boolean => isLetter(k) || isLeetSubstitute(codePoints[k]);
  const isWordish = (k: number): boolean => {
    const cls = classes[k];
    return cls === CharClass.letter || cls === CharClass.digit || cls === CharClass.cjk || codePoints[k] === AT_SIGN || codePoints[k] === DOLLAR_SIGN;
  };
  const standsAlone = (k: number): boolean => isItem(k) && (k === 0 || !isWordish(k - 1)) && (k + 1 >= length || !isWordish(k + 1));

  const runs: SpacedRun[] = [];
  let k = 0;
  while (k < length) {
    if (!standsAlone(k)) {
      k += 1;
      continue;
    }
    const items = [k];
    let separator = -1;
    let last = k;
    while (last + 2 < length && SEPARATORS.has(codePoints[last + 1]) && (separator === -1 || codePoints[last + 1] === separator) && standsAlone(last + 2)) {
      separator = codePoints[last + 1];
      last += 2;
      items.push(last);
    }
    const run = lettersBetweenSubstitutes(items, isLetter);
    if (run.length >= MIN_ITEMS && 2 * run.filter(isLetter).length >= run.length) {
      runs.push({ first: run[0], last: run[run.length - 1], text: fromCodePoints(resolveLeet(run.map((i) => codePoints[i]))) });
      k = last + 1;
    } else {
      // the last item may start a run with another separator ("a b c.d.e.f")
      k = items.length > 1 ? last : k + 1;
    }
  }
  return runs;
}

/** The items from the first letter to the last letter: substitutes at either end are not part of the word. */
function lettersBetweenSubstitutes(items: number[], isLetter: (k: number) => boolean): number[] {
  let from = 0;
  let to = items.length;
  while (from < to && !isLetter(items[from])) from += 1;
  while (to > from && !isLetter(items[to - 1])) to -= 1;
  return items.slice(from, to);
}
