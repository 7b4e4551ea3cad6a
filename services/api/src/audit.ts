import { randomUUID } from 'node:crypto';
import type { Bus } from '@custody/bus';
import { redactSecrets } from '@custody/logger';
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
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void>;
}

/**
 * Audit events ride the bus like customer data; an action whose audit record cannot be written fails.
 * Details are redacted of every declared secret field, whatever the caller put in them.
 */
export class BusAuditSink implements AuditSink {
  constructor(private readonly bus: Bus, private readonly topic: string) {}
  async record(event: Omit<AuditEvent, 'id' | 'at'>): Promise<void> {
    const full: AuditEvent = { id: randomUUID(), at: new Date().toISOString(), ...event, details: redactSecrets(event.details) };
    await this.bus.publish(this.topic, [{ key: event.tenant, value: JSON.stringify(full), headers: { tenant: event.tenant, action: event.action } }]);
  }
}

export function actorOf(p: Principal) {
  return { keyId: p.keyId, role: p.role };
}
