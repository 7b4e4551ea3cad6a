import { applyAction } from './actions';
import { examinerRows, EXAMINER_COLUMNS } from './examiner';
import { miReport, silentPopulations } from './mi';
import { testAlert } from './test-alert.test-support';

const carol = { keyId: 'carol-key', employeeId: 'carol', principal: true };
const day = (d: number, h = 0) => new Date(Date.UTC(2026, 10, d, h)).toISOString();

describe('miReport', () => {
  const decided = applyAction(
    applyAction(testAlert({ id: 'al-1', raisedAt: day(2) }), { action: 'escalate', reason: 'x' }, carol, day(2, 3)),
    { action: 'decide', disposition: 'violation', reasonCode: 'reported_to_compliance', reason: 'r' },
    carol,
    day(2, 5),
  );
  const closedLate = applyAction(
    testAlert({ id: 'al-2', raisedAt: day(3), ruleId: 'no-risk-en' }),
    { action: 'decide', disposition: 'false_positive', reasonCode: 'term_misfire', reason: 'r' },
    carol,
    day(8),
  );
  const open = testAlert({ id: 'al-3', raisedAt: day(9), policyId: 'complaints' });
  const report = miReport([decided, closedLate, open], { from: new Date(day(1)), to: new Date(day(11)), now: new Date(day(10)), slaHours: 72 });

  test('coverage, time to first action, backlog and SLA breaches', () => {
    expect(report.coverage.hits).toEqual({ raised: 3, dispositioned: 2, share: 2 / 3 });
    expect(report.timeToFirstActionHours).toEqual({ n: 2, p50: 120, p90: 120, max: 120 });
    expect(report.backlog).toMatchObject({ open: 1, oldestOpenAt: day(9), slaBreaches: 1 });
    expect(report.backlog.byAge).toContainEqual({ age: '1-3d', count: 1 });
  });

  test('precision per policy is escalated ÷ hits; hits per rule', () => {
    expect(report.policies).toEqual([
      { policyId: 'complaints', hits: 1, escalated: 0, precision: 0 },
      { policyId: 'guarantees', hits: 2, escalated: 1, precision: 0.5 },
    ]);
    expect(report.terms[0]).toMatchObject({ hits: 1 });
    expect(report.terms).toHaveLength(3);
  });

  test('a policy and channel with hits each of four weeks and none in the last is an alarm', () => {
    const to = new Date(day(29));
    const weekly = [1, 2, 3, 4].map((w) => testAlert({ id: `al-w${w}`, raisedAt: new Date(to.getTime() - (w * 7 + 1) * 86_400_000).toISOString() }));
    expect(silentPopulations(weekly, to)).toEqual([{ policyId: 'guarantees', channel: 'whatsapp', weeklyAverage: 1, lastWeek: 0 }]);
    expect(silentPopulations([...weekly, testAlert({ id: 'al-now', raisedAt: day(28) })], to)).toEqual([]);
    expect(silentPopulations(weekly.slice(1), to)).toEqual([]);
  });

  test('the examiner export: one row per decision in the range, with who, when and what was done', () => {
    const rows = examinerRows([decided, closedLate, open], new Date(day(1)), new Date(day(5)));
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual([...EXAMINER_COLUMNS]);
    expect(rows[0]).toMatchObject({
      alertId: 'al-1',
      reviewerKey: 'carol-key',
      reviewerEmployee: 'carol',
      reviewedAt: day(2, 5),
      level: 2,
      escalated: true,
      disposition: 'violation',
    });
  });
});
