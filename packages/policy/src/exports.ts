import { TenantId } from '@custody/envelope';
import { z } from 'zod';

export const EXPORT_FORMATS = ['rsmf', 'eml', 'jsonl', 'pdf', 'loadfile'] as const;
export const ExportFormat = z
  .enum(EXPORT_FORMATS)
  .describe(
    'rsmf: Relativity Short Message Format 2.0, one file per conversation per UTC day; eml: email records as captured; jsonl: the envelopes byte for byte with attachments by SHA-256; pdf: a transcript per conversation per UTC day with production numbers; loadfile: CSV and Concordance DAT, one row per produced document',
  );
export type ExportFormat = z.infer<typeof ExportFormat>;

const RecordId = z.string().regex(/^[0-9a-f]{40}$/, 'record ids are 40 hex characters');

/**
 * What an export produces: exactly one of a search (the /v1/search filters), a legal hold, whole
 * conversations or listed records. The search's own fields are validated where it is run.
 */
export const ExportScope = z
  .object({
    query: z.record(z.string(), z.unknown()).optional().describe('A search: the body of POST /v1/search without size, cursor, sort or facets'),
    holdId: z.string().min(1).max(128).optional().describe('Every record under this legal hold'),
    conversationIds: z.array(z.string().min(1).max(1024)).min(1).max(1000).optional().describe('Every record of these conversations'),
    recordIds: z.array(RecordId).min(1).max(10_000).optional().describe('These records'),
  })
  .strict()
  .refine((s) => [s.query, s.holdId, s.conversationIds, s.recordIds].filter((v) => v !== undefined).length === 1, {
    message: 'scope needs exactly one of query, holdId, conversationIds, recordIds',
  });
export type ExportScope = z.infer<typeof ExportScope>;

export const ExportJob = z
  .object({
    phase: z.enum(['planning', 'producing', 'finishing', 'done', 'failed']).describe('What the job is doing'),
    total: z.number().int().nonnegative().describe('Records in scope (known once planned)'),
    done: z.number().int().nonnegative().describe('Records read from WORM, verified and written into the package'),
    etaAt: z.string().optional().describe('When the job should be done at its rate so far'),
    attempts: z.number().int().nonnegative().optional().describe('Failed attempts so far; a retriable failure retries with backoff'),
    error: z.string().optional().describe('Why the job failed (or why its last attempt did)'),
    updatedAt: z.string(),
  })
  .strict();
export type ExportJob = z.infer<typeof ExportJob>;

export const ExportResult = z
  .object({
    manifestSha256: z.string().describe('SHA-256 of manifest.json: recorded in the audit trail and the certificate'),
    files: z.number().int().nonnegative().describe('Files in the package, manifest.json included'),
    bytes: z.number().int().nonnegative().describe('Their total size'),
    records: z.number().int().nonnegative().describe('Records produced'),
    documents: z.number().int().nonnegative().describe('Documents produced (rows of the load file)'),
    certificateKey: z.string().describe('Archive key of the export certificate'),
    completedAt: z.string(),
  })
  .strict();
export type ExportResult = z.infer<typeof ExportResult>;

export const ExportRequest = z
  .object({
    name: z.string().min(1).max(512).describe('The matter or request the production is for'),
    scope: ExportScope,
    formats: z
      .array(ExportFormat)
      .min(1)
      .max(EXPORT_FORMATS.length)
      .default([...EXPORT_FORMATS])
      .describe('Formats to produce; every one by default'),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .default('UTC')
      .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', { message: 'unknown IANA time zone' })
      .describe('Time zone the PDF transcript shows beside UTC, e.g. Europe/London'),
    batesPrefix: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9_-]{0,19}$/, 'production number prefix: 1–20 capital letters, digits, _ and -')
      .default('CUSTODY-')
      .describe('Production number prefix; numbers follow it with 8 digits from 1'),
  })
  .strict();
export type ExportRequest = z.infer<typeof ExportRequest>;

/** An export (production) of one tenant: its request, its job's progress and, once done, the package's summary. */
export const Export = z
  .object({
    id: z.string(),
    tenant: TenantId,
    name: z.string(),
    scope: ExportScope,
    formats: z.array(ExportFormat),
    timeZone: z.string(),
    batesPrefix: z.string(),
    requestedBy: z.string(),
    requestedRole: z.string(),
    requestedAt: z.string(),
    job: ExportJob,
    result: ExportResult.optional(),
  })
  .strict();
export type Export = z.infer<typeof Export>;
