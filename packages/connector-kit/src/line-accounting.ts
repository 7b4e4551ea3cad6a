/** 1-based, inclusive line numbers of an export's numbered file. */
export interface LineRange {
  first: number;
  last: number;
}

/** Lines of the numbered file that are in no item: neither archived nor quarantined. */
export interface LineGap {
  from: number;
  to: number;
  /** to - from + 1 */
  lines: number;
}

/** What a checkpoint keeps so a resumed import goes on accounting where the last run stopped. */
export interface LineAccountingState {
  /** Lines 1..through are accounted for: inside an item or inside a gap. */
  through: number;
  /** The last item's lines: another item from the very same lines (a message and its edit note) is no overlap. */
  lastItem?: LineRange;
  gaps: LineGap[];
}

/**
 * Proves that every line of a line-based export is inside an item (archived or quarantined): items
 * are observed in the importer's order, and a line between two items, before the first or after the
 * last one is a gap. An item whose lines go back into lines already accounted for (other than the
 * very same range as the item before it: one block of lines may yield several items) is an importer
 * bug, and so is an export whose items carry line numbers only some of the time.
 *
 * An export whose items carry no line numbers (a JSON export, a folder of .eml files) is not
 * line-numbered: nothing is accounted and no gap is ever reported.
 */
export class LineAccounting {
  private through: number;
  private lastItem?: LineRange;
  private readonly found: LineGap[];
  /** True once an item with lines (or a line count) was seen, false once one without; undefined before. */
  private numbered: boolean | undefined;
  /** A run resumed from a checkpoint written before line accounting: its first item sets the baseline. */
  private baselineUnknown: boolean;

  /**
   * `resumed`: the state of the checkpoint a resumed import continues from; `null` when it resumes
   * from a checkpoint that kept none (the lines before its position are not known to be accounted).
   */
  constructor(
    private readonly who: string,
    resumed?: LineAccountingState | null,
  ) {
    this.through = resumed?.through ?? 0;
    this.lastItem = resumed?.lastItem;
    this.found = [...(resumed?.gaps ?? [])];
    this.numbered = resumed ? true : undefined;
    this.baselineUnknown = resumed === null;
  }

  /** Accounts for the next item's lines; returns the gap its first line reveals, if any. */
  observe(item: { position: number; lines?: LineRange }): LineGap | undefined {
    const { lines, position } = item;
    if (!lines) {
      if (this.numbered === true) throw new Error(`${this.who} yielded an item without line numbers (position ${position}) in a line-numbered export`);
      this.numbered = false;
      return undefined;
    }
    if (this.numbered === false) throw new Error(`${this.who} yielded an item with line numbers (position ${position}) after items without them`);
    this.numbered = true;
    const { first, last } = lines;
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first)
      throw new Error(`${this.who} yielded invalid lines ${first}-${last} (position ${position}): expected 1 <= first <= last`);
    if (this.lastItem && first === this.lastItem.first && last === this.lastItem.last) return undefined;
    if (this.baselineUnknown) {
      this.baselineUnknown = false;
      this.through = first - 1;
    }
    if (first <= this.through) {
      const before = this.lastItem ? `the item before it had lines ${this.lastItem.first}-${this.lastItem.last}` : `lines 1-${this.through} were accounted for`;
      throw new Error(`${this.who} yielded lines ${first}-${last} (position ${position}) overlapping lines already accounted for: ${before}`);
    }
    const gap = first > this.through + 1 ? this.gap(this.through + 1, first - 1) : undefined;
    this.through = last;
    this.lastItem = { first, last };
    return gap;
  }

  /**
   * The numbered file has `total` lines: lines after the last item are a gap (a parser that stopped
   * early). An item past the end is an importer bug. Calling it again (a completed import resumed) adds nothing.
   */
  finish(total: number | undefined): LineGap | undefined {
    if (total === undefined || this.numbered === false) return undefined;
    if (!Number.isSafeInteger(total) || total < 0) throw new Error(`${this.who} reported ${total} lines`);
    if (this.through > total) throw new Error(`${this.who} yielded lines up to ${this.through} of a file of ${total} lines`);
    // resumed from a checkpoint without line accounting and no item since: nothing is known to check
    if (this.baselineUnknown) return undefined;
    this.numbered = true;
    return total > this.through ? this.gap(this.through + 1, total) : undefined;
  }

  /** Whether the items carry line numbers: undefined until an item (or `finish` with a line count) tells. */
  get lineNumbered(): boolean | undefined {
    return this.numbered;
  }

  get gaps(): LineGap[] {
    return [...this.found];
  }

  /** Lines accounted for that are inside items: the lines read into records and quarantine entries. */
  get linesInItems(): number {
    return this.through - this.found.reduce((n, g) => n + g.lines, 0);
  }

  /** For the checkpoint; undefined when the export is not line-numbered (or nothing told yet). */
  get state(): LineAccountingState | undefined {
    if (this.numbered !== true) return undefined;
    return { through: this.through, lastItem: this.lastItem, gaps: this.gaps };
  }

  private gap(from: number, to: number): LineGap {
    const g = { from, to, lines: to - from + 1 };
    this.found.push(g);
    this.through = to;
    return g;
  }
}
