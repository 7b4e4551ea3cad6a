import { LineAccounting, type LineGap } from './line-accounting';

const item = (position: number, first?: number, last?: number) => ({ position, lines: first === undefined ? undefined : { first, last: last ?? first } });

/** Observes the items in order, then the file's line count; returns every gap as it was reported. */
function account(items: Array<ReturnType<typeof item>>, total: number | undefined, acc = new LineAccounting('importer test')) {
  const reported: LineGap[] = [];
  for (const i of items) {
    const gap = acc.observe(i);
    if (gap) reported.push(gap);
  }
  const end = acc.finish(total);
  if (end) reported.push(end);
  return { acc, reported };
}

describe('LineAccounting', () => {
  test('items covering every line: no gap, every line read', () => {
    const { acc, reported } = account([item(0, 1, 3), item(10, 4), item(20, 5, 9)], 9);
    expect(reported).toEqual([]);
    expect(acc.gaps).toEqual([]);
    expect([acc.lineNumbered, acc.linesInItems]).toEqual([true, 9]);
    expect(acc.state).toEqual({ through: 9, lastItem: { first: 5, last: 9 }, gaps: [] });
  });

  test('a gap in the middle is reported when the item after it arrives', () => {
    const acc = new LineAccounting('importer test');
    expect(acc.observe(item(0, 1, 3))).toBeUndefined();
    expect(acc.observe(item(10, 7, 8))).toEqual({ from: 4, to: 6, lines: 3 });
    expect(acc.finish(8)).toBeUndefined();
    expect(acc.gaps).toEqual([{ from: 4, to: 6, lines: 3 }]);
    expect(acc.linesInItems).toBe(5);
  });

  test('a gap at the start: lines before the first item', () => {
    const { acc, reported } = account([item(0, 3, 4), item(5, 5)], 5);
    expect(reported).toEqual([{ from: 1, to: 2, lines: 2 }]);
    expect(acc.linesInItems).toBe(3);
  });

  test('a gap at the end: the importer stopped before the last line', () => {
    const { acc, reported } = account([item(0, 1, 2), item(5, 3)], 10);
    expect(reported).toEqual([{ from: 4, to: 10, lines: 7 }]);
    expect([acc.linesInItems, acc.state?.through]).toEqual([3, 10]);
  });

  test('gaps at the start, in the middle and at the end, in order; one line is a gap of 1', () => {
    const { acc } = account([item(0, 2, 3), item(1, 5, 6)], 7);
    expect(acc.gaps).toEqual([
      { from: 1, to: 1, lines: 1 },
      { from: 4, to: 4, lines: 1 },
      { from: 7, to: 7, lines: 1 },
    ]);
  });

  test('no item at all in a file of lines: every line is one gap; an empty file has none', () => {
    expect(account([], 4).acc.gaps).toEqual([{ from: 1, to: 4, lines: 4 }]);
    const empty = account([], 0).acc;
    expect([empty.gaps, empty.linesInItems, empty.lineNumbered]).toEqual([[], 0, true]);
  });

  test('items from the very same lines as the item before (a message and its edit note) are no overlap', () => {
    const { acc, reported } = account([item(0, 1, 2), item(1, 1, 2), item(9, 3)], 3);
    expect([reported, acc.linesInItems]).toEqual([[], 3]);
  });

  test('an item going back into lines already accounted for is an importer bug, named precisely', () => {
    const acc = new LineAccounting('importer test');
    acc.observe(item(0, 1, 5));
    expect(() => acc.observe(item(9, 5, 6))).toThrow(
      'importer test yielded lines 5-6 (position 9) overlapping lines already accounted for: the item before it had lines 1-5',
    );
    expect(() => acc.observe(item(9, 2, 3))).toThrow('importer test yielded lines 2-3 (position 9) overlapping lines already accounted for');
    expect(() => acc.observe(item(9, 1, 4))).toThrow('overlapping');
  });

  test('an invalid range, a line past the end, or line numbers only some of the time are importer bugs', () => {
    expect(() => new LineAccounting('importer test').observe(item(0, 0, 1))).toThrow('importer test yielded invalid lines 0-1 (position 0)');
    expect(() => new LineAccounting('importer test').observe(item(0, 4, 3))).toThrow('invalid lines 4-3');
    const past = new LineAccounting('importer test');
    past.observe(item(0, 1, 6));
    expect(() => past.finish(5)).toThrow('importer test yielded lines up to 6 of a file of 5 lines');
    const mixed = new LineAccounting('importer test');
    mixed.observe(item(0, 1));
    expect(() => mixed.observe(item(1))).toThrow('importer test yielded an item without line numbers (position 1) in a line-numbered export');
    const after = new LineAccounting('importer test');
    after.observe(item(0));
    expect(() => after.observe(item(1, 2))).toThrow('importer test yielded an item with line numbers (position 1) after items without them');
  });

  test('items without lines: not line-numbered, no gaps, nothing for a checkpoint', () => {
    const { acc, reported } = account([item(0), item(100), item(200)], undefined);
    expect([reported, acc.gaps, acc.lineNumbered, acc.state]).toEqual([[], [], false, undefined]);
  });

  test('a resumed import goes on from the checkpoint: no gap for the lines before it, and earlier gaps are kept', () => {
    const first = new LineAccounting('importer test');
    first.observe(item(0, 1, 2));
    first.observe(item(10, 5, 6)); // gap 3-4
    const checkpoint = JSON.parse(JSON.stringify(first.state));
    const resumed = new LineAccounting('importer test', checkpoint);
    // the edit note of the last checkpointed message, in the next batch: same lines, no overlap
    expect(resumed.observe(item(11, 5, 6))).toBeUndefined();
    expect(resumed.observe(item(20, 7, 9))).toBeUndefined();
    expect(resumed.finish(12)).toEqual({ from: 10, to: 12, lines: 3 });
    expect(resumed.gaps).toEqual([
      { from: 3, to: 4, lines: 2 },
      { from: 10, to: 12, lines: 3 },
    ]);
    expect(resumed.linesInItems).toBe(7);
    // a completed import resumed again adds nothing
    const again = new LineAccounting('importer test', JSON.parse(JSON.stringify(resumed.state)));
    expect(again.finish(12)).toBeUndefined();
    expect(again.gaps).toHaveLength(2);
  });

  test('resumed from a checkpoint that kept no line accounting: the first item sets the baseline', () => {
    const legacy = new LineAccounting('importer test', null);
    expect(legacy.observe(item(50, 40, 41))).toBeUndefined();
    expect(legacy.observe(item(60, 44))).toEqual({ from: 42, to: 43, lines: 2 });
    expect(legacy.finish(44)).toBeUndefined();
    const nothingAfter = new LineAccounting('importer test', null);
    expect([nothingAfter.finish(44), nothingAfter.lineNumbered, nothingAfter.state]).toEqual([undefined, undefined, undefined]);
  });
});
