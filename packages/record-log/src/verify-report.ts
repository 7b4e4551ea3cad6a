/** What verification can find wrong; each is named in the report with the object it concerns. */
export type ProblemKind =
  /** A version the log names is not in the store (and no disposition certificate accounts for it). */
  | 'missing'
  /** A stored version whose bytes or envelope no longer hash to what the log recorded. */
  | 'altered'
  /** In the store under a key the log never named: slipped in, never checkpointed. */
  | 'unexpected'
  /** Another version beside the one the log names (a forged "newer" version). */
  | 'extra_version'
  /** The store's retain-until is earlier than the log recorded: someone moved it back. */
  | 'retention_shortened'
  | 'log_gap'
  | 'log_overlap'
  | 'log_conflict'
  | 'log_altered'
  | 'checkpoint_invalid'
  | 'checkpoint_signature'
  | 'checkpoint_chain'
  | 'checkpoint_root'
  | 'checkpoint_beyond_log'
  /** An index entry pointing at another version than the log names, or at nothing the log names. */
  | 'index_drift'
  /** A record the log names that the index lacks (search would never find it). */
  | 'index_missing'
  /** Audit chain problems (`--audit`). */
  | 'audit_gap'
  | 'audit_altered';

export interface Problem {
  kind: ProblemKind;
  key?: string;
  versionId?: string;
  sequence?: number;
  detail: string;
}

export interface VerificationReport {
  schema: 'custody.verification-report/v1';
  runId: string;
  tenant: string;
  startedAt: string;
  finishedAt: string;
  /** True only when nothing at all was found wrong. */
  ok: boolean;
  scope: { from: string | null; to: string | null; sample: number | null; audit: boolean; index: boolean };
  log: {
    size: number;
    root: string;
    duplicates: number;
    checkpoints: number;
    latestCheckpoint: { size: number; root: string; time: string; keyIds: string[] } | null;
  };
  counts: {
    /** Versions listed in the store under records/ and audit/. */
    stored: number;
    /** Of those, read back and re-hashed. */
    rehashed: number;
    /** Log leaves whose version a disposition certificate says was deleted. */
    disposed: number;
    /** Stored in the last minutes and not yet in the log (appended right after the store write): not a problem yet. */
    pending: number;
    /** Log leaves newer than the latest checkpoint. */
    uncheckpointed: number;
    indexed: number;
  };
  problemsByKind: Partial<Record<ProblemKind, number>>;
  /** The first problems found, each naming its object; the counts above are complete. */
  problems: Problem[];
}

export const PROBLEMS_LISTED = 1000;
