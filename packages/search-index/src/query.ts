import { z } from 'zod';
import { Channel, Direction, Kind } from '@custody/envelope';
import { TextQueryError, parseTextQuery } from './text-query';

/** What hits can be counted by, and the document field each counts. */
export const FACETS = ['channel', 'kind', 'direction', 'employee', 'participant'] as const;
export const FACET_FIELDS = { channel: 'channel', kind: 'kind', direction: 'direction', employee: 'employeeIds', participant: 'participants' } as const;
export const FACET_SIZE = 20;

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
        'Full text, in the subject (email), message text, captions or file names: every word must occur, in any form with its stem (fill finds filled); `"an exact phrase"`, `prefix*`, AND (also implied), OR, NOT (beside a positive operand), parentheses; operators in upper case',
      ),
    participant: z.string().min(1).max(512).optional().describe('A phone (any format; normalized to E.164), email, handle or platform id'),
    channel: oneOf(Channel.options, 'channel')
      .optional()
      .describe(`Channel, any case: ${Channel.options.join(', ')}`),
    kind: oneOf(Kind.options, 'kind')
      .optional()
      .describe(`Record kind, any case: ${Kind.options.join(', ')}`),
    direction: oneOf(Direction.options, 'direction')
      .optional()
      .describe(
        `Direction relative to the tenant's employees, any case: ${Direction.options.join(', ')} (as the directory resolves the record now: a directory change re-resolves earlier records)`,
      ),
    conversation: z.string().min(1).max(1024).optional().describe('Conversation id'),
    employeeId: z.string().min(1).max(256).optional().describe('Records involving this employee'),
    unmapped: z.string().min(1).max(512).optional().describe('Records with this participant not resolved to an employee'),
    from: instantOrDay('start').optional().describe('sentAt at or after this instant; a date alone (2024-03-01) is the start of that UTC day'),
    to: instantOrDay('end').optional().describe('sentAt before this instant; a date alone (2024-03-05) includes that whole UTC day'),
    holdId: z.string().min(1).max(128).optional().describe('Records under this legal hold'),
    edited: z.boolean().optional().describe('true: only records a later edit revised; false: only records never edited'),
    deleted: z.boolean().optional().describe('true: only records a later deletion (unsend, recall) names; false: only records never deleted'),
    sort: z
      .enum(['newest', 'oldest', 'relevance'])
      .default('newest')
      .describe(
        'newest: sentAt descending, then id ascending; oldest: the exact reverse (sentAt ascending, then id descending), so a cursor reads on in either direction; relevance (with `text`): BM25 score, best first, then id',
      ),
    size: z.number().int().min(1).max(500).default(50).describe('Hits per page'),
    facets: z
      .array(z.enum(FACETS))
      .max(FACETS.length)
      .optional()
      .describe(`Counts over every hit (not just this page) by ${FACETS.join(', ')}: the ${FACET_SIZE} most frequent values of each, most first`),
    cursor: z.string().max(2000).optional().describe('Opaque cursor from the previous page: the hits after it in `sort` order'),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.sort === 'relevance' && q.text === undefined) ctx.addIssue({ code: 'custom', path: ['sort'], message: 'relevance needs a text to score against' });
  });

export type SearchQuery = z.input<typeof SearchQuery>;
export type Facet = (typeof FACETS)[number];
export type FacetCounts = Partial<Record<Facet, Array<{ value: string; count: number }>>>;

/** A value of a closed list, given in any case; anything else is refused with the list. */
function oneOf<T extends string>(values: readonly T[], what: string) {
  return z
    .string()
    .max(64)
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(values as [T, ...T[]], { error: () => `unknown ${what}; one of: ${values.join(', ')}` }));
}

/**
 * An instant with its offset, or a date alone meaning a UTC day bound: a reviewer asking "from the
 * 1st to the 5th" means the 5th included, so a `to` date is the start of the next UTC day (exclusive).
 */
function instantOrDay(bound: 'start' | 'end') {
  return z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => {
    if (v.length !== 10) return v;
    const day = new Date(`${v}T00:00:00.000Z`);
    if (bound === 'end') day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString();
  });
}
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
