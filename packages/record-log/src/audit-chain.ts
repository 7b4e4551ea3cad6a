import { createHash } from 'node:crypto';
import type { ArchiveStore } from '@custody/archive-store';
import { z } from 'zod';
import { LogReader } from './reader';

/**
 * The audit trail as a hash chain, per tenant: every archived audit event carries, beside what the
 * API recorded, `chain: {sequence, previous}` — its position in the tenant's trail from 1, and the
 * SHA-256 of the stored bytes of the event before it. An event edited, removed or slipped in breaks
 * the chain at that point, whatever else was recomputed. The record log covers the same events, so a
 * signed checkpoint fixes the chain too.
 */
export const AuditChainLink = z
  .object({
    sequence: z.number().int().positive().describe("the event's position in its tenant's trail, from 1"),
    previous: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable()
      .describe('hex SHA-256 of the stored bytes of the event before it; null for the first'),
  })
  .strict();
export type AuditChainLink = z.infer<typeof AuditChainLink>;

/** Where a tenant's chain stands: the last event's position and the hash of its stored bytes. */
export interface AuditChainHead {
  sequence: number;
  sha256: string;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The chain link an event's stored bytes carry, or null for an event archived before the chain existed. */
export function chainLinkOf(bytes: Buffer): AuditChainLink | null {
  const parsed = JSON.parse(bytes.toString('utf8')) as { chain?: unknown };
  return parsed.chain === undefined ? null : AuditChainLink.parse(parsed.chain);
}

/**
 * The head of a tenant's chain as the store has it: the last audit event the record log names. An
 * event archived before the chain existed counts as position 0, so the chain goes on from it.
 */
export async function auditChainHead(store: ArchiveStore, tenant: string): Promise<AuditChainHead | null> {
  const leaf = await new LogReader(store, tenant).lastLeafOf('audit');
  if (!leaf) return null;
  const { body } = await store.get(leaf.key, leaf.versionId);
  return { sequence: chainLinkOf(body)?.sequence ?? 0, sha256: sha256Hex(body) };
}
