import { recordKey, type ArchiveStore } from '@custody/archive-store';
import { normalizeIdentifier } from '@custody/connector-kit';
import { envelopeId, formatIssues, parseEnvelope, sha256Hex, type Envelope } from '@custody/envelope';
import { CustodyError, IntegrityError, NotFoundError, RejectedInputError } from '@custody/errors';
import { json, type HttpRequest, type Route, type AuditSink, audited, readJson, requireRole, type ApiKeyStore, type Principal } from '@custody/http';
import type { Logger } from '@custody/logger';
import { SearchQuery, decodeCursor, type IndexDoc, type SearchIndex } from '@custody/search-index';

export interface ApiDeps {
  keys: ApiKeyStore;
  audit: AuditSink;
  store: ArchiveStore;
  index: SearchIndex;
  logger: Logger;
}

// auditors read what they audit; they never change anything
const READERS = ['compliance', 'legal', 'auditor'] as const;

export function apiRoutes(deps: ApiDeps): Route[] {
  return [
    { method: 'POST', pattern: '/v1/search', handler: audited(deps, 'records.search', (p, req) => search(deps, p, req)) },
    { method: 'GET', pattern: '/v1/records/:id', handler: audited(deps, 'records.get', (p, req) => getRecord(deps, p, req)) },
  ];
}

async function search(deps: ApiDeps, p: Principal, req: HttpRequest) {
  requireRole(p, READERS, 'search records');
  const body = await readJson(req);
  const parsed = SearchQuery.safeParse(body);
  if (!parsed.success) throw new RejectedInputError('invalid_query', `search: ${formatIssues(parsed.error.issues)}`);
  const q = parsed.data;
  if (q.cursor) {
    try {
      decodeCursor(q.cursor);
    } catch (err) {
      throw new RejectedInputError('invalid_query', `search: cursor: ${(err as Error).message}`);
    }
  }
  if (q.participant) q.participant = normalizeIdentifier(q.participant);
  const result = await deps.index.search(p.tenant, q);
  return {
    response: json(200, { total: result.total, hits: result.hits.map(hitView), cursor: result.cursor ?? null }),
    details: { query: { ...q, cursor: undefined }, total: result.total },
  };
}

function hitView(d: IndexDoc) {
  return {
    id: d.id,
    kind: d.kind,
    channel: d.channel,
    sentAt: d.sentAt,
    capturedAt: d.capturedAt,
    direction: d.direction,
    conversationId: d.conversationId,
    sender: d.sender,
    senderName: d.senderName,
    participants: d.participants,
    employeeIds: d.employeeIds,
    unmapped: d.unmapped,
    subject: d.subject,
    text: d.text,
    edited: (d.editedBy ?? []).length > 0,
    deleted: (d.deletedBy ?? []).length > 0,
    holds: d.holds,
    archive: d.archive,
    envelopeSha256: d.envelopeSha256,
  };
}

/** The record is read from the WORM store, not the index, and both hashes are checked before it is returned. */
async function getRecord(deps: ApiDeps, p: Principal, req: HttpRequest) {
  requireRole(p, READERS, 'read records');
  const id = req.params.id!;
  if (!/^[0-9a-f]{40}$/.test(id)) throw new RejectedInputError('invalid_id', 'record id must be 40 hex characters');
  let stored;
  try {
    stored = await deps.store.get(recordKey(p.tenant, id));
  } catch (err) {
    if (err instanceof CustodyError && err.code === 'not_found') throw new NotFoundError(`no record ${id}`);
    throw err;
  }
  const actual = sha256Hex(stored.body);
  if (stored.info.sha256 && actual !== stored.info.sha256) {
    throw new IntegrityError(`record ${id}: archived bytes hash to ${actual}, store recorded ${stored.info.sha256}`);
  }
  const envelope = parseEnvelope(stored.body);
  if (envelope.tenant !== p.tenant || envelope.id !== id) throw new IntegrityError(`record ${id}: archived envelope names another tenant or id`);
  return {
    response: json(200, {
      envelope,
      archive: {
        key: stored.info.key,
        versionId: stored.info.versionId,
        sha256: actual,
        size: stored.info.size,
        retentionMode: stored.info.retentionMode ?? null,
        retainUntil: stored.info.retainUntil?.toISOString() ?? null,
        legalHold: stored.info.legalHold,
      },
      verification: { objectSha256: 'match', envelopeIntegrity: 'match' },
      revisions: await revisionsView(deps.index, envelope),
    }),
    target: id,
  };
}


/**
 * How later records revise this one: an original is never rewritten, so a reader learns from here
 * that it was edited or deleted, and where those records are. Edits and deletions name their
 * original; both directions come from the index (a projection: the records themselves are in WORM).
 */
async function revisionsView(index: SearchIndex, envelope: Envelope) {
  const link = (d: { id: string; sentAt: string }) => ({ id: d.id, sentAt: d.sentAt, href: `/v1/records/${d.id}` });
  const target = envelope.kind === 'edit' ? envelope.refs?.edits : envelope.kind === 'deletion' ? envelope.refs?.deletes : undefined;
  const originalId = target === undefined ? undefined : envelopeId(envelope.tenant, envelope.source.connector, target, 'message');
  const revises = originalId === undefined ? null : { id: originalId, externalId: target, href: `/v1/records/${originalId}` };
  const later = envelope.kind === 'message' ? (await index.revisionsOf(envelope.tenant, [envelope.source.externalId])).filter((d) => d.connector === envelope.source.connector) : [];
  const byTime = (a: IndexDoc, b: IndexDoc) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id);
  const edits = later.filter((d) => d.kind === 'edit').sort(byTime).map(link);
  const deletions = later.filter((d) => d.kind === 'deletion').sort(byTime).map(link);
  return { edited: edits.length > 0, deleted: deletions.length > 0, edits, deletions, revises };
}
