import { applyAction, conflictOf, type Reviewer } from './actions';
import { testAlert } from './test-alert.test-support';

const rita: Reviewer = { keyId: 'rita-key', employeeId: 'rita', principal: false };
const carol: Reviewer = { keyId: 'carol-key', employeeId: 'carol', principal: true };
const managers: Record<string, string> = { carl: 'alice', alice: 'bob', dave: 'erin', erin: 'dave' };
const managerOf = (e: string) => managers[e];
const at = '2026-11-30T11:00:00.000Z';
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: string }).code, status: (err as { status: number }).status };
  }
  throw new Error('expected a refusal');
};

describe('conflictOf', () => {
  test('own messages, anyone up the reviewer’s chain (cycles end), or no employee named', () => {
    expect(conflictOf({ ...rita, employeeId: 'alice' }, ['alice', 'x'], managerOf)).toBe('own_messages');
    expect(conflictOf({ ...rita, employeeId: 'carl' }, ['bob'], managerOf)).toBe('reporting_chain');
    expect(conflictOf({ ...rita, employeeId: 'carl' }, ['nobody'], managerOf)).toBeNull();
    expect(conflictOf({ ...rita, employeeId: 'dave' }, ['nobody'], managerOf)).toBeNull();
    expect(conflictOf({ ...rita, employeeId: 'dave' }, ['erin'], managerOf)).toBe('reporting_chain');
    expect(conflictOf({ keyId: 'k', principal: false }, ['alice'], managerOf)).toBe('reviewer_unbound');
    // a reviewer's own reports are theirs to supervise
    expect(conflictOf({ ...rita, employeeId: 'bob' }, ['alice'], managerOf)).toBeNull();
  });
});

describe('applyAction', () => {
  test('claim, escalate, decide: levels, claims and reason codes; every step an event', () => {
    let a = applyAction(testAlert(), { action: 'claim' }, rita, at);
    expect(a.assignee).toEqual({ keyId: 'rita-key', employeeId: 'rita' });
    expect(a.firstActionAt).toBe(at);
    expect(refusal(() => applyAction(a, { action: 'claim' }, { ...rita, keyId: 'other' }, at))).toEqual({ code: 'alert_claimed', status: 409 });
    a = applyAction(a, { action: 'escalate', reason: 'needs a principal' }, rita, at);
    expect(a).toMatchObject({ level: 2, escalated: true, assignee: null });
    expect(refusal(() => applyAction(a, { action: 'decide', disposition: 'violation', reasonCode: 'reported_to_compliance', reason: 'r' }, rita, at))).toEqual({
      code: 'forbidden',
      status: 403,
    });
    expect(refusal(() => applyAction(a, { action: 'decide', disposition: 'violation', reasonCode: 'term_misfire', reason: 'r' }, carol, at)).code).toBe(
      'invalid_request',
    );
    a = applyAction(a, { action: 'decide', disposition: 'violation', reasonCode: 'reported_to_compliance', reason: 'r' }, carol, at);
    expect(a).toMatchObject({ status: 'closed', disposition: { code: 'violation', level: 2, by: { keyId: 'carol-key' } } });
    expect(refusal(() => applyAction(a, { action: 'claim' }, carol, at)).code).toBe('alert_closed');
    // notes and tags still go on a closed alert
    a = applyAction(a, { action: 'note', text: 'client called back' }, carol, at);
    expect(a.events.map((e) => e.action)).toEqual(['claim', 'escalate', 'decide', 'note']);
  });

  test('the alert given is never changed; tags are a sorted set', () => {
    const before = testAlert();
    const after = applyAction(before, { action: 'tag', add: ['retail', 'fx', 'retail'], remove: [] }, rita, at);
    expect(after.tags).toEqual(['fx', 'retail']);
    expect(before.tags).toEqual([]);
    expect(applyAction(after, { action: 'tag', add: [], remove: ['fx'] }, rita, at).tags).toEqual(['retail']);
  });
});
