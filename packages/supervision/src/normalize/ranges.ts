/** Inclusive [first, last] code point ranges, sorted and disjoint: the form of every character table here. */
export type CodePointRanges = readonly (readonly [number, number])[];

/** Binary search, so a table lookup costs O(log ranges) whatever the input. */
export function inRanges(cp: number, ranges: CodePointRanges): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = ranges[middle];
    if (cp < first) high = middle - 1;
    else if (cp > last) low = middle + 1;
    else return true;
  }
  return false;
}
