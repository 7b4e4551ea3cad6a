/**
 * Where Custody's objects live in the archive store, in one place and in both directions: every
 * writer and reader of a kind of object builds its key here, and what reads a key back (disposition
 * deciding whether a listed version is a record) parses it here, so the layout cannot drift between
 * them. Tenant and record ids follow grammars without `/`, so a key under `tenants/` always names
 * exactly one tenant's object; `system/` holds what Custody writes about the store itself (the WORM
 * conformance canaries), no tenant's data.
 */

/** Every object Custody writes, by what it is. `keyOf` builds its key, `parseKey` reads it back. */
export type ArchiveObject =
  | { kind: 'record'; tenant: string; id: string }
  | { kind: 'manifest'; tenant: string; recordId: string; attachmentId: string }
  | { kind: 'blob'; tenant: string; sha256: string }
  | { kind: 'raw'; tenant: string; sha256: string }
  | { kind: 'audit'; tenant: string; day: string; id: string }
  | { kind: 'certificate'; tenant: string; runId: string }
  | { kind: 'export'; tenant: string; exportId: string; path: string }
  | { kind: 'log-leaves'; tenant: string; first: number }
  | { kind: 'log-tile'; tenant: string; level: number; index: number }
  | { kind: 'checkpoint'; tenant: string; size: number }
  | { kind: 'verification'; tenant: string; runId: string }
  | { kind: 'reconciliation'; tenant: string; day: string }
  | { kind: 'policy-version'; tenant: string; policyId: string; sha256: string }
  | { kind: 'sampling-seed'; tenant: string; plan: string; period: string }
  | { kind: 'lookback'; tenant: string; lookbackId: string; path: string }
  | { kind: 'canary'; day: string; id: string };

/** Everything of one tenant; the trailing `/` keeps `acme` from listing `acme-2`. */
export function tenantPrefix(tenant: string): string {
  return `tenants/${tenant}/`;
}

/** Deterministic from tenant and id, so a redelivery lands on the same key and the record is fetched without the index. */
export function recordKey(tenant: string, id: string): string {
  return `${tenantPrefix(tenant)}records/${id.slice(0, 2)}/${id}.json`;
}

/** Attachment content, once per tenant and content. */
export function blobKey(tenant: string, sha256: string): string {
  return `${tenantPrefix(tenant)}blobs/${sha256.slice(0, 2)}/${sha256}`;
}

/** A webhook delivery's bytes, once per tenant and content: the records it produced cite its SHA-256. */
export function rawKey(tenant: string, sha256: string): string {
  return `${tenantPrefix(tenant)}raw/${sha256.slice(0, 2)}/${sha256}`;
}

/** The manifests of a record's attachments fetched from the vendor, beside the record. */
export function manifestPrefix(tenant: string, recordId: string): string {
  return `${recordKey(tenant, recordId).replace(/\.json$/, '')}.attachments/`;
}

/** The manifest of an attachment fetched from the vendor, beside its record. */
export function manifestKey(tenant: string, recordId: string, attachmentId: string): string {
  return `${manifestPrefix(tenant, recordId)}${encodeURIComponent(attachmentId)}.json`;
}

/** The audit events of one UTC day (`YYYY-MM-DD`); each is `<prefix><event id>.json`. */
export function auditDayPrefix(tenant: string, day: string): string {
  return `${tenantPrefix(tenant)}audit/${day}/`;
}

/** One audit event, filed under the UTC day it happened (`at` is ISO 8601). */
export function auditKey(tenant: string, at: string, id: string): string {
  return `${auditDayPrefix(tenant, at.slice(0, 10))}${id}.json`;
}

/** A tenant's disposition certificates: evidence of what was deleted, never disposed of themselves. */
export function certificatePrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}disposition/`;
}

/** The certificate of one disposition run. */
export function certificateKey(tenant: string, runId: string): string {
  return `${certificatePrefix(tenant)}${runId}.json`;
}

/** Everything of one export (production): its package, its job's own records and its certificate. */
export function exportPrefix(tenant: string, exportId: string): string {
  return `${tenantPrefix(tenant)}exports/${exportId}/`;
}

/** One object of an export; `path` is relative, `/`-separated, built by Custody from safe segments. */
export function exportKey(tenant: string, exportId: string, path: string): string {
  return `${exportPrefix(tenant, exportId)}${path}`;
}

/** Leaves per tile: a batch of leaves never spans two tiles, so a tile's leaves are one listing. */
export const TILE_WIDTH = 256;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A tenant's record log: leaf batches, hash tiles and signed checkpoints (docs/verification.md). */
export function logPrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}log/`;
}

/** The leaf batches of one tile, `<first sequence>.json` each: listing it gives the tile's leaves in order. */
export function logLeavesPrefix(tenant: string, tile: number): string {
  return `${logPrefix(tenant)}leaves/${pad(tile, 10)}/`;
}

/** A batch of leaves starting at sequence `first`; write-once, so two writers can never both append there. */
export function logLeavesKey(tenant: string, first: number): string {
  return `${logLeavesPrefix(tenant, Math.floor(first / TILE_WIDTH))}${pad(first, 12)}.json`;
}

/** A full tile: the 256 node hashes of one level (level 0: leaf hashes; level L: roots of level L−1 tiles). */
export function logTileKey(tenant: string, level: number, index: number): string {
  return `${logPrefix(tenant)}tiles/${level}/${pad(index, 10)}`;
}

export function checkpointPrefix(tenant: string): string {
  return `${logPrefix(tenant)}checkpoints/`;
}

/** The signed checkpoint of the tree of `size` leaves: one per size, write-once. */
export function checkpointKey(tenant: string, size: number): string {
  return `${checkpointPrefix(tenant)}${pad(size, 12)}.json`;
}

/** The report of one `custody verify` run. */
export function verificationKey(tenant: string, runId: string): string {
  return `${tenantPrefix(tenant)}verification/${runId}.json`;
}

/** Every version of every supervision policy of the tenant. */
export function policiesPrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}supervision/policies/`;
}

/** The versions of one of the tenant's supervision policies, each under the SHA-256 of its canonical JSON. */
export function policyVersionsPrefix(tenant: string, policyId: string): string {
  return `${policiesPrefix(tenant)}${policyId}/`;
}

/** One supervision policy version, archived before it screens anything: written once, kept as evidence. */
export function policyVersionKey(tenant: string, policyId: string, sha256: string): string {
  return `${policyVersionsPrefix(tenant, policyId)}${sha256}.json`;
}

/** The seed of one sampling plan's period (2026-W49, 2026-12-01, 2026-12): written once, before the period starts. */
export function samplingSeedKey(tenant: string, plan: string, period: string): string {
  return `${tenantPrefix(tenant)}supervision/sampling/${plan}/${period}.json`;
}

/** What a lookback job fixed and found: its corpus manifest, pages of screenings, result (`path` is Custody's own). */
export function lookbackKey(tenant: string, lookbackId: string, path: string): string {
  return `${tenantPrefix(tenant)}supervision/lookbacks/${lookbackId}/${path}`;
}

/** The daily reconciliation report of one tenant and UTC day (`YYYY-MM-DD`): written once, when the day is over. */
export function reconciliationKey(tenant: string, day: string): string {
  return `${tenantPrefix(tenant)}reconciliation/${day}.json`;
}

/**
 * The WORM conformance canaries of one UTC day (`YYYY-MM-DD`): outside every tenant, so no tenant's
 * listing, disposition or reindex ever sees them.
 */
export function canaryDayPrefix(day: string): string {
  return `system/conformance/${day}/`;
}

/** One canary, filed under the UTC day it was written (`at` is ISO 8601). */
export function canaryKey(at: string, id: string): string {
  return `${canaryDayPrefix(at.slice(0, 10))}${id}`;
}

export function keyOf(o: ArchiveObject): string {
  switch (o.kind) {
    case 'record':
      return recordKey(o.tenant, o.id);
    case 'manifest':
      return manifestKey(o.tenant, o.recordId, o.attachmentId);
    case 'blob':
      return blobKey(o.tenant, o.sha256);
    case 'raw':
      return rawKey(o.tenant, o.sha256);
    case 'audit':
      return `${auditDayPrefix(o.tenant, o.day)}${o.id}.json`;
    case 'certificate':
      return certificateKey(o.tenant, o.runId);
    case 'export':
      return exportKey(o.tenant, o.exportId, o.path);
    case 'log-leaves':
      return logLeavesKey(o.tenant, o.first);
    case 'log-tile':
      return logTileKey(o.tenant, o.level, o.index);
    case 'checkpoint':
      return checkpointKey(o.tenant, o.size);
    case 'verification':
      return verificationKey(o.tenant, o.runId);
    case 'reconciliation':
      return reconciliationKey(o.tenant, o.day);
    case 'policy-version':
      return policyVersionKey(o.tenant, o.policyId, o.sha256);
    case 'sampling-seed':
      return samplingSeedKey(o.tenant, o.plan, o.period);
    case 'lookback':
      return lookbackKey(o.tenant, o.lookbackId, o.path);
    case 'canary':
      return `${canaryDayPrefix(o.day)}${o.id}`;
  }
}

const SEGMENT = '([^/]+)';
const PATTERNS: Array<[RegExp, (m: string[]) => ArchiveObject]> = [
  [new RegExp(`^tenants/${SEGMENT}/records/[^/]{2}/${SEGMENT}\\.json$`), ([, tenant, id]) => ({ kind: 'record', tenant: tenant, id: id })],
  [
    new RegExp(`^tenants/${SEGMENT}/records/[^/]{2}/${SEGMENT}\\.attachments/${SEGMENT}\\.json$`),
    ([, tenant, recordId, attachment]) => ({ kind: 'manifest', tenant: tenant, recordId: recordId, attachmentId: decodeURIComponent(attachment) }),
  ],
  [new RegExp(`^tenants/${SEGMENT}/blobs/[^/]{2}/${SEGMENT}$`), ([, tenant, sha256]) => ({ kind: 'blob', tenant: tenant, sha256: sha256 })],
  [new RegExp(`^tenants/${SEGMENT}/raw/[^/]{2}/${SEGMENT}$`), ([, tenant, sha256]) => ({ kind: 'raw', tenant: tenant, sha256: sha256 })],
  [
    new RegExp(`^tenants/${SEGMENT}/audit/(\\d{4}-\\d{2}-\\d{2})/${SEGMENT}\\.json$`),
    ([, tenant, day, id]) => ({ kind: 'audit', tenant: tenant, day: day, id: id }),
  ],
  [new RegExp(`^tenants/${SEGMENT}/disposition/${SEGMENT}\\.json$`), ([, tenant, runId]) => ({ kind: 'certificate', tenant: tenant, runId: runId })],
  [new RegExp(`^tenants/${SEGMENT}/exports/${SEGMENT}/(.+)$`), ([, tenant, exportId, path]) => ({ kind: 'export', tenant, exportId, path })],
  [new RegExp(`^tenants/${SEGMENT}/log/leaves/\\d{10}/(\\d{12})\\.json$`), ([, tenant, first]) => ({ kind: 'log-leaves', tenant, first: Number(first) })],
  [
    new RegExp(`^tenants/${SEGMENT}/log/tiles/(\\d+)/(\\d{10})$`),
    ([, tenant, level, index]) => ({ kind: 'log-tile', tenant, level: Number(level), index: Number(index) }),
  ],
  [new RegExp(`^tenants/${SEGMENT}/log/checkpoints/(\\d{12})\\.json$`), ([, tenant, size]) => ({ kind: 'checkpoint', tenant, size: Number(size) })],
  [new RegExp(`^tenants/${SEGMENT}/verification/${SEGMENT}\\.json$`), ([, tenant, runId]) => ({ kind: 'verification', tenant, runId })],
  [new RegExp(`^tenants/${SEGMENT}/reconciliation/(\\d{4}-\\d{2}-\\d{2})\\.json$`), ([, tenant, day]) => ({ kind: 'reconciliation', tenant, day })],
  [
    new RegExp(`^tenants/${SEGMENT}/supervision/policies/${SEGMENT}/([0-9a-f]{64})\\.json$`),
    ([, tenant, policyId, sha256]) => ({ kind: 'policy-version', tenant, policyId, sha256 }),
  ],
  [
    new RegExp(`^tenants/${SEGMENT}/supervision/sampling/${SEGMENT}/${SEGMENT}\\.json$`),
    ([, tenant, plan, period]) => ({ kind: 'sampling-seed', tenant, plan, period }),
  ],
  [
    new RegExp(`^tenants/${SEGMENT}/supervision/lookbacks/${SEGMENT}/(.+)$`),
    ([, tenant, lookbackId, path]) => ({ kind: 'lookback', tenant, lookbackId, path }),
  ],
  [new RegExp(`^system/conformance/(\\d{4}-\\d{2}-\\d{2})/${SEGMENT}$`), ([, day, id]) => ({ kind: 'canary', day, id })],
];

/**
 * What a key names, or undefined for a key Custody does not write. A match only counts when building
 * the key again gives the same key back (shard prefix, encoding), so parsing can never disagree with
 * the builders above.
 */
export function parseKey(key: string): ArchiveObject | undefined {
  for (const [pattern, toObject] of PATTERNS) {
    const m = pattern.exec(key);
    if (!m) continue;
    let o: ArchiveObject;
    try {
      o = toObject(m);
    } catch {
      return undefined; // a malformed %-escape: not a key Custody wrote
    }
    return keyOf(o) === key ? o : undefined;
  }
  return undefined;
}
