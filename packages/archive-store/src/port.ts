import type { Readable } from 'node:stream';

/** In memory, or a file streamed from disk (attachments up to 2 GB are never held in memory). */
export type PutBody = Buffer | { path: string; size: number; sha256: string };

export interface PutRequest {
  key: string;
  body: PutBody;
  contentType: string;
  /** Every version is locked in COMPLIANCE mode until this instant; nobody can shorten it. */
  retainUntil: Date;
  legalHold: boolean;
  metadata?: Record<string, string>;
}

export interface PutResult {
  key: string;
  versionId: string;
  /** Hex SHA-256 of the stored bytes as the store reports them. */
  sha256: string;
  /** false when the key already held a version: the put was refused and nothing new was written. */
  created: boolean;
}

export interface ObjectInfo {
  key: string;
  versionId: string;
  sha256: string;
  size: number;
  lastModified: Date;
  retentionMode?: 'COMPLIANCE' | 'GOVERNANCE';
  retainUntil?: Date;
  legalHold: boolean;
}

export interface ObjectVersionRef {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  lastModified: Date;
}

/**
 * WORM archive. Implementations must enforce, not merely record: a version under retention or legal
 * hold cannot be deleted or overwritten, and retention can only be extended.
 */
export interface ArchiveStore {
  /** Creates the bucket/directory with locking enabled if it does not exist. */
  ensureReady(): Promise<void>;
  /** Cheap readiness check, bounded in time: rejects with a retriable DependencyUnavailableError while the store cannot be reached. */
  probe(): Promise<void>;
  /** Write-once: when `key` already exists nothing is written and `created` is false. */
  put(req: PutRequest): Promise<PutResult>;
  head(key: string, versionId?: string): Promise<ObjectInfo | null>;
  get(key: string, versionId?: string, range?: { start: number; end: number }): Promise<{ info: ObjectInfo; body: Buffer }>;
  /** The whole object as a stream, for large blobs. */
  getStream(key: string, versionId?: string): Promise<{ info: ObjectInfo; body: Readable }>;
  setLegalHold(key: string, versionId: string, on: boolean): Promise<void>;
  /** Refuses (LockedError) to move retain-until earlier. */
  extendRetention(key: string, versionId: string, until: Date): Promise<void>;
  /** Throws LockedError while the version is retained or held. */
  deleteVersion(key: string, versionId: string): Promise<void>;
  list(prefix: string): AsyncIterable<ObjectVersionRef>;
}
