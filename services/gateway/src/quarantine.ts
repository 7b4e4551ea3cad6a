import type { Bus } from '@custody/bus';

export interface QuarantineEntry {
  raw: Buffer;
  code: string;
  reason: string;
  /** verify | parse | normalize | size */
  stage: string;
  connector: string;
  instance?: string;
  tenant?: string;
  contentType?: string;
  receivedAt: Date;
  truncated?: boolean;
}

/** Rejected input is evidence too: its exact bytes and the reason go to the quarantine topic, never dropped. */
export async function quarantine(bus: Bus, topic: string, e: QuarantineEntry): Promise<void> {
  const headers: Record<string, string> = {
    code: e.code,
    reason: e.reason.slice(0, 2000),
    stage: e.stage,
    connector: e.connector,
    received_at: e.receivedAt.toISOString(),
  };
  if (e.instance) headers.instance = e.instance;
  if (e.tenant) headers.tenant = e.tenant;
  if (e.contentType) headers.content_type = e.contentType;
  if (e.truncated) headers.truncated = 'true';
  await bus.publish(topic, [{ key: e.tenant ? `${e.tenant}:${e.connector}` : e.connector, value: e.raw, headers }]);
}
