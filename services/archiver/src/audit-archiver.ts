import { auditKey, type ArchiveStore } from '@custody/archive-store';
import type { Bus, BusRecord, Subscription } from '@custody/bus';
import { SYSTEM_TENANT, TENANT_ID } from '@custody/envelope';
import { errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';

export interface AuditArchiverDeps {
  bus: Bus;
  store: ArchiveStore;
  topic: string;
  groupId: string;
  /** Audit records are kept at least as long as the records they are about could be. */
  retainFor(tenant: string): Promise<number>;
  logger: Logger;
}

const SAFE = /^[\w.-]{1,128}$/;
/** A customer's trail, or the reserved one of failed authentications. */
const auditTenant = (t: string) => TENANT_ID.test(t) || t === SYSTEM_TENANT;

/**
 * Writes every audit event to the WORM store (tenants/<tenant>/audit/<day>/<event id>.json), write-once
 * and locked, so the trail of who searched, exported, held and disposed of what cannot be edited
 * either. Offsets are committed only after the writes; an event that is not an audit event is
 * logged and skipped (nothing else writes to the topic).
 */
export class AuditArchiver {
  private subscription?: Subscription;
  constructor(private readonly deps: AuditArchiverDeps) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({ groupId: this.deps.groupId, topics: [this.deps.topic], fromBeginning: true, onBatch: (r) => this.handleBatch(r) });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(records: BusRecord[]): Promise<void> {
    for (const r of records) {
      let event: { id?: unknown; at?: unknown; tenant?: unknown };
      try {
        event = JSON.parse(r.value.toString('utf8'));
      } catch (err) {
        this.deps.logger.error({ event: 'audit_record_unreadable', offset: r.offset, partition: r.partition, err: errorMessage(err) });
        continue;
      }
      const { id, at, tenant } = event;
      if (typeof id !== 'string' || typeof at !== 'string' || typeof tenant !== 'string' || !SAFE.test(id) || !auditTenant(tenant) || Number.isNaN(Date.parse(at))) {
        this.deps.logger.error({ event: 'audit_record_unreadable', offset: r.offset, partition: r.partition, err: 'missing id or at, or not a tenant id' });
        continue;
      }
      const seconds = await this.deps.retainFor(tenant);
      await this.deps.store.put({
        key: auditKey(tenant, at, id),
        body: r.value,
        contentType: 'application/json',
        // never into the past (a replayed old event): the store cannot lock backwards
        retainUntil: new Date(Math.max(Date.parse(at) + seconds * 1000, Date.now() + 86_400_000)),
        legalHold: false,
      });
    }
  }
}
