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
 * The message an edit, deletion or reaction is about: the vendor's id, and its record id, derived
 * (they name a message of the same connector). Undefined for every other record.
 */
export function targetedMessage(env: Pick<Envelope, 'tenant' | 'kind' | 'source' | 'refs'>): { externalId: string; recordId: string } | undefined {
  const r = env.refs;
  const externalId = env.kind === 'edit' ? r?.edits : env.kind === 'deletion' ? r?.deletes : env.kind === 'reaction' ? r?.reactsTo : undefined;
  return externalId === undefined ? undefined : { externalId, recordId: envelopeId(env.tenant, env.source.connector, externalId, 'message') };
}

/** The message an edit or deletion revises (a reaction revises nothing). Undefined for every other record. */
export function revisedMessage(env: Pick<Envelope, 'tenant' | 'kind' | 'source' | 'refs'>): { externalId: string; recordId: string } | undefined {
  return env.kind === 'edit' || env.kind === 'deletion' ? targetedMessage(env) : undefined;
}
