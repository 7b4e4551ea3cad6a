import { searchOf, unitsOf, type PlannedRecord } from './plan';

const rec = (conversationId: string, sentAt: string, n: number): PlannedRecord => ({
  id: `${conversationId}-${sentAt}-${n}`,
  conversationId,
  sentAt,
  kind: 'message',
});
const day = (conversationId: string, date: string, count: number) =>
  Array.from({ length: count }, (_, i) => rec(conversationId, `${date}T10:00:${String(i % 60).padStart(2, '0')}.000Z`, i));

describe('unitsOf', () => {
  test('whole days of one conversation are packed into volumes up to the limit; another conversation starts its own', () => {
    const plan = [...day('a', '2025-01-01', 3), ...day('a', '2025-01-02', 3), ...day('a', '2025-01-03', 2), ...day('b', '2025-01-01', 1)];
    const units = unitsOf(plan, 6);
    expect(units.map((u) => [u.seq, u.conversationId, u.volume, u.records.length, u.slices.map((s) => s.day)])).toEqual([
      [0, 'a', 1, 6, ['2025-01-01', '2025-01-02']],
      [1, 'a', 2, 2, ['2025-01-03']],
      [2, 'b', 1, 1, ['2025-01-01']],
    ]);
    expect(units.flatMap((u) => u.records)).toEqual(plan);
  });

  test('a day longer than a volume is split into numbered parts, each its own slice', () => {
    const plan = [...day('a', '2025-01-01', 2), ...day('a', '2025-01-02', 7)];
    const units = unitsOf(plan, 3);
    expect(units.map((u) => u.slices.map((s) => [s.day, s.part ?? null, s.records.length]))).toEqual([
      [['2025-01-01', null, 2]],
      [['2025-01-02', 1, 3]],
      [['2025-01-02', 2, 3]],
      [['2025-01-02', 3, 1]],
    ]);
    expect(units.flatMap((u) => u.records)).toEqual(plan);
  });

  test('an empty plan has no units', () => {
    expect(unitsOf([])).toEqual([]);
  });
});

describe('searchOf', () => {
  test('reads a participant as POST /v1/search does: the package holds what the search showed', () => {
    expect(searchOf({ participant: '+1 (650) 555-1234', size: 3, facets: ['channel'] })).toMatchObject({ participant: '+16505551234', size: 500 });
    expect(searchOf({ participant: 'Dana.Reyes@Acme.Example' }).participant).toBe('dana.reyes@acme.example');
  });
});
