/**
 * The arithmetic of a windowed list, pure so the unit tests pin it: which rows a scroll position
 * shows, where a row starts, where to scroll to bring one into view, and what to put in the DOM (the
 * rows, with spacers standing in for the ones left out). components/VirtualList.tsx does the DOM part.
 */

/** [start, end): the rows to render. */
export interface Range {
  start: number;
  end: number;
}

/** offsets[i] is where row i starts; offsets[n] is the height of the whole list. */
export function prefixOffsets(heights: readonly number[]): number[] {
  const offsets = new Array<number>(heights.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i] + Math.max(0, heights[i]);
  return offsets;
}

/** The row at height `y` (clamped to the list): the last row that starts at or before `y`. */
export function rowAt(offsets: readonly number[], y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The rows a viewport of `viewport` px scrolled to `scrollTop` shows, widened by `overscan` rows on
 * either side (rendered ahead, so scrolling and tabbing find them already there).
 */
export function visibleRange(offsets: readonly number[], scrollTop: number, viewport: number, overscan: number): Range {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const bottom = top + Math.max(0, viewport);
  const first = rowAt(offsets, top);
  // the last row that starts before the viewport's bottom edge (a row starting exactly there is not in view)
  let last = rowAt(offsets, bottom);
  if (last > first && offsets[last] >= bottom) last -= 1;
  return { start: Math.max(0, first - overscan), end: Math.min(n, last + 1 + overscan) };
}

export type Align = 'start' | 'center' | 'end';

/** The scrollTop that shows row `index` at the viewport's start, centre or end, within what can be scrolled. */
export function scrollTopFor(offsets: readonly number[], index: number, viewport: number, align: Align): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  const i = Math.min(Math.max(0, index), n - 1);
  const top = offsets[i];
  const height = offsets[i + 1] - top;
  let y = top;
  // a row taller than the viewport is shown from its start, never centred off its own top
  if (align === 'center') y = height >= viewport ? top : top - (viewport - height) / 2;
  if (align === 'end') y = top + height - viewport;
  const max = Math.max(0, offsets[n] - viewport);
  return Math.round(Math.min(max, Math.max(0, y)));
}

export type Slot = { kind: 'spacer'; key: string; height: number } | { kind: 'row'; index: number };

/**
 * What goes into the DOM, in order: the rows of `range` plus any `pinned` rows outside it (the row
 * that has focus must stay in the DOM, or focus would fall to the page), and a spacer of the exact
 * height of every run of rows left out, so the scroll height and every row's position stay true.
 */
export function renderPlan(offsets: readonly number[], range: Range, pinned: readonly number[] = []): Slot[] {
  const n = offsets.length - 1;
  const rows = new Set<number>();
  for (let i = Math.max(0, range.start); i < Math.min(n, range.end); i++) rows.add(i);
  for (const i of pinned) if (Number.isInteger(i) && i >= 0 && i < n) rows.add(i);
  const sorted = [...rows].sort((a, b) => a - b);
  const slots: Slot[] = [];
  let at = 0;
  for (const i of sorted) {
    // stable keys for the spacers above and below the window: scrolling only changes their height
    if (i > at) slots.push({ kind: 'spacer', key: at === 0 ? 'gap-top' : `gap-${at}`, height: offsets[i] - offsets[at] });
    slots.push({ kind: 'row', index: i });
    at = i + 1;
  }
  if (n > at) slots.push({ kind: 'spacer', key: 'gap-bottom', height: offsets[n] - offsets[at] });
  return slots;
}
