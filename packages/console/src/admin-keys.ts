import type { KeyCreated, KeyList } from './admin-types';

/**
 * API keys as the admin page shows them. Separation of duties (services/api key-routes.ts): a key
 * for a role that sees or preserves customer data is only requested by an admin; a holder of that
 * role approves it and receives the token, so no admin ever sees one. Copied from the API's
 * APPROVED_ROLES; a unit test fails when the two differ.
 */
export const APPROVED_ROLES = ['legal', 'compliance'] as const;

export function needsApproval(role: string): boolean {
  return (APPROVED_ROLES as readonly string[]).includes(role);
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
};

export function isIssued(created: KeyCreated): created is Extract<KeyCreated, { token: string }> {
  return 'token' in created && typeof created.token === 'string';
}

/** What the admin is told after asking for a key that needs a second person. */
export function pendingMessage(id: string, role: string): string {
  return `Key ${id} (${role}) is pending approval. A ${role} key holder of this tenant approves it and receives the token; it is never shown to an admin.`;
}

export type KeyRow =
  | { kind: 'key'; id: string; role: string; source: 'environment' | 'api' }
  | { kind: 'pending'; id: string; role: string; requestedBy: string | null; requestedAt: string | null };

/** Live keys then pending requests, each by id. */
export function keyRows(list: KeyList): KeyRow[] {
  const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
  return [
    ...list.keys.map((k): KeyRow => ({ kind: 'key', id: k.id, role: k.role, source: k.source })).sort(byId),
    ...list.pending
      .map((p): KeyRow => ({ kind: 'pending', id: p.id, role: p.role, requestedBy: p.requestedBy ?? null, requestedAt: p.requestedAt ?? null }))
      .sort(byId),
  ];
}
