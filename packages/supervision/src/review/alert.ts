import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * An alert: one policy hit, or one sampled record, to be reviewed by a principal (FINRA 3110(b)(4)).
 * Its row is the review's working state; every change to it is also an audit event, which is the
 * evidence (3110.07: who reviewed what, when, and what was done).
 */

export const ALERT_KINDS = ['hit', 'sample'] as const;
export const ALERT_STATUSES = ['open', 'closed'] as const;
/** Level 1: a reviewer or compliance decides. Level 2 (escalated): only compliance. */
export const REVIEW_LEVELS = [1, 2] as const;

/** What was done, and the closed list of reasons each outcome may give (a free-text reason goes with it). */
export const DISPOSITIONS = {
  no_action: ['benign_context', 'personal_matter', 'denial_or_disclaimer', 'sample_reviewed_clean'],
  false_positive: ['term_misfire', 'wrong_language', 'quoted_or_forwarded', 'automated_message'],
  coached: ['employee_coached', 'client_corrected'],
  violation: ['reported_to_compliance', 'reported_to_regulator', 'disciplinary_action'],
} as const satisfies Record<string, readonly string[]>;
export type Disposition = keyof typeof DISPOSITIONS;
export const DISPOSITION_NAMES = Object.keys(DISPOSITIONS) as Disposition[];
export const REASON_CODES = [...new Set(Object.values(DISPOSITIONS).flat())] as string[];
/** Outcomes that found something: they count toward a policy's precision. */
export const ACTIONED_DISPOSITIONS: readonly Disposition[] = ['coached', 'violation'];

const instant = z.iso.datetime();
const Actor = z.object({ keyId: z.string(), employeeId: z.string().optional() }).strict();

export const AlertRecord = z
  .object({
    id: z.string().describe('Record id'),
    conversation: z.string().describe('Conversation id'),
    channel: z.string(),
    kind: z.string().describe('Record kind (message, call, …)'),
    direction: z.string(),
    sentAt: instant,
    employeeIds: z.array(z.string()).describe('Employees who took part, as resolved at capture'),
    key: z.string().describe('Archive key of the version screened'),
    versionId: z.string().describe('The version screened'),
    sha256: z.string().describe('Hex SHA-256 of the stored bytes screened'),
  })
  .strict();
export type AlertRecord = z.infer<typeof AlertRecord>;

export const AlertHit = z
  .object({
    policyId: z.string(),
    version: z.string().describe('sha256:… of the policy version that hit'),
    normalizer: z.string(),
    ruleId: z.string(),
    severity: z.string(),
    zone: z.enum(['subject', 'body', 'attachmentNames', 'transcript']),
    spans: z.array(z.object({ start: z.number().int(), end: z.number().int() }).strict()).describe('UTF-16 ranges of the zone’s original text'),
  })
  .strict();
export type AlertHit = z.infer<typeof AlertHit>;

export const AlertSample = z
  .object({
    plan: z.string(),
    period: z.string().describe('The period whose committed seed drew it (2026-W49, 2026-12-01, 2026-12)'),
    score: z.number().describe('HMAC-SHA256(seed, record id) as a fraction: under the rate, or among the lowest for a minimum'),
    by: z.enum(['rate', 'minimum']),
  })
  .strict();
export type AlertSample = z.infer<typeof AlertSample>;

export const AlertEvent = z
  .object({
    at: instant,
    by: Actor,
    action: z.string().describe('claim, release, assign, escalate, note, tag, notify, decide, hold'),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type AlertEvent = z.infer<typeof AlertEvent>;

export const Alert = z
  .object({
    id: z.string(),
    tenant: z.string(),
    kind: z.enum(ALERT_KINDS),
    queue: z.string().describe('The policy or sampling plan it came from'),
    record: AlertRecord,
    hit: AlertHit.optional(),
    sample: AlertSample.optional(),
    raisedAt: instant,
    source: z.string().describe('capture, lookback:<job id>, or sampling'),
    status: z.enum(ALERT_STATUSES),
    level: z.union([z.literal(1), z.literal(2)]),
    assignee: Actor.nullable(),
    firstActionAt: instant.optional().describe('The first claim, assignment, note or decision'),
    disposition: z
      .object({
        code: z.enum(DISPOSITION_NAMES as [Disposition, ...Disposition[]]),
        reasonCode: z.string(),
        reason: z.string(),
        by: Actor,
        at: instant,
        level: z.union([z.literal(1), z.literal(2)]),
      })
      .strict()
      .optional(),
    escalated: z.boolean().describe('Ever escalated to level 2'),
    tags: z.array(z.string()),
    notes: z.array(z.object({ by: Actor, at: instant, text: z.string() }).strict()),
    events: z.array(AlertEvent).describe('Everything done to it, in order (each also an audit event)'),
  })
  .strict();
export type Alert = z.infer<typeof Alert>;

/**
 * An alert's id is a function of what it is about, so screening a record twice (a redelivered
 * batch, a lookback over records already screened at capture) never raises it twice: a hit by its
 * policy, rule and record (a new version of a policy that hits the same rule does not re-raise
 * it), a sample by its plan and record.
 */
export function alertId(tenant: string, about: { policyId: string; ruleId: string } | { plan: string }, recordId: string): string {
  const what = 'plan' in about ? `sample\n${about.plan}` : `hit\n${about.policyId}\n${about.ruleId}`;
  return `al-${createHash('sha256').update(`${tenant}\n${what}\n${recordId}`).digest('hex').slice(0, 32)}`;
}

export function newAlert(fields: Pick<Alert, 'id' | 'tenant' | 'kind' | 'queue' | 'record' | 'hit' | 'sample' | 'raisedAt' | 'source'>): Alert {
  return { ...fields, status: 'open', level: 1, assignee: null, escalated: false, tags: [], notes: [], events: [] };
}
