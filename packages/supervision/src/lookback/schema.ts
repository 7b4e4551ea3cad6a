import { z } from 'zod';

const Version = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const LOOKBACK_PHASES = ['planning', 'screening', 'done', 'failed'] as const;

export const LookbackRequest = z
  .object({
    policyId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .describe('The policy screened'),
    version: Version.optional().describe('The archived version screened (default: the one in force)'),
    draft: z
      .object({ format: z.enum(['yaml', 'json']), source: z.string().min(1).max(262_144) })
      .strict()
      .optional()
      .describe('Dry run: a proposed version, not archived as a version and raising no alert, compared with `version`'),
    from: z.iso.datetime({ offset: true }).describe('Records sent at or after'),
    to: z.iso.datetime({ offset: true }).describe('Records sent before'),
    raiseAlerts: z.boolean().default(true).describe('Raise an alert for each hit not already raised (never for a dry run)'),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to' });
export type LookbackRequest = z.infer<typeof LookbackRequest>;

export const LookbackDiff = z
  .object({
    added: z.number().int().describe('Hits the draft gives that the version does not (policy rule and record)'),
    dropped: z.number().int().describe('Hits of the version the draft no longer gives'),
    sample: z
      .object({ added: z.array(z.string()), dropped: z.array(z.string()) })
      .describe('The first 100 of each, as `<record id> <rule id>`; the whole lists are in the job’s diff.jsonl'),
  })
  .strict();

export const LookbackResult = z
  .object({
    inputsHash: z.string().describe('sha256 of (policy version, normalizer version, corpus manifest hash): the result’s identity'),
    corpusSha256: z.string().describe('sha256 of corpus.jsonl: the records screened, each `{id, sha256}` in id order'),
    resultSha256: z.string().describe('sha256 of result.jsonl, the screenings in record order: the same inputs give the same bytes'),
    records: z.number().int(),
    inScope: z.number().int(),
    hits: z.number().int(),
    alertsRaised: z.number().int(),
    diff: LookbackDiff.optional(),
  })
  .strict();
export type LookbackResult = z.infer<typeof LookbackResult>;

export const Lookback = z
  .object({
    id: z.string(),
    tenant: z.string(),
    policyId: z.string(),
    version: Version.describe('The archived version screened'),
    draftVersion: Version.optional().describe('Dry run: the draft’s content address (its policy is kept in the job’s draft.json)'),
    from: z.string(),
    to: z.string(),
    raiseAlerts: z.boolean(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    job: z
      .object({
        phase: z.enum(LOOKBACK_PHASES),
        total: z.number().int(),
        done: z.number().int(),
        updatedAt: z.string(),
        attempts: z.number().int().optional(),
        error: z.string().optional(),
      })
      .strict(),
    result: LookbackResult.optional(),
  })
  .strict();
export type Lookback = z.infer<typeof Lookback>;
