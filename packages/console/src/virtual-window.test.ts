import { prefixOffsets, renderPlan, rowAt, scrollTopFor, visibleRange, type Slot } from './virtual-window';

// 100 rows of 50 px: row i spans [50i, 50i + 50)
const even = prefixOffsets(new Array<number>(100).fill(50));

describe('prefixOffsets', () => {
  it('gives where each row starts and the total height', () => {
    expect(prefixOffsets([10, 20, 30])).toEqual([0, 10, 30, 60]);
    expect(prefixOffsets([])).toEqual([0]);
    expect(prefixOffsets([10, -5, 5])).toEqual([0, 10, 10, 15]);
  });
});

describe('rowAt', () => {
  it('finds the row containing a height, clamped to the list', () => {
    expect(rowAt(even, 0)).toBe(0);
    expect(rowAt(even, 49.9)).toBe(0);
    expect(rowAt(even, 50)).toBe(1);
    expect(rowAt(even, 4999)).toBe(99);
    expect(rowAt(even, 99999)).toBe(99);
    expect(rowAt(even, -10)).toBe(0);
    expect(rowAt([0], 10)).toBe(0);
  });

  it('works with rows of different heights', () => {
    const offsets = prefixOffsets([100, 10, 300, 20]); // [0, 100, 110, 410, 430]
    expect([0, 99, 100, 109, 110, 409, 410, 429].map((y) => rowAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
});

describe('visibleRange', () => {
  it('is the rows in view, widened by the overscan', () => {
    // 400 px from 1000: rows 20..27 are in view
    expect(visibleRange(even, 1000, 400, 0)).toEqual({ start: 20, end: 28 });
    expect(visibleRange(even, 1000, 400, 3)).toEqual({ start: 17, end: 31 });
  });

  it('counts a row cut by an edge, not a row that starts exactly at the bottom edge', () => {
    expect(visibleRange(even, 1025, 400, 0)).toEqual({ start: 20, end: 29 });
    expect(visibleRange(even, 1000, 399, 0)).toEqual({ start: 20, end: 28 });
  });

  it('is clamped at both ends of the list', () => {
    expect(visibleRange(even, 0, 400, 5)).toEqual({ start: 0, end: 13 });
    expect(visibleRange(even, 4800, 400, 5)).toEqual({ start: 91, end: 100 });
    expect(visibleRange(even, -50, 400, 0)).toEqual({ start: 0, end: 8 });
    expect(visibleRange(even, 999999, 400, 0)).toEqual({ start: 99, end: 100 });
  });

  it('renders the one row taller than the viewport, and nothing for an empty list', () => {
    const tall = prefixOffsets([50, 2000, 50]);
    expect(visibleRange(tall, 600, 400, 0)).toEqual({ start: 1, end: 2 });
    expect(visibleRange([0], 0, 400, 5)).toEqual({ start: 0, end: 0 });
  });

  it('renders only a window of a large thread', () => {
    const big = prefixOffsets(new Array<number>(100_000).fill(120));
    const r = visibleRange(big, 6_000_000, 700, 6);
    expect(r.end - r.start).toBeLessThanOrEqual(6 + 7 + 6 + 1);
    expect(r.start).toBe(50_000 - 6);
  });
});

describe('scrollTopFor', () => {
  it('brings a row to the start, centre or end of the viewport', () => {
    expect(scrollTopFor(even, 20, 400, 'start')).toBe(1000);
    expect(scrollTopFor(even, 20, 400, 'center')).toBe(1000 - 175);
    expect(scrollTopFor(even, 20, 400, 'end')).toBe(1050 - 400);
  });

  it('stays within what can be scrolled', () => {
    expect(scrollTopFor(even, 0, 400, 'center')).toBe(0);
    expect(scrollTopFor(even, 99, 400, 'center')).toBe(5000 - 400);
    expect(scrollTopFor(even, 500, 400, 'start')).toBe(5000 - 400);
    expect(scrollTopFor(prefixOffsets([50, 50]), 1, 400, 'start')).toBe(0);
    expect(scrollTopFor([0], 0, 400, 'start')).toBe(0);
  });

  it('shows a row taller than the viewport from its start', () => {
    expect(scrollTopFor(prefixOffsets([50, 2000, 50]), 1, 400, 'center')).toBe(50);
  });
});

describe('renderPlan', () => {
  const heights = (slots: Slot[]) => slots.reduce((sum, s) => sum + (s.kind === 'spacer' ? s.height : 50), 0);

  it('puts spacers of the exact height of the rows left out above and below the window', () => {
    const slots = renderPlan(even, { start: 20, end: 23 });
    expect(slots).toEqual([
      { kind: 'spacer', key: 'gap-top', height: 1000 },
      { kind: 'row', index: 20 },
      { kind: 'row', index: 21 },
      { kind: 'row', index: 22 },
      { kind: 'spacer', key: 'gap-bottom', height: 5000 - 1150 },
    ]);
    expect(heights(slots)).toBe(5000);
  });

  it('keeps a pinned row (the one with focus) in the DOM out of the window, the gaps around it exact', () => {
    const slots = renderPlan(even, { start: 50, end: 52 }, [10]);
    expect(slots).toEqual([
      { kind: 'spacer', key: 'gap-top', height: 500 },
      { kind: 'row', index: 10 },
      { kind: 'spacer', key: 'gap-11', height: 50 * 39 },
      { kind: 'row', index: 50 },
      { kind: 'row', index: 51 },
      { kind: 'spacer', key: 'gap-bottom', height: 5000 - 2600 },
    ]);
    expect(heights(slots)).toBe(5000);
  });

  it('has no spacer where none is needed, and ignores pins outside the list', () => {
    expect(renderPlan(prefixOffsets([50, 50]), { start: 0, end: 2 }, [1, 7, -1])).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
    ]);
    expect(renderPlan([0], { start: 0, end: 0 })).toEqual([]);
  });
});
