import { randomBytes } from 'node:crypto';
import type { Bus } from '@custody/bus';
import { SYSTEM_TENANT } from '@custody/envelope';
import { RejectionLimiter } from './rate-limit';
import type { HttpRequest } from './types';
import { redactSecrets, type Logger } from '@custody/logger';
import type { Principal } from './auth';

export interface AuditEvent {
  id: string;
  at: string;
  tenant: string;
  actor: { keyId: string; role: string };
  action: string;
  outcome: 'ok' | 'denied' | 'failed';
  status: number;
  target?: string;
  /** Where the call came from (the socket's peer address), for calls over HTTP. */
  source?: { address: string };
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void>;
}

/**
 * A UUIDv7 (RFC 9562): the first 48 bits are the millisecond, so the ids of one archived day list
 * in the order the events happened (the archive key is <day>/<id>.json) and the trail can be paged
 * without reading every event of the day.
 */
export function timeOrderedId(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Audit events ride the bus like customer data; an action whose audit record cannot be written fails.
 * Details are redacted of every declared secret field, whatever the caller put in them.
 */
export class BusAuditSink implements AuditSink {
  constructor(private readonly bus: Bus, private readonly topic: string) {}
  async record(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
    const now = Date.now();
    const full: AuditEvent = { id: timeOrderedId(now), at: new Date(now).toISOString(), ...event, details: redactSecrets(event.details) };
    await this.bus.publish(this.topic, [{ key: event.tenant, value: JSON.stringify(full), headers: { tenant: event.tenant, action: event.action } }]);
  }
}

export function actorOf(p: Principal) {
  return { keyId: p.keyId, role: p.role };
}

export function sourceOf(req: HttpRequest): { address: string } {
  return { address: req.remoteAddress ?? 'unknown' };
}

/**
 * Failed authentications go to the _system trail with the source address, never anything of the
 * presented token. Anyone can cause them, so they are audited at a bounded rate per source address
 * and overall (an attacker must not fill the disk); what is not audited is counted by `onDropped`.
 */
export class FailedAuthAudit {
  private readonly perAddress: RejectionLimiter;
  private readonly overall: RejectionLimiter;
  constructor(
    private readonly audit: AuditSink,
    private readonly logger: Logger,
    /** Per source address; ten times this overall (addresses are cheap to an attacker with IPv6). */
    perMinute: number,
    private readonly onDropped: (reason: 'rate_limited') => void = () => {},
  ) {
    this.perAddress = new RejectionLimiter(perMinute);
    this.overall = new RejectionLimiter(perMinute * 10, 1);
  }

  async record(req: HttpRequest, action: string, reason: string): Promise<void> {
    const source = sourceOf(req);
    if (!this.perAddress.take(source.address) || !this.overall.take('all')) {
      this.onDropped('rate_limited');
      this.logger.debug({ event: 'auth_failure_audit_dropped', remote_address: source.address, action });
      return;
    }
    await this.audit.record({ tenant: SYSTEM_TENANT, actor: { keyId: 'unknown', role: 'none' }, action, outcome: 'denied', status: 401, target: `${req.method} ${req.path.slice(0, 256)}`, source, details: { reason } });
  }
}
