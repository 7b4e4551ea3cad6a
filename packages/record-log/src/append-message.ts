import { z } from 'zod';
import { LogLeaf } from './leaf';

/**
 * What the archivers publish to the record-log topic once versions are stored: the leaves of one
 * tenant from one batch, keyed by tenant so a single writer appends them in order.
 */
export const LogAppend = z
  .object({
    schema: z.literal('custody.log-append/v1'),
    tenant: z.string(),
    leaves: z.array(LogLeaf).min(1),
  })
  .strict();
export type LogAppend = z.infer<typeof LogAppend>;

/** One message per tenant, leaves in the order given. */
export function logAppendMessages(leaves: Array<{ tenant: string; leaf: LogLeaf }>): Array<{ key: string; value: string }> {
  const byTenant = new Map<string, LogLeaf[]>();
  for (const { tenant, leaf } of leaves) {
    const list = byTenant.get(tenant);
    if (list) list.push(leaf);
    else byTenant.set(tenant, [leaf]);
  }
  return [...byTenant].map(([tenant, list]) => ({
    key: tenant,
    value: JSON.stringify({ schema: 'custody.log-append/v1', tenant, leaves: list } satisfies LogAppend),
  }));
}
