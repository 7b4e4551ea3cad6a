import type { Envelope } from '@custody/envelope';
import { DATA_TYPES, dataTypeOf, holdCovers, retentionSeconds, type DataType, type HoldSubject, type LockPolicy } from '@custody/policy';
import type { HoldTable, RetentionTable } from './tables';
import { resolveAgain, type Directory, type Resolvable } from '@custody/identity';

export interface TenantLock {
  retainUntil: Date;
  holds: string[];
  /** Settings version the lock came from (none: the configured default). */
  policyVersion: number | null;
  /** The record's participants and direction as the directory resolves them now (the index carries these). */
  resolved?: Pick<Resolvable, 'sender' | 'recipients' | 'call' | 'direction'>;
}

export function holdSubjectOf(env: Envelope): HoldSubject {
  const people = [env.sender, ...env.recipients, ...(env.call ? [env.call.from, env.call.to] : [])];
  return {
    employeeIds: people.map((p) => p.employeeId).filter((v): v is string => Boolean(v)),
    participants: people.flatMap((p) => [p.value, p.platformId].filter((v): v is string => Boolean(v))),
    channel: env.channel,
    sentAt: env.sentAt,
    text: [env.content?.text, ...(env.attachments ?? []).map((a) => a.caption ?? a.fileName)].filter(Boolean).join('\n'),
  };
}

/**
 * Locks each record as its tenant's settings say at write time: retention from sentAt by data type
 * and channel (never under a preset floor), and legal hold when an active hold covers it. Without
 * settings the configured default applies. A record whose period already ran out is still locked
 * for a minimum: S3 cannot lock into the past.
 */
export class TenantLockPolicy implements LockPolicy {
  constructor(
    private readonly retention: RetentionTable,
    private readonly holds: HoldTable,
    private readonly defaultSeconds: number,
    private readonly minLockSeconds: number,
    /** The directory as it is now: a record captured before a change is judged (holds, index) on the change. */
    private readonly directoryOf?: (tenant: string) => Directory,
  ) {}

  /** The tenant's period for a data type on a channel, in seconds (the configured default without settings). */
  retentionSeconds(tenant: string, type: DataType, channel: string): number {
    const settings = this.retention.get(tenant);
    return settings ? retentionSeconds(settings, type, channel) : this.defaultSeconds;
  }

  /** End of retention under the current settings, from when the communication happened. */
  retentionEnd(r: { tenant: string; kind: Envelope['kind']; channel: string; sentAt: string }): Date {
    return new Date(Date.parse(r.sentAt) + this.retentionSeconds(r.tenant, dataTypeOf(r), r.channel) * 1000);
  }

  /** The longest period any record of the tenant can get now: over every data type and configured channel. */
  longestRetentionSeconds(tenant: string): number {
    const settings = this.retention.get(tenant);
    if (!settings) return this.defaultSeconds;
    const channels = ['', ...Object.keys(settings.byChannel)];
    return Math.max(...channels.flatMap((c) => DATA_TYPES.map((t) => retentionSeconds(settings, t, c))));
  }

  /**
   * A delivery's bytes may be cited by records of any type and channel, archived before or after
   * them: locked for the tenant's longest period from receipt (plus the day of clock skew a sentAt
   * may have), and held while any hold of the tenant is active.
   */
  async lockForRaw(tenant: string, receivedAt: Date): Promise<TenantLock> {
    const until = receivedAt.getTime() + 86_400_000 + this.longestRetentionSeconds(tenant) * 1000;
    const retainUntil = new Date(Math.max(until, Date.now() + this.minLockSeconds * 1000));
    const holds = this.holds
      .values()
      .filter((h) => h.tenant === tenant && h.status === 'active')
      .map((h) => h.id)
      .sort();
    return { retainUntil, holds, policyVersion: this.retention.get(tenant)?.version ?? null };
  }

  async lockFor(env: Envelope): Promise<TenantLock> {
    const retainUntil = new Date(Math.max(this.retentionEnd(env).getTime(), Date.now() + this.minLockSeconds * 1000));
    const resolved = this.directoryOf ? resolveAgain(env, this.directoryOf(env.tenant)) : env;
    const subject = holdSubjectOf({ ...env, ...resolved });
    const holds = this.holds
      .values()
      .filter((h) => h.tenant === env.tenant && h.status === 'active' && holdCovers(h.scope, subject))
      .map((h) => h.id)
      .sort();
    const { sender, recipients, call, direction } = resolved;
    return { retainUntil, holds, policyVersion: this.retention.get(env.tenant)?.version ?? null, resolved: { sender, recipients, call, direction } };
  }
}
