/**
 * Where Custody's objects live in the archive store, in one place: every writer and reader of a
 * kind of object builds its key here, so the layout cannot drift between them. Tenant and record
 * ids follow grammars without `/`, so a key always names exactly one tenant's object.
 */

/** Deterministic from tenant and id, so a redelivery lands on the same key and the record is fetched without the index. */
export function recordKey(tenant: string, id: string): string {
  return `tenants/${tenant}/records/${id.slice(0, 2)}/${id}.json`;
}

/** Attachment content, once per tenant and content. */
export function blobKey(tenant: string, sha256: string): string {
  return `tenants/${tenant}/blobs/${sha256.slice(0, 2)}/${sha256}`;
}

/** A webhook delivery's bytes, once per tenant and content: the records it produced cite its SHA-256. */
export function rawKey(tenant: string, sha256: string): string {
  return `tenants/${tenant}/raw/${sha256.slice(0, 2)}/${sha256}`;
}

/** The manifest of an attachment fetched from the vendor, beside its record. */
export function manifestKey(tenant: string, recordId: string, attachmentId: string): string {
  return `tenants/${tenant}/records/${recordId.slice(0, 2)}/${recordId}.attachments/${encodeURIComponent(attachmentId)}.json`;
}

/** The audit events of one UTC day (`YYYY-MM-DD`); each is `<prefix><event id>.json`. */
export function auditDayPrefix(tenant: string, day: string): string {
  return `tenants/${tenant}/audit/${day}/`;
}

/** One audit event, filed under the UTC day it happened (`at` is ISO 8601). */
export function auditKey(tenant: string, at: string, id: string): string {
  return `${auditDayPrefix(tenant, at.slice(0, 10))}${id}.json`;
}
