import { TenantId } from '@custody/envelope';
import { z } from 'zod';

export const HoldScope = z
  .object({
    custodians: z.array(z.string().min(1)).max(1000).default([]).describe('Employee ids whose records are held'),
    participants: z.array(z.string().min(1)).max(1000).default([]).describe('Phone numbers, emails, handles'),
    channels: z.array(z.string().min(1)).max(50).default([]).describe('Channels (all when empty)'),
    from: z.iso.datetime({ offset: true }).optional().describe('sentAt at or after'),
    to: z.iso.datetime({ offset: true }).optional().describe('sentAt before'),
    query: z.string().min(1).max(1000).optional().describe('Words that must all appear in the text'),
  })
  .strict()
  .refine((s) => s.custodians.length + s.participants.length + s.channels.length > 0 || s.from || s.to || s.query, {
    message: 'a hold needs at least one scope criterion (custodians, participants, channels, dates or query)',
  });
export type HoldScope = z.infer<typeof HoldScope>;

export const Hold = z
  .object({
    id: z.string(),
    tenant: TenantId,
    matter: z.string().min(1).max(512),
    reason: z.string().min(1).max(4000),
    scope: HoldScope,
    status: z.enum(['active', 'released']),
    placedBy: z.string(),
    placedAt: z.string(),
    releasedBy: z.string().optional(),
    releasedAt: z.string().optional(),
    releaseReason: z.string().optional(),
    job: z
      .object({
        kind: z.enum(['place', 'release']),
        // 'failed' is only read from rows older processes wrote; a failing job now retries in 'running'
        state: z.enum(['running', 'done', 'failed']),
        total: z.number().int().nonnegative().default(0).describe('Records the job expects to examine (an estimate until it is done)'),
        processed: z.number().int().nonnegative().describe('Records examined, each counted once'),
        matched: z.number().int().nonnegative().describe('Records whose legal hold the job set (place) or cleared (release)'),
        startedAt: z.string().optional(),
        etaAt: z.string().optional().describe('When the job should be done at its rate so far'),
        attempts: z.number().int().nonnegative().optional().describe('Failed attempts so far; the job retries with backoff'),
        error: z.string().optional().describe('Why the last attempt failed'),
        updatedAt: z.string(),
      })
      .strict(),
  })
  .strict();
export type Hold = z.infer<typeof Hold>;

/** The facts of a record a hold scope is judged on (from an envelope or an index document). */
export interface HoldSubject {
  employeeIds: string[];
  participants: string[];
  channel: string;
  sentAt: string;
  text?: string;
}

/** Lower-cased word tokens, the same notion of a word the standard analyzer has. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Every given criterion must hold; within a list, any member matches. */
export function holdCovers(scope: HoldScope, s: HoldSubject): boolean {
  if (scope.custodians.length && !scope.custodians.some((c) => s.employeeIds.includes(c))) return false;
  if (scope.participants.length && !scope.participants.some((p) => s.participants.includes(p))) return false;
  // any case, as search reads a channel: a hold on "WhatsApp" holding nothing would be silent and wrong
  if (scope.channels.length && !scope.channels.some((c) => c.toLowerCase() === s.channel.toLowerCase())) return false;
  const at = Date.parse(s.sentAt);
  if (scope.from && at < Date.parse(scope.from)) return false;
  if (scope.to && at >= Date.parse(scope.to)) return false;
  if (scope.query) {
    const have = new Set(words(s.text ?? ''));
    if (!words(scope.query).every((w) => have.has(w))) return false;
  }
  return true;
}
