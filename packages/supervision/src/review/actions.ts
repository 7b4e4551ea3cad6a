import { RejectedInputError } from '@custody/errors';
import { DISPOSITIONS, type Alert, type AlertEvent, type Disposition } from './alert';

/** Who acts on an alert: the key, the employee it belongs to, and whether it may decide escalated (level 2) alerts. */
export interface Reviewer {
  keyId: string;
  employeeId?: string;
  principal: boolean;
}

export type AlertAction =
  | { action: 'claim' }
  | { action: 'release' }
  | { action: 'assign'; to: { keyId: string; employeeId?: string } }
  | { action: 'escalate'; reason: string }
  | { action: 'note'; text: string }
  | { action: 'tag'; add: string[]; remove: string[] }
  | { action: 'notify'; to: string; message: string }
  | { action: 'decide'; disposition: Disposition; reasonCode: string; reason: string }
  | { action: 'hold'; holdId: string };

const forbidden = (code: string, message: string) => new RejectedInputError(code, message, 403);
const conflict = (code: string, message: string) => new RejectedInputError(code, message, 409);

/**
 * Why `reviewer` may not review a record of these employees, or null: it is their own, or of
 * someone they report to (up the directory's manager chain). A key that acts on alerts must name
 * its employee, or neither could be checked.
 */
export function conflictOf(reviewer: Reviewer, employeeIds: readonly string[], managerOf: (employeeId: string) => string | undefined): string | null {
  if (!reviewer.employeeId) return 'reviewer_unbound';
  if (employeeIds.includes(reviewer.employeeId)) return 'own_messages';
  const seen = new Set([reviewer.employeeId]);
  for (let m = managerOf(reviewer.employeeId); m !== undefined && !seen.has(m); m = managerOf(m)) {
    if (employeeIds.includes(m)) return 'reporting_chain';
    seen.add(m);
  }
  return null;
}

const CONFLICT_MESSAGES: Record<string, string> = {
  reviewer_unbound: 'a key that reviews alerts must name its employee (api key employeeId)',
  own_messages: 'a reviewer may not review their own messages',
  reporting_chain: 'a reviewer may not review the messages of someone in their reporting chain',
};

export function assertNoConflict(reviewer: Reviewer, alert: Alert, managerOf: (employeeId: string) => string | undefined): void {
  const conflict = conflictOf(reviewer, alert.record.employeeIds, managerOf);
  if (conflict) throw forbidden(conflict === 'reviewer_unbound' ? conflict : 'conflict_of_interest', CONFLICT_MESSAGES[conflict]);
}

/**
 * The alert after `act`, or a refusal: closed alerts take only notes and tags; an escalated alert is
 * claimed and decided only by a principal; an alert claimed by someone else is theirs until they
 * release it (a principal may re-assign it); a decision needs a reason code of its outcome.
 */
export function applyAction(alert: Alert, act: AlertAction, by: Reviewer, at: string): Alert {
  const next: Alert = structuredClone(alert);
  const actor = { keyId: by.keyId, ...(by.employeeId && { employeeId: by.employeeId }) };
  const mine = alert.assignee?.keyId === by.keyId;
  const open = () => {
    if (alert.status === 'closed') throw conflict('alert_closed', `alert ${alert.id} is closed`);
  };
  const mayHandle = () => {
    if (alert.level === 2 && !by.principal) throw forbidden('forbidden', 'an escalated alert is reviewed by a principal (compliance)');
    if (alert.assignee && !mine && !by.principal) throw conflict('alert_claimed', `alert ${alert.id} is claimed by ${alert.assignee.keyId}`);
  };
  let details: Record<string, unknown> | undefined;
  switch (act.action) {
    case 'claim':
      open();
      mayHandle();
      if (alert.assignee && !mine) throw conflict('alert_claimed', `alert ${alert.id} is claimed by ${alert.assignee.keyId}`);
      next.assignee = actor;
      break;
    case 'release':
      open();
      if (!mine && !by.principal) throw conflict('alert_not_yours', `alert ${alert.id} is not claimed by ${by.keyId}`);
      next.assignee = null;
      break;
    case 'assign':
      open();
      next.assignee = act.to;
      details = { to: act.to.keyId };
      break;
    case 'escalate':
      open();
      mayHandle();
      if (alert.level === 2) throw conflict('alert_escalated', `alert ${alert.id} is already escalated`);
      next.level = 2;
      next.escalated = true;
      next.assignee = null;
      details = { reason: act.reason };
      break;
    case 'note':
      next.notes.push({ by: actor, at, text: act.text });
      details = { length: act.text.length };
      break;
    case 'tag':
      next.tags = [...new Set([...alert.tags.filter((t) => !act.remove.includes(t)), ...act.add])].sort();
      details = { add: act.add, remove: act.remove };
      break;
    case 'notify':
      details = { to: act.to, message: act.message };
      break;
    case 'decide': {
      open();
      mayHandle();
      const codes: readonly string[] = DISPOSITIONS[act.disposition];
      if (!codes.includes(act.reasonCode))
        throw new RejectedInputError('invalid_request', `reason code ${act.reasonCode} does not go with ${act.disposition} (${codes.join(', ')})`);
      next.status = 'closed';
      next.assignee = actor;
      next.disposition = { code: act.disposition, reasonCode: act.reasonCode, reason: act.reason, by: actor, at, level: alert.level };
      details = { disposition: act.disposition, reasonCode: act.reasonCode };
      break;
    }
    case 'hold':
      details = { hold: act.holdId };
      break;
  }
  next.firstActionAt ??= at;
  const event: AlertEvent = { at, by: actor, action: act.action, ...(details && { details }) };
  next.events.push(event);
  return next;
}
