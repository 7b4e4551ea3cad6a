import type { KeyCreated, KeyList } from './admin-types';

/**
 * API keys as the admin page shows them. Separation of duties (services/api key-routes.ts): a key
 * for a role that sees or preserves customer data is only requested by an admin; a holder of that
 * role approves it and receives the token (a reviewer's, compliance: the principal who supervises
 * reviewers), so no admin ever sees one. Copied from the API's APPROVED_ROLES and APPROVERS; a unit
 * test fails when they differ.
 */
export const APPROVED_ROLES = ['legal', 'compliance', 'reviewer'] as const;
export const APPROVERS: Readonly<Record<(typeof APPROVED_ROLES)[number], string>> = { legal: 'legal', compliance: 'compliance', reviewer: 'compliance' };

export function needsApproval(role: string): boolean {
  return (APPROVED_ROLES as readonly string[]).includes(role);
}

/** Who approves a request for a key of `role`. */
export function approverOf(role: string): string {
  return needsApproval(role) ? APPROVERS[role as (typeof APPROVED_ROLES)[number]] : role;
}

/** The API's rule for the employee a key names (config KeyEmployeeId): required of a reviewer's key. */
const EMPLOYEE_ID = /^[\w.@-]{1,256}$/;

export function employeeIdProblem(role: string, employeeId: string): string | null {
  if (!employeeId) return role === 'reviewer' ? 'A reviewer key names the employee who holds it: enter their employee id from the directory.' : null;
  return EMPLOYEE_ID.test(employeeId) ? null : 'An employee id is letters, digits, _ . @ and -, as the directory lists it.';
}

/** The API's rule for a key id (optional: the API generates one when none is given). */
export const KEY_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;

export function keyIdProblem(id: string): string | null {
  if (!id || KEY_ID.test(id)) return null;
  return 'A key id is 3 to 63 lowercase letters, digits and dashes, starting with a letter or digit.';
}

export const ROLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  admin: 'Configures connectors, keys, retention and the directory; cannot read records.',
  compliance: 'Searches and reviews records. Needs approval by a compliance key holder.',
  legal: 'Places legal holds and runs exports. Needs approval by a legal key holder.',
  auditor: 'Reads the audit trail and verifies the archive.',
  reviewer: 'Reviews supervision alerts, never about their own messages or their reporting chain. Needs approval by a compliance key holder.',
};

export function isIssued(created: KeyCreated): created is Extract<KeyCreated, { token: string }> {
  return 'token' in created && typeof created.token === 'string';
}

/** What the admin is told after asking for a key that needs a second person. */
export function pendingMessage(id: string, role: string): string {
  return `Key ${id} (${role}) is pending approval. A ${approverOf(role)} key holder of this tenant approves it and receives the token; it is never shown to an admin.`;
}

export type KeyRow =
  | { kind: 'key'; id: string; role: string; employeeId?: string; source: 'environment' | 'api' }
  | { kind: 'pending'; id: string; role: string; employeeId?: string; requestedBy: string | null; requestedAt: string | null };

/** Live keys then pending requests, each by id. */
export function keyRows(list: KeyList): KeyRow[] {
  const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
  return [
    ...list.keys.map((k): KeyRow => ({ kind: 'key', id: k.id, role: k.role, ...(k.employeeId && { employeeId: k.employeeId }), source: k.source })).sort(byId),
    ...list.pending
      .map((p): KeyRow => ({
        kind: 'pending',
        id: p.id,
        role: p.role,
        ...(p.employeeId && { employeeId: p.employeeId }),
        requestedBy: p.requestedBy ?? null,
        requestedAt: p.requestedAt ?? null,
      }))
      .sort(byId),
  ];
}
