import { randomBytes } from 'node:crypto';
import type { Bus } from '@custody/bus';
import type { AuditRecord, AuditSink } from '@custody/http';
import { redactSecrets } from '@custody/logger';

export type { AuditSink };

/** An audit record as it rides the bus and is archived: the kit's record, with an id and the time. */
export interface AuditEvent extends AuditRecord {
  id: string;
  at: string;
}

/**
 * A UUIDv7 (RFC 9562): the first 48 bits are the millisecond, so the ids of one archived day list
 * in the order the events happened (the archive key is <day>/<id>.json) and the trail can be paged
 * without reading every event of the day.
 */
export function timeOrderedId(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Audit events ride the bus like customer data; an action whose audit record cannot be written fails.
 * Details are redacted of every declared secret field, whatever the caller put in them.
 */
export class BusAuditSink implements AuditSink {
  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
  ) {}
  async record(event: AuditRecord): Promise<void> {
    const now = Date.now();
    const full: AuditEvent = { id: timeOrderedId(now), at: new Date(now).toISOString(), ...event, details: redactSecrets(event.details) };
    await this.bus.publish(this.topic, [{ key: event.tenant, value: JSON.stringify(full), headers: { tenant: event.tenant, action: event.action } }]);
  }
}
