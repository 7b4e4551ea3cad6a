import type { ExportFormat } from '@custody/policy';

/** One produced document: a row of the load file. */
export interface ProducedDocument {
  path: string;
  format: Exclude<ExportFormat, 'loadfile'>;
  size: number;
  sha256: string;
  /** First and last production number (equal unless the document has pages). */
  begin: string;
  end: string;
  pages?: number;
  conversationId: string;
  channel: string;
  custodians: string[];
  participants: string[];
  beginTime: string;
  endTime: string;
  records: string[];
}

/** One produced record: a row of the manifest's record list. */
export interface ProducedRecord {
  id: string;
  key: string;
  versionId?: string;
  objectSha256: string;
  envelopeSha256: string;
  conversationId: string;
  /**
   * The record's own part of the vendor delivery (never the whole of one that carried other events):
   * line `line` of `file`, hashing to `partSha256`, cut at `path` out of the delivery `deliverySha256`.
   */
  raw?: { deliverySha256: string; deliverySize: number; path?: string; line: number; partSha256: string; file: string; size: number; sha256: string };
}

/**
 * What one unit (a volume of a conversation) put into the package, written to WORM once the unit's
 * files are stored: a resumed job skips the units that have one and numbers on from the last.
 */
export interface UnitLedger {
  seq: number;
  conversationId: string;
  volume: number;
  documents: ProducedDocument[];
  records: ProducedRecord[];
  attachments: Array<{ path: string; size: number; sha256: string }>;
  /** The next production number after this unit. */
  next: number;
}
