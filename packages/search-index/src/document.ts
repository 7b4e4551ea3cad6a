import { targetedMessage, type Envelope } from '@custody/envelope';

export interface ArchiveRef {
  key: string;
  versionId: string;
  /** Hex SHA-256 of the archived object bytes. */
  sha256: string;
}

/**
 * What the index holds for one record: a projection for finding it, never the evidence itself.
 * The record of truth is the archived object `archive` points at.
 */
export interface IndexDoc {
  id: string;
  tenant: string;
  kind: string;
  channel: string;
  connector: string;
  externalId: string;
  conversationId: string;
  conversationType: string;
  conversationTitle?: string;
  sender: string;
  senderName?: string;
  participants: string[];
  employeeIds: string[];
  /** Participants the tenant directory did not resolve to an employee: kept, and findable as such. */
  unmapped: string[];
  direction: string;
  sentAt: string;
  capturedAt: string;
  /** Subject line (email): matched by full-text search together with `text`, kept apart from it. */
  subject?: string;
  text?: string;
  attachmentCount: number;
  /** The attachments' file names (and a call recording's), to show with a hit; absent in documents indexed before they were kept. */
  attachmentNames?: string[];
  refs: string[];
  /**
   * Edit, deletion and reaction records: the vendor id of the message they revise or react to (an
   * edit may also reply to another), so a message's later history is one lookup (revisionsOf).
   */
  revises?: string;
  /** Ids of the edit records that revise this record (kept current by the archiver, see linkRevisions). */
  editedBy: string[];
  /** Ids of the deletion records that say this record was deleted or unsent. */
  deletedBy: string[];
  envelopeSha256: string;
  archive: ArchiveRef;
  holds: string[];
  /**
   * The record's position in its tenant's record log, set once the log writer appended it: where its
   * inclusion proof starts. A hint only: a proof reads that leaf and checks it names this version.
   */
  logSequence?: number;
}

/**
 * Who the record involves as the tenant directory resolves it. The archived envelope keeps what was
 * resolved at capture and never changes; when the directory changes later, the index document
 * carries the current resolution beside it (recomputed from the envelope and the directory).
 */
export type Resolution = Pick<IndexDoc, 'employeeIds' | 'unmapped' | 'direction'>;

/** Which later records revise one: an original is never rewritten, its edits and deletions point at it. */
export type Revisions = Pick<IndexDoc, 'editedBy' | 'deletedBy'>;

export function resolutionOf(env: Pick<Envelope, 'sender' | 'recipients' | 'call' | 'direction'>): Resolution {
  const people = [env.sender, ...env.recipients, ...(env.call ? [env.call.from, env.call.to] : [])];
  return {
    employeeIds: unique(people.map((p) => p.employeeId).filter((v): v is string => Boolean(v))),
    unmapped: unique(people.filter((p) => !p.employeeId).map((p) => p.value)),
    direction: env.direction,
  };
}

export function toIndexDoc(env: Envelope, archive: ArchiveRef, holds: string[] = [], revisions: Revisions = { editedBy: [], deletedBy: [] }): IndexDoc {
  const people = [env.sender, ...env.recipients, ...(env.call ? [env.call.from, env.call.to] : [])];
  const captions = (env.attachments ?? []).map((a) => a.caption ?? a.fileName).filter(Boolean);
  const text = [env.content?.text, ...captions].filter(Boolean).join('\n');
  const r = env.refs ?? {};
  return {
    id: env.id,
    tenant: env.tenant,
    kind: env.kind,
    channel: env.channel,
    connector: env.source.connector,
    externalId: env.source.externalId,
    conversationId: env.conversation.id,
    conversationType: env.conversation.type,
    conversationTitle: env.conversation.title,
    sender: env.sender.value,
    senderName: env.sender.displayName,
    participants: unique(people.flatMap((p) => [p.value, p.platformId].filter((v): v is string => Boolean(v)))),
    ...resolutionOf(env),
    sentAt: env.sentAt,
    capturedAt: env.capturedAt,
    subject: env.content?.subject || undefined,
    text: text || undefined,
    attachmentCount: env.attachments?.length ?? 0,
    attachmentNames: [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])].flatMap((a) => (a.fileName ? [a.fileName] : [])),
    refs: unique([r.replyTo, r.edits, r.deletes, r.reactsTo, r.statusOf].filter((v): v is string => Boolean(v))),
    revises: targetedMessage(env)?.externalId,
    editedBy: [...revisions.editedBy].sort(),
    deletedBy: [...revisions.deletedBy].sort(),
    envelopeSha256: env.integrity.sha256,
    archive,
    holds: [...holds].sort(),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
