import { recordKey, type ArchiveStore } from '@custody/archive-store';
import { IntegrityError, NotFoundError } from '@custody/errors';
import { LogReader } from '@custody/record-log';
import type { SearchIndex } from '@custody/search-index';

/** The version of a record that reads use, and what it must hash to. */
export interface LoggedVersion {
  key: string;
  versionId: string;
  sha256: string;
  /** Its leaf in the tenant's record log; absent while the log writer has not appended it yet. */
  sequence?: number;
}

/**
 * Which version of a record to read: the one the record log names, never "the newest" (a version
 * forged beside the original is never served). The index says where in the log the record's leaf
 * is; the leaf is read and must name this record. A record not yet appended (the log writer runs
 * right behind the archiver) is read at the version the archiver indexed, which is the same write.
 * One per request or job: the log listings it reads are kept for its life.
 */
export class RecordVersions {
  private readonly log: LogReader;

  constructor(
    readonly store: ArchiveStore,
    private readonly index: SearchIndex,
    readonly tenant: string,
  ) {
    this.log = new LogReader(store, tenant);
  }

  async locate(id: string): Promise<LoggedVersion> {
    const doc = await this.index.get(this.tenant, id);
    if (!doc) throw new NotFoundError(`no record ${id}`);
    const key = recordKey(this.tenant, id);
    if (doc.logSequence === undefined) return { key, versionId: doc.archive.versionId, sha256: doc.archive.sha256 };
    const leaf = await this.log.leafAt(doc.logSequence);
    if (leaf.kind !== 'record' || leaf.id !== id || leaf.key !== key)
      throw new IntegrityError(`record ${id}: the index points at leaf ${doc.logSequence}, which names ${leaf.key}`);
    return { key, versionId: leaf.versionId, sha256: leaf.sha256, sequence: leaf.sequence };
  }
}
