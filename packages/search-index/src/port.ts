import type { IndexDoc, Resolution, Revisions } from './document';
import type { FacetCounts, SearchQuery } from './query';

export interface BulkFailure {
  id: string;
  reason: string;
  /** true for overload/outage (429, 5xx); false for documents the index will never accept. */
  retriable: boolean;
}

export interface SearchResult {
  total: number;
  hits: IndexDoc[];
  /** Present when more hits follow. */
  cursor?: string;
  /** The facets the query asked for (FACET_SIZE values each, most frequent first, ties by value). */
  facets?: FacetCounts;
}

export interface SearchIndex {
  ensureReady(): Promise<void>;
  /** Cheap readiness check, bounded in time: rejects with a retriable DependencyUnavailableError while the index cannot be reached. */
  probe(): Promise<void>;
  /** Upserts by doc id. Whole-request outages throw a retriable error; per-document failures are returned. */
  bulkUpsert(docs: IndexDoc[]): Promise<BulkFailure[]>;
  search(tenant: string, query: SearchQuery): Promise<SearchResult>;
  get(tenant: string, id: string): Promise<IndexDoc | null>;
  /** Replaces the hold ids recorded on the given documents of this tenant. */
  setHolds(tenant: string, holdsById: Map<string, string[]>): Promise<void>;
  /** Replaces the directory resolution (employeeIds, unmapped, direction) of the given documents of this tenant. */
  setResolution(tenant: string, resolutionById: Map<string, Resolution>): Promise<void>;
  /** Records where each given document of this tenant sits in the tenant's record log (a hint for proofs; the log is checked). */
  setLogSequences(tenant: string, sequenceById: Map<string, number>): Promise<void>;
  /** Adds edit and deletion record ids to the given documents of this tenant (a union: existing ids stay); missing documents are skipped. */
  addRevisions(tenant: string, revisionsById: Map<string, Revisions>): Promise<void>;
  /** This tenant's edit, deletion and reaction documents that revise or react to one of `externalIds` (their `revises`). */
  revisionsOf(tenant: string, externalIds: string[]): Promise<IndexDoc[]>;
  delete(tenant: string, ids: string[]): Promise<void>;
  /** Makes every write so far visible to search (tests and tools; the pipeline relies on refresh_interval). */
  refresh(): Promise<void>;
}
