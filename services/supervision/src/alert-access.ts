import type { AlertTable } from '@custody/control';
import { NotFoundError } from '@custody/errors';
import type { Principal } from '@custody/http';
import { assertNoConflict, conflictOf, type Alert, type Reviewer } from '@custody/supervision';
import type { DirectoryView } from './directory-view';

/** Roles that review alerts; compliance is the principal who decides escalated ones. Auditors read. */
export const REVIEWERS = ['reviewer', 'compliance'] as const;
export const ALERT_READERS = ['reviewer', 'compliance', 'auditor'] as const;

export const reviewerOf = (p: Principal): Reviewer => ({ keyId: p.keyId, employeeId: p.employeeId, principal: p.role === 'compliance' });

/** The tenant's alert, or the same 404 as a missing one: another tenant's alert id names nothing here. */
export function ownAlert(alerts: AlertTable, tenant: string, id: string): Alert {
  const alert = alerts.get(id);
  if (!alert || alert.tenant !== tenant) throw new NotFoundError(`no alert ${id}`);
  return alert;
}

/**
 * An alert the caller may see: a reviewer or principal never sees one about their own messages or
 * someone up their reporting chain (403, so they know to hand it on); an auditor reads everything,
 * and legal reaches one only to open a hold from it.
 */
export function visibleAlert(alerts: AlertTable, directory: DirectoryView, p: Principal, id: string): Alert {
  const alert = ownAlert(alerts, p.tenant, id);
  if ((REVIEWERS as readonly string[]).includes(p.role)) assertNoConflict(reviewerOf(p), alert, (e) => directory.managerOf(p.tenant, e));
  return alert;
}

/** Whether a list shows the alert to the caller (see visibleAlert). */
export function listable(directory: DirectoryView, p: Principal): (a: Alert) => boolean {
  if (p.role === 'auditor') return () => true;
  const me = reviewerOf(p);
  return (a) => conflictOf(me, a.record.employeeIds, (e) => directory.managerOf(p.tenant, e)) === null;
}

/** Whether the reviewer may read a conversation: it holds an alert they may see (conversation view, context, attachments). */
export function reviewerScope(alerts: AlertTable, directory: DirectoryView): (p: Principal, conversationId: string) => boolean {
  return (p, conversationId) => {
    const show = listable(directory, p);
    return alerts.values().some((a) => a.tenant === p.tenant && a.record.conversation === conversationId && show(a));
  };
}
