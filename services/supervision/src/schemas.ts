import { Alert, DISPOSITION_NAMES, Lookback, LookbackRequest, SamplingPlan, type Disposition } from '@custody/supervision';
import { z } from 'zod';

/** The contracts of the supervision API: routes, OpenAPI and the console all read these. */

export const AlertParams = z.object({
  id: z
    .string()
    .regex(/^al-[0-9a-f]{32}$/)
    .describe('Alert id'),
});

export const AlertQuery = z
  .object({
    queue: z.string().max(64).optional().describe('A policy or sampling plan id'),
    status: z.enum(['open', 'closed']).optional(),
    level: z.coerce.number().int().min(1).max(2).optional().describe('1, or 2 (escalated)'),
    assignee: z.string().max(64).optional().describe('A key id, or `me`, or `none`'),
    kind: z.enum(['hit', 'sample']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const AlertView = Alert.omit({ tenant: true });
export const AlertList = z.object({
  total: z.number().int().describe('Alerts matching, before paging'),
  alerts: z.array(AlertView).describe('Oldest first'),
  hidden: z.number().int().describe('Alerts left out because they concern the caller or their reporting chain'),
});

export const AlertDetail = z.object({
  alert: AlertView,
  policy: z.object({ name: z.string(), reviewerGuidance: z.string().optional(), rule: z.string().optional().describe('The rule’s description') }).nullable(),
  zones: z
    .record(z.string(), z.string())
    .describe('The screened texts of the record, read from WORM with its hashes re-checked: hit spans are UTF-16 offsets into these'),
  tagged: z
    .record(z.string(), z.array(z.object({ kind: z.enum(['disclaimer', 'signature', 'quoted']), start: z.number().int(), end: z.number().int() })))
    .describe(
      'Per zone, the passages the normalizer tagged as not the person’s own words (quoted text, signatures, disclaimers): shown de-emphasised, never hidden',
    ),
  context: z.string().describe('Where the ±N messages around it are read: GET /v1/records/:id/context; the whole thread: /v1/conversations/:id'),
});

const Text = (max: number, what: string) => z.string().trim().min(1).max(max).describe(what);
export const Decide = z
  .object({
    disposition: z.enum(DISPOSITION_NAMES as [Disposition, ...Disposition[]]).describe('What was done'),
    reasonCode: z.string().describe('One of the disposition’s reason codes (GET /v1/supervision/reason-codes)'),
    reason: Text(4000, 'Why, in the reviewer’s words'),
  })
  .strict();
export const Escalate = z.object({ reason: Text(4000, 'Why it needs a principal') }).strict();
export const Note = z.object({ text: Text(8000, 'The note') }).strict();
export const Tags = z
  .object({
    add: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/))
      .max(20)
      .default([]),
    remove: z.array(z.string().max(32)).max(20).default([]),
  })
  .strict();
export const Assign = z
  .object({
    to: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .describe('Key id of the reviewer'),
  })
  .strict();
export const Notify = z
  .object({
    to: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .describe('Key id notified (shown in their queue)'),
    message: Text(2000, 'What to tell them'),
  })
  .strict();
export const OpenHold = z
  .object({ matter: Text(512, 'The matter'), reason: Text(4000, 'Why the records are preserved') })
  .strict()
  .describe('Holds the records of the alert’s conversation participants (custodians and external participants) on its channel');
export const BulkClose = z
  .object({
    ids: z.array(AlertParams.shape.id).min(1).max(500),
    disposition: Decide.shape.disposition,
    reasonCode: z.string(),
    reason: Text(4000, 'Required: why every one of them is closed'),
  })
  .strict();
export const BulkResult = z.object({
  closed: z.array(z.string()),
  refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })).describe('Each left open, with why'),
});

export const QueueView = z.object({
  queue: z.string(),
  kind: z.enum(['hit', 'sample']),
  open: z.number().int(),
  escalated: z.number().int().describe('Open at level 2'),
  unassigned: z.number().int(),
  oldestOpenAt: z.string().nullable(),
});

export const ReasonCodes = z.object({ dispositions: z.record(z.string(), z.array(z.string())) });

export const PlanParams = z.object({ id: SamplingPlan.shape.id });
export const PlanView = z.object({
  plan: SamplingPlan,
  updatedBy: z.string(),
  updatedAt: z.string(),
  current: z
    .object({ period: z.string(), commitment: z.string().describe('sha256 of the period’s seed, committed before it started'), committedAt: z.string() })
    .nullable(),
});
export const PeriodParams = z.object({ id: SamplingPlan.shape.id, period: z.string().regex(/^\d{4}-(W\d{2}|\d{2}(-\d{2})?)$/) });
export const PeriodView = z.object({
  plan: z.string(),
  period: z.string(),
  start: z.string(),
  end: z.string(),
  commitment: z.string(),
  committedAt: z.string(),
  seed: z.string().nullable().describe('Shown once the period is over: HMAC-SHA256(seed, record id) < rate recomputes the sample'),
  sampled: z.array(z.object({ record: z.string(), score: z.number(), by: z.enum(['rate', 'minimum']) })),
});

export const LookbackParams = z.object({ id: z.string().regex(/^lb-[0-9a-f-]{36}$/) });
export const LookbackView = Lookback.omit({ tenant: true });
export { LookbackRequest };

export const ReportQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).describe('Alerts raised at or after'),
    to: z.iso.datetime({ offset: true }).describe('Alerts raised before'),
    slaHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72)
      .describe('An open alert older than this is an SLA breach'),
  })
  .strict();
export const ExaminerQuery = ReportQuery.omit({ slaHours: true })
  .extend({ format: z.enum(['csv', 'json']).default('csv') })
  .strict();

const Share = z.number().nullable().describe('0–1; null when there is nothing to divide by');
export const MiReport = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  slaHours: z.number(),
  coverage: z
    .object({
      hits: z.object({ raised: z.number().int(), dispositioned: z.number().int(), share: Share }),
      samples: z.object({ raised: z.number().int(), dispositioned: z.number().int(), share: Share }),
    })
    .describe('Share of the hits and samples raised in the range that were dispositioned'),
  timeToFirstActionHours: z
    .object({ n: z.number().int(), p50: z.number().nullable(), p90: z.number().nullable(), max: z.number().nullable() })
    .describe('From raised to the first claim, assignment, note or decision'),
  backlog: z.object({
    open: z.number().int(),
    oldestOpenAt: z.string().nullable(),
    byAge: z.array(z.object({ age: z.enum(['<1d', '1-3d', '3-7d', '>7d']), count: z.number().int() })),
    slaBreaches: z.number().int().describe('Open longer than slaHours, or closed after it'),
  }),
  policies: z
    .array(
      z.object({
        policyId: z.string(),
        hits: z.number().int(),
        escalated: z.number().int().describe('Escalated to level 2, or closed as coached or violation'),
        precision: Share.describe('escalated ÷ hits'),
      }),
    )
    .describe('Precision per policy'),
  terms: z
    .array(z.object({ policyId: z.string(), ruleId: z.string(), hits: z.number().int() }))
    .describe('Hits per rule (each rule is one term list), most first'),
  silent: z
    .array(
      z.object({
        policyId: z.string(),
        channel: z.string(),
        weeklyAverage: z.number().describe('Hits a week over the four weeks before the last'),
        lastWeek: z.number().int(),
      }),
    )
    .describe('Alarms: a policy and channel that normally produce hits produced none in the last seven days of the range'),
});
