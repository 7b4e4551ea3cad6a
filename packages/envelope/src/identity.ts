import { createHash } from 'node:crypto';
import type { Envelope, EnvelopeKind } from './schema';

/**
 * The same vendor event always yields the same id, so a redelivered webhook or a re-run import
 * lands on the same archive key and index document instead of creating a duplicate.
 * Fields are length-prefixed so ("a:b","c") and ("a","b:c") can never collide.
 */
export function envelopeId(tenant: string, connector: string, externalId: string, kind: EnvelopeKind): string {
  const h = createHash('sha256');
  for (const part of [tenant, connector, externalId, kind]) h.update(`${Buffer.byteLength(part)}:${part};`);
  return h.digest('hex').slice(0, 40);
}

/**
 * The message an edit or deletion revises: the vendor's id, and its record id, derived (edits and
 * deletions name a message of the same connector). Undefined for every other record.
 */
export function revisedMessage(env: Pick<Envelope, 'tenant' | 'kind' | 'source' | 'refs'>): { externalId: string; recordId: string } | undefined {
  const externalId = env.kind === 'edit' ? env.refs?.edits : env.kind === 'deletion' ? env.refs?.deletes : undefined;
  return externalId === undefined ? undefined : { externalId, recordId: envelopeId(env.tenant, env.source.connector, externalId, 'message') };
}
