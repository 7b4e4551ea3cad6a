import type { ChannelId } from '@custody/envelope';
import type { PolicyScope } from './schema';

/** What the matcher knows about a record beyond its text: who, where, which way. */
export interface MatchContext {
  /** Employees taking part in the conversation (sender or recipients). */
  employeeIds: readonly string[];
  /** Groups those employees belong to. */
  groups: readonly string[];
  channel: ChannelId;
  direction: 'inbound' | 'outbound' | 'internal' | 'unknown';
  /** Participants who are not employees: their email addresses and E.164 numbers decide `externalDomains` and `externalNumbers`. */
  externalParticipants: ReadonlyArray<{ kind: 'phone' | 'email' | 'handle'; value: string }>;
}

/**
 * Whether a policy screens this record. Each scope dimension that is set must hold; employees and
 * groups are one dimension (either list), as are external domains and numbers. A record whose
 * direction is unknown is screened whatever `directions` says: a capture that could not tell the
 * direction must not slip past supervision.
 */
export function inScope(scope: PolicyScope, context: MatchContext): boolean {
  return (
    employeesInScope(scope, context) &&
    (scope.channels.length === 0 || scope.channels.includes(context.channel)) &&
    (scope.directions.length === 0 || context.direction === 'unknown' || scope.directions.includes(context.direction)) &&
    counterpartyInScope(scope, context.externalParticipants)
  );
}

function employeesInScope(scope: PolicyScope, context: MatchContext): boolean {
  if (scope.employees.length === 0 && scope.groups.length === 0) return true;
  return context.employeeIds.some((id) => scope.employees.includes(id)) || context.groups.some((group) => scope.groups.includes(group));
}

function counterpartyInScope(scope: PolicyScope, participants: MatchContext['externalParticipants']): boolean {
  if (scope.externalDomains.length === 0 && scope.externalNumbers.length === 0) return true;
  return participants.some((p) => {
    if (p.kind === 'phone') return scope.externalNumbers.includes(p.value);
    if (p.kind !== 'email') return false;
    // domains are compared in ASCII lower case (internationalized domains arrive as punycode)
    const domain = p.value.slice(p.value.lastIndexOf('@') + 1).replace(/[A-Z]/g, (c) => c.toLowerCase());
    return scope.externalDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  });
}
