/** Deterministic from tenant and id, so a redelivery lands on the same key and the record is fetched without the index. */
export function recordKey(tenant: string, id: string): string {
  return `tenants/${tenant}/records/${id.slice(0, 2)}/${id}.json`;
}

/** A webhook delivery's bytes, once per tenant and content: the records it produced cite its SHA-256. */
export function rawKey(tenant: string, sha256: string): string {
  return `tenants/${tenant}/raw/${sha256.slice(0, 2)}/${sha256}`;
}
