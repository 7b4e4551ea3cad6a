import type { ArchiveStore } from '@custody/archive-store';
import { findSeed, type CommittedSeed } from '@custody/supervision';

/** A period with no seed yet is asked again after this long (the seed keeper commits ahead, so this is rare). */
const MISS_TTL_MS = 5_000;

/** Committed seeds by tenant, plan and period: write-once objects, so a found one is kept for good. */
export class SeedCache {
  private readonly found = new Map<string, CommittedSeed>();
  private readonly missing = new Map<string, number>();
  constructor(private readonly store: ArchiveStore) {}

  async seedOf(tenant: string, plan: string, period: string): Promise<CommittedSeed | undefined> {
    const key = `${tenant}/${plan}/${period}`;
    const hit = this.found.get(key);
    if (hit) return hit;
    if (Date.now() - (this.missing.get(key) ?? -Infinity) < MISS_TTL_MS) return undefined;
    const seed = await findSeed(this.store, tenant, plan, period);
    if (seed) this.found.set(key, seed);
    else this.missing.set(key, Date.now());
    return seed;
  }

  remember(tenant: string, seed: CommittedSeed): void {
    this.found.set(`${tenant}/${seed.plan}/${seed.period}`, seed);
    this.missing.delete(`${tenant}/${seed.plan}/${seed.period}`);
  }
}
