import type { ArchiveStore } from '@custody/archive-store';
import { participantTerm } from '@custody/connector-kit';
import { revisedMessage, type Envelope } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { json, route, type Principal, type Reply, type Route } from '@custody/http';
import { SearchQuery, decodeCursor, highlight, parseTextQuery, type IndexDoc, type SearchIndex } from '@custody/search-index';
import { z } from 'zod';
import { RecordVersions, readVerified } from '@custody/review';

export interface ApiDeps {
  store: ArchiveStore;
  index: SearchIndex;
}

// auditors read what they audit; they never change anything
const READERS = ['compliance', 'legal', 'auditor'] as const;
const RecordParams = z.object({ id: z.string().describe('Record id: 40 hex characters') });
const SearchResult = z.looseObject({
  total: z.number().int(),
  hits: z.array(z.looseObject({ id: z.string() })),
  cursor: z.string().nullable().describe('Next page; null on the last'),
});
const RecordView = z.looseObject({
  envelope: z.looseObject({ id: z.string() }).describe('The envelope as archived'),
  archive: z.looseObject({ key: z.string(), versionId: z.string().optional(), sha256: z.string() }),
  verification: z.object({
    objectSha256: z.literal('match'),
    envelopeIntegrity: z.literal('match'),
    recordLog: z
      .enum(['match', 'pending'])
      .describe('match: the bytes hash to what the record log recorded; pending: not appended yet (seconds after capture)'),
    logSequence: z.number().int().optional().describe("The record's leaf in the tenant's record log (see /v1/records/:id/proof)"),
  }),
  revisions: z.looseObject({ edited: z.boolean(), deleted: z.boolean() }),
});

export function apiRoutes(deps: ApiDeps): Route[] {
  return [
    route({
      method: 'POST',
      url: '/v1/search',
      summary: 'Search records',
      description:
        '`text` (boolean syntax, phrases, prefixes) matches subject and text; hits carry `archive {key, versionId, sha256}`, `attachmentNames`, `edited`, `deleted`, and with `text` the `highlights` of the matched words (`{subject, text}`: [start, end) offsets); `facets` asked for come back as `{facet: [{value, count}]}` over every hit',
      access: { roles: READERS, audit: 'records.search' },
      schema: { body: SearchQuery, response: { 200: SearchResult } },
      invalid: { code: 'invalid_query', what: 'search' },
      handler: (req, p) => search(deps, p, req.body),
    }),
    route({
      method: 'GET',
      url: '/v1/records/:id',
      summary: 'Read records',
      description:
        'The envelope read back from the archive store, object and envelope hashes verified, lock status; `revisions`: `{edited, deleted, edits, deletions}` (links to the later edit and deletion records) and, for an edit or deletion, the record it `revises`',
      access: { roles: READERS, audit: 'records.get' },
      schema: { params: RecordParams, response: { 200: RecordView } },
      handler: (req, p) => getRecord(deps, p, req.params.id),
    }),
  ];
}

async function search(deps: ApiDeps, p: Principal, q: SearchQuery): Promise<Reply> {
  if (q.cursor) {
    try {
      decodeCursor(q.cursor);
    } catch (err) {
      throw new RejectedInputError('invalid_query', `search: cursor: ${(err as Error).message}`);
    }
  }
  if (q.participant) q.participant = participantTerm(q.participant);
  const result = await deps.index.search(p.tenant, q);
  const tree = q.text === undefined ? null : parseTextQuery(q.text);
  return {
    ...json(200, {
      total: result.total,
      hits: result.hits.map((d) => ({ ...hitView(d), ...(tree && { highlights: highlight(tree, d) }) })),
      cursor: result.cursor ?? null,
      ...(result.facets && { facets: result.facets }),
    }),
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
    attachmentNames: d.attachmentNames ?? [],
    edited: (d.editedBy ?? []).length > 0,
    deleted: (d.deletedBy ?? []).length > 0,
    holds: d.holds,
    archive: d.archive,
    envelopeSha256: d.envelopeSha256,
  };
}

/** The record is read from the WORM store, not the index, and both hashes are checked before it is returned. */
async function getRecord(deps: ApiDeps, p: Principal, id: string): Promise<Reply> {
  if (!/^[0-9a-f]{40}$/.test(id)) throw new RejectedInputError('invalid_id', 'record id must be 40 hex characters');
  const record = await readVerified(new RecordVersions(deps.store, deps.index, p.tenant), id);
  return { ...json(200, { ...record, revisions: await revisionsView(deps.index, record.envelope) }), target: id };
}

/**
 * How later records revise this one: an original is never rewritten, so a reader learns from here
 * that it was edited or deleted, and where those records are. Edits and deletions name their
 * original; both directions come from the index (a projection: the records themselves are in WORM).
 */
async function revisionsView(index: SearchIndex, envelope: Envelope) {
  const link = (d: { id: string; sentAt: string }) => ({ id: d.id, sentAt: d.sentAt, href: `/v1/records/${d.id}` });
  const original = revisedMessage(envelope);
  const revises = original ? { id: original.recordId, externalId: original.externalId, href: `/v1/records/${original.recordId}` } : null;
  const later =
    envelope.kind === 'message'
      ? (await index.revisionsOf(envelope.tenant, [envelope.source.externalId])).filter((d) => d.connector === envelope.source.connector)
      : [];
  const byTime = (a: IndexDoc, b: IndexDoc) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id);
  const edits = later
    .filter((d) => d.kind === 'edit')
    .sort(byTime)
    .map(link);
  const deletions = later
    .filter((d) => d.kind === 'deletion')
    .sort(byTime)
    .map(link);
  return { edited: edits.length > 0, deleted: deletions.length > 0, edits, deletions, revises };
}
