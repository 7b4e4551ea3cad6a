/**
 * Where an expression matches: runs of consecutive tokens [first, last] (token indexes, inclusive),
 * each an occurrence of one term or phrase. Every operator returns a subset of the occurrences of the
 * terms and phrases under it, never a span between them or an object of its own, so no expression
 * has more occurrences than its terms have: matching stays linear in the text however it nests.
 */
export interface Occurrence {
  readonly first: number;
  readonly last: number;
}

/** Lists of occurrences are kept sorted by first, then last, without two of the same tokens. */
const compare = (a: Occurrence, b: Occurrence) => a.first - b.first || a.last - b.last;

/** Partners found in order mostly come sorted already: the sort is paid only when they do not. */
export function sortedUnique(list: Occurrence[]): Occurrence[] {
  if (!list.every((o, i) => i === 0 || compare(list[i - 1], o) <= 0)) list.sort(compare);
  return list.filter((o, i) => i === 0 || compare(list[i - 1], o) !== 0);
}

/** Merged two by two, so k lists of n cost n·log k, not a sort of everything. */
export function union(lists: ReadonlyArray<readonly Occurrence[]>): readonly Occurrence[] {
  let level = lists.filter((list) => list.length > 0);
  while (level.length > 1) {
    const next: Array<readonly Occurrence[]> = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? merge(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0] ?? [];
}

function merge(a: readonly Occurrence[], b: readonly Occurrence[]): readonly Occurrence[] {
  if (a === b) return a; // the same term twice: evaluations share the list of a term
  const merged: Occurrence[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order = i === a.length ? 1 : j === b.length ? -1 : compare(a[i], b[j]);
    merged.push(order <= 0 ? a[i] : b[j]);
    if (order <= 0) i++;
    if (order >= 0) j++;
  }
  return merged;
}

/** The members of `list` that stand on the same tokens as one of `selected` (both sorted). */
export function intersect(selected: readonly Occurrence[], list: readonly Occurrence[]): Occurrence[] {
  const found: Occurrence[] = [];
  for (let i = 0, j = 0; i < selected.length && j < list.length;) {
    const order = compare(selected[i], list[j]);
    if (order === 0) found.push(list[j]);
    if (order <= 0) i++;
    if (order >= 0) j++;
  }
  return found;
}

/**
 * The pairs of a proximity operator: occurrences of two operands at most `distance` tokens apart
 * (the later one starts at most `distance` tokens after the earlier one ends: 1 is adjacent), not
 * overlapping; `ordered` pairs only a left before a right. Each occurrence's partner is the nearest.
 */
export class Pairing {
  private readonly leftSide: Side;
  private readonly rightSide: Side;
  /** The occurrences of each operand that have a partner. */
  readonly pairedLeft: readonly Occurrence[];
  readonly pairedRight: readonly Occurrence[];
  constructor(
    readonly left: readonly Occurrence[],
    readonly right: readonly Occurrence[],
    private readonly distance: number,
    private readonly ordered: boolean,
  ) {
    this.leftSide = new Side(left);
    this.rightSide = new Side(right);
    this.pairedLeft = this.rightSide.partnersIn(left, distance, { after: true, before: !ordered });
    this.pairedRight = this.leftSide.partnersIn(right, distance, { after: !ordered, before: true });
  }

  partnerOfLeft(a: Occurrence): Occurrence | undefined {
    const after = this.rightSide.startingIn(a.last + 1, a.last + this.distance);
    return after ?? (this.ordered ? undefined : this.rightSide.endingIn(a.first - this.distance, a.first - 1));
  }

  partnerOfRight(b: Occurrence): Occurrence | undefined {
    const before = this.leftSide.endingIn(b.first - this.distance, b.first - 1);
    return before ?? (this.ordered ? undefined : this.leftSide.startingIn(b.last + 1, b.last + this.distance));
  }

  /** The occurrences of the operator. */
  paired(): readonly Occurrence[] {
    return union([this.pairedLeft, this.pairedRight]);
  }
}

/** One operand's occurrences by start and by end, to find the nearest one starting (ending) in a range in log time. */
class Side {
  private readonly byFirst: readonly Occurrence[];
  private readonly byLast: readonly Occurrence[];
  private readonly firsts: Int32Array;
  private readonly lasts: Int32Array;
  constructor(occurrences: readonly Occurrence[]) {
    this.byFirst = occurrences;
    // terms and phrases of one length come sorted by end already; only a mix needs the sort
    const sortedByLast = occurrences.every((o, i) => i === 0 || occurrences[i - 1].last <= o.last);
    this.byLast = sortedByLast ? occurrences : [...occurrences].sort((a, b) => a.last - b.last || a.first - b.first);
    this.firsts = new Int32Array(occurrences.length);
    this.lasts = new Int32Array(occurrences.length);
    for (let i = 0; i < occurrences.length; i++) {
      this.firsts[i] = this.byFirst[i].first;
      this.lasts[i] = this.byLast[i].last;
    }
  }

  /**
   * The members of `list` (sorted by first) that have an occurrence of this side starting at most
   * `distance` tokens after their end (`after`) or ending at most `distance` tokens before their
   * start (`before`). One sweep when the ends of `list` come in order too, as they do for terms
   * and for phrases of one length; a binary search per member otherwise.
   */
  partnersIn(list: readonly Occurrence[], distance: number, { after, before }: { after: boolean; before: boolean }): Occurrence[] {
    const endsInOrder = list.every((o, i) => i === 0 || list[i - 1].last <= o.last);
    const found: Occurrence[] = [];
    let nextStart = 0; // the first of this side's starts after the member's end
    let nextEnd = 0; // the first of this side's ends at or after the member's start
    for (const o of list) {
      if (endsInOrder) {
        while (nextStart < this.firsts.length && this.firsts[nextStart] <= o.last) nextStart++;
        while (nextEnd < this.lasts.length && this.lasts[nextEnd] < o.first) nextEnd++;
      } else {
        nextStart = countBelow(this.firsts, o.last + 1);
        nextEnd = countBelow(this.lasts, o.first);
      }
      const startsAfter = after && nextStart < this.firsts.length && this.firsts[nextStart] <= o.last + distance;
      const endsBefore = before && nextEnd > 0 && this.lasts[nextEnd - 1] >= o.first - distance;
      if (startsAfter || endsBefore) found.push(o);
    }
    return found;
  }

  /** The one starting first in [from, to]. */
  startingIn(from: number, to: number): Occurrence | undefined {
    const i = countBelow(this.firsts, from);
    return i < this.firsts.length && this.firsts[i] <= to ? this.byFirst[i] : undefined;
  }

  /** The one ending last in [from, to]. */
  endingIn(from: number, to: number): Occurrence | undefined {
    const i = countBelow(this.lasts, to + 1) - 1;
    return i >= 0 && this.lasts[i] >= from ? this.byLast[i] : undefined;
  }
}

/** How many of `sorted` are < value. */
function countBelow(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
