import { APPROVED_ROLES as API_APPROVED_ROLES, APPROVERS as API_APPROVERS, ROLES as API_ROLES } from '@custody/config';
import { ROLES } from './admin-types';
import { APPROVED_ROLES, APPROVERS, ROLE_DESCRIPTIONS, employeeIdProblem, isIssued, keyIdProblem, keyRows, needsApproval, pendingMessage } from './admin-keys';

describe('API keys on the admin page', () => {
  it("knows the API's roles and which of them need a second person's approval", () => {
    expect([...ROLES]).toEqual([...API_ROLES]);
    expect([...APPROVED_ROLES]).toEqual([...API_APPROVED_ROLES]);
    expect(APPROVERS).toEqual(API_APPROVERS);
    expect(ROLES.filter(needsApproval)).toEqual(['compliance', 'legal', 'reviewer']);
    for (const role of ROLES) expect(ROLE_DESCRIPTIONS[role]).toBeTruthy();
  });

  it("checks the API's rule for key ids, an empty one letting the API choose", () => {
    expect(keyIdProblem('')).toBeNull();
    expect(keyIdProblem('ci-reader')).toBeNull();
    for (const bad of ['ab', 'CI', '-ci', 'ci_reader']) expect(keyIdProblem(bad)).not.toBeNull();
  });

  it('requires a reviewer key to name its employee, by the API’s rule', () => {
    expect(employeeIdProblem('reviewer', '')).toMatch(/names the employee/);
    expect(employeeIdProblem('reviewer', 'emp-1')).toBeNull();
    expect(employeeIdProblem('auditor', '')).toBeNull();
    expect(employeeIdProblem('compliance', 'no spaces')).toMatch(/letters, digits/);
  });

  it('tells a token (shown once) from a pending request', () => {
    expect(isIssued({ id: 'k', tenant: 't', role: 'auditor', token: 'cust_x' })).toBe(true);
    expect(isIssued({ id: 'k', tenant: 't', role: 'legal', status: 'pending_approval', approve: '…' })).toBe(false);
    expect(pendingMessage('lg-1', 'legal')).toBe(
      'Key lg-1 (legal) is pending approval. A legal key holder of this tenant approves it and receives the token; it is never shown to an admin.',
    );
    expect(pendingMessage('rev-1', 'reviewer')).toMatch(/^Key rev-1 \(reviewer\) is pending approval\. A compliance key holder/);
  });

  it('lists live keys, then pending requests, each by id', () => {
    const rows = keyRows({
      keys: [
        { id: 'zeta', role: 'admin', tenant: 't', source: 'api' },
        { id: 'rev-1', role: 'reviewer', tenant: 't', employeeId: 'emp-7', source: 'api' },
        { id: 'boot', role: 'admin', tenant: 't', source: 'environment' },
      ],
      pending: [{ id: 'lg-1', role: 'legal', requestedBy: 'zeta', requestedAt: '2026-11-30T10:00:00Z' }],
    });
    expect(rows.map((r) => [r.kind, r.id])).toEqual([
      ['key', 'boot'],
      ['key', 'rev-1'],
      ['key', 'zeta'],
      ['pending', 'lg-1'],
    ]);
    expect(rows[3]).toMatchObject({ requestedBy: 'zeta', requestedAt: '2026-11-30T10:00:00Z' });
    expect(rows[1]).toMatchObject({ role: 'reviewer', employeeId: 'emp-7' });
  });
});
