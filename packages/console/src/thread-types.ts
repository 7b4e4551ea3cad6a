import type { RecordView } from './types';

/**
 * The shapes of GET /v1/conversations/:id and GET /v1/records/:id/context, written out by hand like
 * types.ts (the server's types would pull Node code into the bundle). Field names are exactly those
 * of the API's thread view (packages/review/src/thread-view.ts, `threadView`): every event was read
 * back from the WORM store with both hashes checked, and `archive` / `verification` say so per record.
 */

/** A participant as the thread view gives it: absent fields are null, never missing. */
export interface ThreadPerson {
  kind: 'phone' | 'email' | 'handle';
  value: string;
  displayName: string | null;
  employeeId: string | null;
}

export interface ThreadAttachment {
  id: string;
  kind: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
  /** As the envelope recorded it (hex, or the vendor's encoding), else as the WORM manifest of media fetched after capture; null until fetched. The download sends it in x-custody-sha256. */
  sha256: string | null;
  caption: string | null;
  /** GET /v1/records/:id/attachments/:attachment: streamed from WORM, its SHA-256 re-checked while streaming. */
  href: string;
}

/** What a reply quotes, or what an edit, deletion or reaction folds into. */
export interface ThreadLink {
  externalId: string;
  id: string;
  /** False when that message was never captured: then href, sender and excerpt are null. */
  captured: boolean;
  href: string | null;
  sender: ThreadPerson | null;
  excerpt: string | null;
}

export interface ThreadVersion {
  recordId: string;
  sentAt: string;
  by: ThreadPerson;
  text: string | null;
  original: boolean;
}

export interface ThreadDeletion {
  recordId: string;
  at: string;
  by: ThreadPerson;
}

export interface ThreadReaction {
  recordId: string;
  at: string;
  by: ThreadPerson;
  /** Empty when the reaction was removed (`removed` true). */
  emoji: string;
  removed: boolean;
}

export interface ThreadCall {
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  durationSec: number | null;
  from: ThreadPerson;
  to: ThreadPerson;
  forwardedFrom: ThreadPerson | null;
  routing: Record<string, unknown> | null;
  recording: ThreadAttachment | null;
}

export interface ServiceAction {
  type: string;
  title?: string;
  [field: string]: unknown;
}

/** One record of the thread, in thread order. */
export interface ThreadEvent {
  id: string;
  kind: string;
  channel: string;
  sentAt: string;
  capturedAt: string;
  /** inbound | outbound | internal | unknown, relative to the tenant's employees. */
  direction: string;
  sender: ThreadPerson;
  recipients: ThreadPerson[];
  subject: string | null;
  text: string | null;
  format: string | null;
  action: ServiceAction | null;
  attachments: ThreadAttachment[];
  replyTo: ThreadLink | null;
  revises: ThreadLink | null;
  emoji: string | null;
  status: { status: string | null; of: string | null } | null;
  /** A message captured in its edited form (exports keep only the last version): when it was last edited. */
  editedAt: string | null;
  /** Empty, or every version: the original first, then each edit in time order. */
  versions: ThreadVersion[];
  deletions: ThreadDeletion[];
  reactions: ThreadReaction[];
  call: ThreadCall | null;
  href: string;
  archive: RecordView['archive'];
  verification: RecordView['verification'];
  /** Legal holds covering the record. */
  holds: string[];
}

export interface ThreadPage {
  conversation: { id: string; type: string | null; title: string | null; channels: string[] };
  /** GET /v1/records/:id/context only: the record the page is centred on. */
  focus?: string;
  events: ThreadEvent[];
  page: {
    /** Cursor for the records before this page (`before`); null when there are none. */
    older: string | null;
    /** Cursor for the records after this page (`after`); null when there are none (yet). */
    newer: string | null;
  };
}
