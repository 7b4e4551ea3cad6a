import { createHash } from 'node:crypto';
import type { EnvelopeKind } from './schema';

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
