import { z } from 'zod';
import { SamplingPlan } from '../sampling';

/** A tenant's sampling plan as the control plane keeps it, by `${tenant}:${plan id}`. */
export const SamplingPlanRow = z
  .object({
    tenant: z.string(),
    plan: SamplingPlan,
    updatedBy: z.string(),
    updatedAt: z.string(),
    closedThrough: z.string().optional().describe('The last period whose minimum was topped up once it ended'),
  })
  .strict();
export type SamplingPlanRow = z.infer<typeof SamplingPlanRow>;
