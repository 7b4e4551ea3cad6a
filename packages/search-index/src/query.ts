import { z } from 'zod';
import { TextQueryError, parseTextQuery } from './text-query';

/**
 * Custody's query language: the one shape the API accepts and every index adapter translates.
 * `tenant` is not part of it on purpose: adapters take it separately and always filter on it.
 */
export const SearchQuery = z
  .object({
    text: z
      .string()
      .min(1)
      .max(1000)
      .superRefine((text, ctx) => {
        try {
          parseTextQuery(text);
        } catch (err) {
          if (!(err instanceof TextQueryError)) throw err;
          ctx.addIssue({ code: 'custom', message: err.message });
        }
      })
      .optional()
      .describe(
        'Full text, in the subject (email), message text, captions or file names: every word must occur; `"a phrase"`, `prefix*`, AND (also implied), OR, NOT (beside a positive operand), parentheses; operators in upper case',
      ),
    participant: z.string().min(1).max(512).optional().describe('A phone (any format; normalized to E.164), email, handle or platform id'),
    channel: z.string().min(1).max(64).optional().describe('Channel, e.g. whatsapp'),
    kind: z.string().min(1).max(32).optional().describe('Record kind, e.g. message'),
    conversation: z.string().min(1).max(1024).optional().describe('Conversation id'),
    employeeId: z.string().min(1).max(256).optional().describe('Records involving this employee'),
    unmapped: z.string().min(1).max(512).optional().describe('Records with this participant not resolved to an employee'),
    from: z.iso.datetime({ offset: true }).optional().describe('sentAt at or after this instant'),
    to: z.iso.datetime({ offset: true }).optional().describe('sentAt before this instant'),
    holdId: z.string().min(1).max(128).optional().describe('Records under this legal hold'),
    edited: z.boolean().optional().describe('true: only records a later edit revised; false: only records never edited'),
    deleted: z.boolean().optional().describe('true: only records a later deletion (unsend, recall) names; false: only records never deleted'),
    sort: z
      .enum(['newest', 'oldest'])
      .default('newest')
      .describe(
        'newest: sentAt descending, then id ascending; oldest: the exact reverse (sentAt ascending, then id descending), so a cursor reads on in either direction',
      ),
    size: z.number().int().min(1).max(500).default(50).describe('Hits per page'),
    cursor: z.string().max(2000).optional().describe('Opaque cursor from the previous page: the hits after it in `sort` order'),
  })
  .strict();

export type SearchQuery = z.input<typeof SearchQuery>;
export type NormalizedQuery = z.output<typeof SearchQuery>;

export function encodeCursor(sortValues: unknown[]): string {
  return Buffer.from(JSON.stringify(sortValues)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    /* fall through */
  }
  throw new Error('cursor is not one this API issued');
}
