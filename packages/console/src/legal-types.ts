/**
 * The shapes the legal pages read from the /v1 holds and exports API, written out by hand like
 * types.ts (the server's zod schemas, packages/policy holds.ts and exports.ts, would pull zod into
 * the bundle). Field names are exactly the API's; legal-*.test.ts checks the request side against
 * the server's own schemas.
 */

/** What a hold covers: a record must match every key given, one value of a list is enough. */
export interface HoldScope {
  /** Employee ids. */
  custodians: string[];
  /** Phones (E.164), emails, handles. */
  participants: string[];
  channels: string[];
  /** sentAt at or after this instant. */
  from?: string;
  /** sentAt before this instant. */
  to?: string;
  /** Words that must all appear in the message text, as written (no other forms of them). */
  query?: string;
}

/** The hold's current job: placing (holding every record in scope) or releasing. */
export interface HoldJob {
  kind: 'place' | 'release';
  /** 'failed' only on rows older versions wrote: a failing job now retries, still 'running'. */
  state: 'running' | 'done' | 'failed';
  /** Records the job expects to examine: an estimate until it is done. */
  total: number;
  processed: number;
  /** Records whose legal hold the job set (place) or cleared (release). */
  matched: number;
  startedAt?: string;
  etaAt?: string;
  /** Failed attempts so far; the job retries with backoff. */
  attempts?: number;
  /** Why the last attempt failed. */
  error?: string;
  updatedAt: string;
}

export interface Hold {
  id: string;
  tenant: string;
  matter: string;
  reason: string;
  scope: HoldScope;
  status: 'active' | 'released';
  placedBy: string;
  placedAt: string;
  releasedBy?: string;
  releasedAt?: string;
  releaseReason?: string;
  job: HoldJob;
}

/** GET /v1/holds/:id: the hold and how many records carry its mark now (those archived since included). */
export interface HoldDetail {
  hold: Hold;
  recordsHeld: number;
}

export const EXPORT_FORMATS = ['rsmf', 'eml', 'jsonl', 'pdf', 'loadfile'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The formats as the export form offers them, in the API's order, each with what it produces. */
export const EXPORT_FORMAT_CHOICES: ReadonlyArray<{ value: ExportFormat; label: string; hint: string }> = [
  { value: 'rsmf', label: 'RSMF', hint: 'Relativity Short Message Format: one file per conversation per UTC day' },
  { value: 'eml', label: 'EML', hint: 'Email records as captured' },
  { value: 'jsonl', label: 'JSON Lines', hint: 'The archived envelopes byte for byte, attachments by SHA-256' },
  { value: 'pdf', label: 'PDF', hint: 'A transcript per conversation per UTC day, with production numbers' },
  { value: 'loadfile', label: 'Load file', hint: 'CSV and Concordance DAT, one row per produced document' },
];

/** Exactly one of these is set. `query` is a POST /v1/search body without size, cursor, sort or facets. */
export interface ExportScope {
  query?: Record<string, unknown>;
  holdId?: string;
  conversationIds?: string[];
  recordIds?: string[];
}

export type ExportPhase = 'planning' | 'producing' | 'finishing' | 'done' | 'failed';

export interface ExportJob {
  phase: ExportPhase;
  /** Records in scope, known once planned. */
  total: number;
  /** Records read from WORM, verified and written into the package. */
  done: number;
  etaAt?: string;
  attempts?: number;
  /** Why the job failed, or why its last attempt did. */
  error?: string;
  updatedAt: string;
}

export interface ExportResult {
  manifestSha256: string;
  files: number;
  bytes: number;
  records: number;
  documents: number;
  certificateKey: string;
  completedAt: string;
}

export interface ExportItem {
  id: string;
  tenant: string;
  name: string;
  scope: ExportScope;
  formats: ExportFormat[];
  timeZone: string;
  batesPrefix: string;
  requestedBy: string;
  requestedRole: string;
  requestedAt: string;
  job: ExportJob;
  result?: ExportResult;
}

/** The body of POST /v1/exports the console sends (the production number prefix keeps its default). */
export interface ExportRequest {
  name: string;
  scope: ExportScope;
  formats: ExportFormat[];
  timeZone: string;
}
