import { createHash } from 'node:crypto';
import type { Bus } from '@custody/bus';

/** What is kept of a request nobody proved authentic: enough for forensics, never the whole body. */
export const FORENSIC_SAMPLE_BYTES = 4096;

/** Request headers worth keeping for forensics; everything else (bearer tokens, vendor secret headers, cookies) is dropped. */
const FORENSIC_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'x-request-id', 'forwarded'];

export interface QuarantineEntry {
  /** The bytes kept: the whole authentic payload, or a forensic sample of an unauthenticated one. */
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
  /** Extra headers (forensic fields, raw delivery reference). */
  extra?: Record<string, string>;
}

/** Rejected input is evidence too: the bytes (or what forensics needs of them) and the reason go to the quarantine topic. */
export async function quarantine(bus: Bus, topic: string, e: QuarantineEntry): Promise<void> {
  const headers: Record<string, string> = {
    code: e.code,
    reason: e.reason.slice(0, 2000),
    stage: e.stage,
    connector: e.connector,
    received_at: e.receivedAt.toISOString(),
    ...e.extra,
  };
  if (e.instance) headers.instance = e.instance;
  if (e.tenant) headers.tenant = e.tenant;
  if (e.contentType) headers.content_type = e.contentType.slice(0, 256);
  await bus.publish(topic, [{ key: e.tenant ? `${e.tenant}:${e.connector}` : e.connector, value: e.raw, headers }]);
}

/**
 * The forensic record of a request that failed authentication or exceeded the body limit: size,
 * SHA-256 and the first 4 KiB of what arrived, the source address and the non-secret headers.
 */
export function forensicSample(
  body: Buffer,
  received: number,
  headers: Record<string, string | undefined>,
  remoteAddress: string | undefined,
): { raw: Buffer; extra: Record<string, string> } {
  const kept: Record<string, string> = {};
  for (const h of FORENSIC_HEADERS) if (headers[h] !== undefined) kept[h] = headers[h].slice(0, 512);
  return {
    raw: body.subarray(0, FORENSIC_SAMPLE_BYTES),
    extra: {
      forensic: 'true',
      size: String(received),
      // of the bytes read: for an oversized body, its first CUSTODY_MAX_BODY_BYTES
      sha256: createHash('sha256').update(body).digest('hex'),
      ...(body.length < received && { sha256_of: `first ${body.length} bytes` }),
      ...(body.length > FORENSIC_SAMPLE_BYTES && { truncated: 'true' }),
      remote_address: remoteAddress ?? 'unknown',
      request_headers: JSON.stringify(kept),
    },
  };
}
