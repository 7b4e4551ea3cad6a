import { normalizeIdentifier } from '@custody/connector-kit';
import type { EnvelopeDraft, Participant } from '@custody/envelope';
import type { Employee } from './directory';

interface Claim {
  employeeId: string;
  from: number;
  to: number;
}

/**
 * Who was behind an identifier at a given instant. Numbers get reassigned: a claim holds only
 * within its [from, to) range, so a message is attributed to whoever held the number when it was sent.
 */
export class Directory {
  private readonly claims = new Map<string, Claim[]>();
  private readonly keys = new Map<string, string>();

  constructor(employees: Employee[]) {
    for (const e of employees) {
      for (const id of e.identifiers) {
        const key = identifierKey(id.kind, id.value);
        const list = this.claims.get(key) ?? [];
        list.push({ employeeId: e.employeeId, from: id.from ? Date.parse(id.from) : -Infinity, to: id.to ? Date.parse(id.to) : Infinity });
        this.claims.set(key, list);
      }
    }
  }

  employeeAt(p: Participant, at: number): string | undefined {
    if (this.claims.size === 0) return undefined;
    for (const value of [p.value, p.platformId].filter((v): v is string => Boolean(v))) {
      const hit = this.claims.get(this.keyOf(p.kind, value))?.find((c) => c.from <= at && at < c.to);
      if (hit) return hit.employeeId;
    }
    return undefined;
  }

  /**
   * Normalizing a phone number (libphonenumber) is the costliest step of resolving a record, and a
   * conversation names the same few identifiers on every message: keys are memoized, boundedly.
   */
  private keyOf(kind: string, value: string): string {
    const memo = `${kind}\u0000${value}`;
    let key = this.keys.get(memo);
    if (key === undefined) {
      if (this.keys.size >= KEY_MEMO_SIZE) this.keys.clear();
      key = identifierKey(kind, value);
      this.keys.set(memo, key);
    }
    return key;
  }
}

const KEY_MEMO_SIZE = 50_000;

function identifierKey(kind: string, value: string): string {
  const v = kind === 'phone' ? normalizeIdentifier(value) : kind === 'email' ? value.trim().toLowerCase() : value.trim();
  return `${kind}:${v}`;
}

/** What resolution reads and writes: an envelope draft or an archived envelope. */
export type Resolvable = Pick<EnvelopeDraft, 'sender' | 'recipients' | 'call' | 'direction' | 'sentAt'>;

/**
 * An archived record resolved against the directory as it is now: what was resolved at capture is
 * dropped first, so a corrected or removed mapping counts too. When nobody resolves, the record's
 * direction stands.
 */
export function resolveAgain<D extends Resolvable>(record: D, directory: Directory): D {
  const strip = (p: Participant): Participant => {
    const { employeeId: _dropped, ...rest } = p;
    return rest;
  };
  const call = record.call && {
    ...record.call,
    from: strip(record.call.from),
    to: strip(record.call.to),
    ...(record.call.forwardedFrom && { forwardedFrom: strip(record.call.forwardedFrom) }),
  };
  return resolve({ ...record, sender: strip(record.sender), recipients: record.recipients.map(strip), ...(call && { call }) }, directory);
}

/**
 * Sets employeeId on every participant the directory knows at sentAt and derives direction:
 * employee → outsider is outbound, outsider → employee inbound, employees only internal. When the
 * directory knows nobody in the record, the connector's own direction stands. Unmapped
 * participants are kept as they are; the index flags them.
 */
export function resolveIdentities(draft: EnvelopeDraft, directory: Directory): EnvelopeDraft {
  return resolve(draft, directory);
}

function resolve<D extends Resolvable>(draft: D, directory: Directory): D {
  const at = Date.parse(draft.sentAt);
  const map = (p: Participant): Participant => {
    const employeeId = directory.employeeAt(p, at);
    return employeeId ? { ...p, employeeId } : p;
  };
  const sender = map(draft.sender);
  const recipients = draft.recipients.map(map);
  const call = draft.call && {
    ...draft.call,
    from: map(draft.call.from),
    to: map(draft.call.to),
    ...(draft.call.forwardedFrom && { forwardedFrom: map(draft.call.forwardedFrom) }),
  };
  const senderIsEmployee = Boolean(sender.employeeId);
  const employeeRecipients = recipients.filter((r) => r.employeeId).length;
  let direction = draft.direction;
  if (senderIsEmployee || employeeRecipients > 0) {
    if (senderIsEmployee && employeeRecipients === recipients.length && recipients.length > 0) direction = 'internal';
    else if (senderIsEmployee) direction = 'outbound';
    else direction = 'inbound';
  }
  return { ...draft, sender, recipients, direction, ...(call && { call }) };
}
