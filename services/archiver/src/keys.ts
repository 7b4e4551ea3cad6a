/** Deterministic from tenant and id, so a redelivery lands on the same key and the record is fetched without the index. */
export function recordKey(tenant: string, id: string): string {
  return `tenants/${tenant}/records/${id.slice(0, 2)}/${id}.json`;
}
