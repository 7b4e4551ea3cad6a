import type { Envelope } from '@custody/envelope';

export interface Lock {
  retainUntil: Date;
  /** Active legal holds covering the record; non-empty means S3 legal hold ON at write time. */
  holds: string[];
  /** Participants and direction as the directory resolves them at write time, for the index (the envelope stays as captured). */
  resolved?: Pick<Envelope, 'sender' | 'recipients' | 'call' | 'direction'>;
}

/** Decides how each record is locked when written. Tenant retention settings and holds plug in here. */
export interface LockPolicy {
  lockFor(env: Envelope): Promise<Lock>;
  /**
   * The lock of a delivery's bytes, archived before or after the records citing them: at least as
   * long as any record of the tenant received then could be kept, held while any hold is active.
   */
  lockForRaw(tenant: string, receivedAt: Date): Promise<Lock>;
}

/**
 * Retention counts from when the communication happened (sentAt). A record whose retention already
 * ran out (an old import) is still locked for a short minimum: S3 cannot lock into the past.
 */
export class FixedRetention implements LockPolicy {
  constructor(
    private readonly days: number,
    private readonly minLockSeconds: number,
  ) {}

  async lockFor(env: Envelope): Promise<Lock> {
    const fromSent = Date.parse(env.sentAt) + this.days * 86_400_000;
    const floor = Date.now() + this.minLockSeconds * 1000;
    return { retainUntil: new Date(Math.max(fromSent, floor)), holds: [] };
  }

  async lockForRaw(_tenant: string, receivedAt: Date): Promise<Lock> {
    // sentAt may be up to a day after receipt (clock skew allowance): cover that too
    const until = receivedAt.getTime() + 86_400_000 + this.days * 86_400_000;
    return { retainUntil: new Date(Math.max(until, Date.now() + this.minLockSeconds * 1000)), holds: [] };
  }
}
