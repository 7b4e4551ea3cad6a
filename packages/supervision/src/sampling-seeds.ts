import { createHash } from 'node:crypto';
import { samplingSeedKey, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError, NotFoundError } from '@custody/errors';
import { z } from 'zod';
import { newSeed, periodOf, type SamplingPeriod } from './sampling';

/**
 * A period's sampling seed, committed to WORM before the period starts (write-once, kept as
 * evidence): its object's write time and the audit event naming its SHA-256 show it existed before
 * any record it samples, so no one could have chosen it after seeing them. The seed itself is
 * shown only once its period is over, so no one can tell in advance which messages will be read.
 */
export const SEED_FORMAT = 'custody.sampling-seed/v1';
const RETAIN_YEARS = 7;
const YEAR_MS = 365.25 * 86_400_000;

const SeedObject = z
  .object({
    format: z.literal(SEED_FORMAT),
    plan: z.string(),
    period: z.string(),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    seed: z.string().regex(/^[0-9a-f]{64}$/),
    committedAt: z.iso.datetime(),
  })
  .strict();
export type CommittedSeed = z.infer<typeof SeedObject> & { commitment: string };

/** What is published before the period: the seed's SHA-256, never the seed. */
export const seedCommitment = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

/**
 * The seed of the plan's period holding `at`, committed now if it was not already; `created` says
 * which. A seed written by someone else first (two processes) is the one kept, and returned.
 */
export async function commitSeed(
  store: ArchiveStore,
  tenant: string,
  plan: string,
  period: SamplingPeriod,
  at: Date,
  now = new Date(),
): Promise<CommittedSeed & { created: boolean }> {
  const p = periodOf(at, period);
  const object = {
    format: SEED_FORMAT,
    plan,
    period: p.id,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    seed: newSeed(),
    committedAt: now.toISOString(),
  } as const;
  const put = await store.put({
    key: samplingSeedKey(tenant, plan, p.id),
    body: Buffer.from(JSON.stringify(object)),
    contentType: 'application/json',
    retainUntil: new Date(p.end.getTime() + RETAIN_YEARS * YEAR_MS),
    legalHold: false,
  });
  if (put.created) return { ...object, commitment: seedCommitment(object.seed), created: true };
  return { ...(await readSeed(store, tenant, plan, p.id)), created: false };
}

/** A committed seed, its bytes re-hashed against the store; NotFoundError when the period has none. */
export async function readSeed(store: ArchiveStore, tenant: string, plan: string, periodId: string): Promise<CommittedSeed> {
  const key = samplingSeedKey(tenant, plan, periodId);
  const stored = await store.get(key);
  const actual = createHash('sha256').update(stored.body).digest('hex');
  if (stored.info.sha256 && actual !== stored.info.sha256) throw new IntegrityError(`${key} hashes to ${actual}, the store recorded ${stored.info.sha256}`);
  const parsed = SeedObject.safeParse(JSON.parse(stored.body.toString('utf8')));
  if (!parsed.success || parsed.data.plan !== plan || parsed.data.period !== periodId)
    throw new IntegrityError(`${key} is not the seed of ${plan} ${periodId}`);
  return { ...parsed.data, commitment: seedCommitment(parsed.data.seed) };
}

/** The seed, or undefined when none was committed for the period. */
export async function findSeed(store: ArchiveStore, tenant: string, plan: string, periodId: string): Promise<CommittedSeed | undefined> {
  try {
    return await readSeed(store, tenant, plan, periodId);
  } catch (err) {
    if (err instanceof NotFoundError || (err as { code?: string }).code === 'not_found') return undefined;
    throw err;
  }
}
