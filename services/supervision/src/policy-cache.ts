import type { ArchiveStore } from '@custody/archive-store';
import { currentPolicies, type PolicyVersionRecord } from '@custody/supervision';

/** How long a tenant's policies are read from the cache before WORM is listed again (a new version from another process screens within this). */
const TTL_MS = 5_000;

/**
 * The version in force of each of a tenant's policies, read from WORM (where a version is archived
 * before it screens anything) and kept a few seconds: screening a batch must not list the store
 * per record. A version archived in this process is seen at once (`invalidate`).
 */
export class PolicyCache {
  private readonly cache = new Map<string, { at: number; policies: Promise<PolicyVersionRecord[]> }>();
  constructor(private readonly store: ArchiveStore) {}

  policiesOf(tenant: string): Promise<PolicyVersionRecord[]> {
    const hit = this.cache.get(tenant);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.policies;
    const policies = currentPolicies(this.store, tenant);
    this.cache.set(tenant, { at: Date.now(), policies });
    // a failed read is not cached: the next batch (a retry) lists again
    policies.catch(() => this.cache.delete(tenant));
    return policies;
  }

  invalidate(tenant: string): void {
    this.cache.delete(tenant);
  }
}
