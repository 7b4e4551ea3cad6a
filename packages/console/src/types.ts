/**
 * The shapes the console reads from the public /v1 API. Written out by hand (the server's zod schemas
 * would pull zod and Node code into the bundle); field names are exactly the API's, and the unit tests
 * check the request side against the server's own schema (SearchQuery) so a rename fails there.
 */

/** POST/GET /v1/session. */
export interface Session {
  tenant: string;
  role: string;
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
}

/** What POST /v1/search can count hits by (`facets`), each over every hit, not just one page. */
export type SearchFacet = 'channel' | 'kind' | 'direction' | 'employee' | 'participant';

/** The body of POST /v1/search (the subset of SearchQuery the console sends). */
export interface SearchRequest {
  text?: string;
  participant?: string;
  employeeId?: string;
  channel?: string;
  kind?: string;
  direction?: string;
  from?: string;
  to?: string;
  holdId?: string;
  /** true: only records a later edit revised; false: only records never edited. */
  edited?: boolean;
  /** true: only records a later deletion names; false: only records never deleted. */
  deleted?: boolean;
  sort?: 'newest' | 'oldest' | 'relevance';
  size?: number;
  facets?: SearchFacet[];
  cursor?: string;
}

/** [start, end) UTF-16 offsets of the matched words in a field. */
export type Span = [number, number];

export interface SearchHit {
  id: string;
  kind: string;
  channel: string;
  sentAt: string;
  capturedAt?: string;
  direction?: string;
  conversationId: string;
  sender: string;
  senderName?: string;
  participants?: string[];
  subject?: string;
  text?: string;
  attachmentNames?: string[];
  edited?: boolean;
  deleted?: boolean;
  holds?: string[];
  /** Only when the search had a `text`. */
  highlights?: { subject?: Span[]; text?: Span[] };
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchResponse {
  total: number;
  hits: SearchHit[];
  /** The next page; null on the last. */
  cursor: string | null;
  /** Only the facets asked for: the most frequent values, most first. */
  facets?: Partial<Record<SearchFacet, FacetCount[]>>;
}

export interface Participant {
  kind: 'phone' | 'email' | 'handle';
  value: string;
  displayName?: string;
  employeeId?: string;
}

/** The parts of an archived envelope the record page shows; the whole envelope is shown as JSON too. */
export interface Envelope {
  id: string;
  tenant: string;
  kind: string;
  channel: string;
  conversation: { id: string; type: string; title?: string };
  sender: Participant;
  recipients: Participant[];
  direction: string;
  sentAt: string;
  capturedAt: string;
  content?: { subject?: string; text?: string };
  attachments?: Array<{ id: string; kind: string; fileName?: string; mimeType?: string; size?: number }>;
  call?: { status: string; durationSec?: number; from: Participant; to: Participant };
  [field: string]: unknown;
}

export interface RecordLink {
  id: string;
  sentAt?: string;
  href: string;
}

/** GET /v1/records/:id: read back from the WORM store, both hashes checked before it is answered. */
export interface RecordView {
  envelope: Envelope;
  archive: {
    key: string;
    versionId?: string;
    sha256: string;
    size?: number;
    retentionMode?: string | null;
    retainUntil?: string | null;
    legalHold?: boolean;
  };
  verification: {
    objectSha256: 'match';
    envelopeIntegrity: 'match';
    recordLog: 'match' | 'pending';
    logSequence?: number;
  };
  revisions: {
    edited: boolean;
    deleted: boolean;
    edits?: RecordLink[];
    deletions?: RecordLink[];
    revises?: RecordLink | null;
  };
}
