import { createHash } from 'node:crypto';
import { parseKey, policiesPrefix, policyVersionKey, policyVersionsPrefix, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError, NotFoundError } from '@custody/errors';
import { z } from 'zod';
import { canonicalPolicyJson, parsePolicy, type Policy, type PolicyVersion } from './policy';

/**
 * Every policy version is archived to WORM before it screens anything (issue 15, item 1): write-once
 * under the SHA-256 of its canonical JSON, so its name is its content, and kept as evidence of how
 * supervision was done — past any retention, under no disposition.
 */

export const POLICY_VERSION_FORMAT = 'custody.policy-version/v1';
/** FINRA 4511 and SEC 17a-4 keep supervisory records six years; a version is kept seven. */
const RETAIN_YEARS = 7;
const YEAR_MS = 365.25 * 86_400_000;

const ArchivedVersion = z
  .object({
    format: z.literal(POLICY_VERSION_FORMAT),
    policyId: z.string(),
    version: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    archivedAt: z.string(),
    archivedBy: z.string(),
    policy: z.unknown(),
  })
  .strict();

export interface PolicyVersionRecord {
  policyId: string;
  version: PolicyVersion;
  /** When this version was first archived; archiving it again changes nothing. */
  archivedAt: string;
  /** Who archived it first (the audit trail's actor id). */
  archivedBy: string;
  policy: Policy;
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Archives `policy` as one of the tenant's versions; the same content archived before is that version, unchanged. */
export async function archivePolicyVersion(
  store: ArchiveStore,
  tenant: string,
  policy: Policy,
  archivedBy: string,
  now = new Date(),
): Promise<PolicyVersionRecord & { created: boolean }> {
  const canonical = canonicalPolicyJson(policy);
  const hex = sha256Hex(canonical);
  const record: PolicyVersionRecord = { policyId: policy.id, version: `sha256:${hex}`, archivedAt: now.toISOString(), archivedBy, policy };
  const body = `{"format":${JSON.stringify(POLICY_VERSION_FORMAT)},"policyId":${JSON.stringify(policy.id)},"version":${JSON.stringify(record.version)},"archivedAt":${JSON.stringify(record.archivedAt)},"archivedBy":${JSON.stringify(archivedBy)},"policy":${canonical}}`;
  const put = await store.put({
    key: policyVersionKey(tenant, policy.id, hex),
    body: Buffer.from(body),
    contentType: 'application/json',
    retainUntil: new Date(now.getTime() + RETAIN_YEARS * YEAR_MS),
    legalHold: false,
  });
  if (put.created) return { ...record, created: true };
  return { ...(await readPolicyVersion(store, tenant, policy.id, hex)), created: false };
}

/** One archived version, its bytes re-hashed against the store and its policy against its name. */
export async function readPolicyVersion(store: ArchiveStore, tenant: string, policyId: string, sha256: string): Promise<PolicyVersionRecord> {
  const key = policyVersionKey(tenant, policyId, sha256);
  const stored = await store.get(key).catch((err: unknown) => {
    if (err instanceof NotFoundError) throw new NotFoundError(`policy ${policyId} has no version sha256:${sha256}`);
    throw err;
  });
  const actual = createHash('sha256').update(stored.body).digest('hex');
  if (actual !== stored.info.sha256) throw new IntegrityError(`${key} hashes to ${actual}, the store recorded ${stored.info.sha256}`);
  let archived: z.infer<typeof ArchivedVersion>;
  let policy: Policy;
  try {
    archived = ArchivedVersion.parse(JSON.parse(stored.body.toString('utf8')));
    policy = parsePolicy(JSON.stringify(archived.policy), 'json');
  } catch (err) {
    throw new IntegrityError(`${key} is not a policy version: ${(err as Error).message.slice(0, 300)}`);
  }
  // the name is the content: a version whose policy hashes to another name is not the version asked for
  if (archived.version !== `sha256:${sha256}` || sha256Hex(canonicalPolicyJson(policy)) !== sha256 || archived.policyId !== policyId)
    throw new IntegrityError(`${key} does not hold the policy version it is named for`);
  return { policyId, version: archived.version as PolicyVersion, archivedAt: archived.archivedAt, archivedBy: archived.archivedBy, policy };
}

/** A policy's versions, oldest first; the last is the one in force. Empty when the tenant has no such policy. */
export async function policyHistory(store: ArchiveStore, tenant: string, policyId: string): Promise<PolicyVersionRecord[]> {
  const versions: PolicyVersionRecord[] = [];
  for await (const ref of store.list(policyVersionsPrefix(tenant, policyId))) {
    const m = /\/([0-9a-f]{64})\.json$/.exec(ref.key);
    if (m && !ref.deleteMarker) versions.push(await readPolicyVersion(store, tenant, policyId, m[1]));
  }
  return versions.sort((a, b) => a.archivedAt.localeCompare(b.archivedAt) || a.version.localeCompare(b.version));
}

/** The version in force of each of the tenant's policies, by policy id (each re-checked against its name). */
export async function currentPolicies(store: ArchiveStore, tenant: string): Promise<PolicyVersionRecord[]> {
  const ids = new Set<string>();
  for await (const ref of store.list(policiesPrefix(tenant))) {
    const o = parseKey(ref.key);
    if (o?.kind === 'policy-version' && !ref.deleteMarker) ids.add(o.policyId);
  }
  const current = await Promise.all([...ids].sort().map(async (id) => (await policyHistory(store, tenant, id)).at(-1)));
  return current.filter((v): v is PolicyVersionRecord => v !== undefined);
}
