import { AttachmentManifest, manifestKey, type ArchiveStore } from '@custody/archive-store';
import { envelopeId, type Envelope } from '@custody/envelope';
import { IntegrityError, NotFoundError, RejectedInputError, mapLimit } from '@custody/errors';
import { json, route, type Principal, type Route } from '@custody/http';
import { decodeCursor, encodeCursor, type IndexDoc, type SearchIndex } from '@custody/search-index';
import { z } from 'zod';
import { mediaKey, pointedAt, RecordVersions, readVerified, threadView, unhashedMedia, type ThreadRecord } from '@custody/review';

const READERS = ['compliance', 'legal', 'auditor', 'reviewer'] as const;

/**
 * Whether a reviewer may read a conversation: supervision answers, yes only for one holding an
 * alert they may review. Another reviewer's answer is the same 404 as a conversation that does not exist.
 */
export type ReviewerScope = (p: Principal, conversationId: string) => boolean;
export function assertReviewerMayRead(scope: ReviewerScope | undefined, p: Principal, conversationId: string, what: string): void {
  if (p.role === 'reviewer' && !scope?.(p, conversationId)) throw new NotFoundError(what);
}
/** WORM reads of one page in flight at once: a page is ~50–100 objects, S3 answers each in milliseconds. */
const READ_CONCURRENCY = 16;

const Cursor = z.string().min(1).max(2000);
const ConversationQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Records per page'),
    after: Cursor.optional().describe('`page.newer` of a page: the records after it'),
    before: Cursor.optional().describe('`page.older` of a page: the records before it'),
  })
  .strict()
  .refine((q) => q.after === undefined || q.before === undefined, { message: 'give after or before, not both' });
const ContextQuery = z
  .object({
    before: z.coerce.number().int().min(0).max(200).default(10).describe('Records before the one asked for'),
    after: z.coerce.number().int().min(0).max(200).default(10).describe('Records after it'),
  })
  .strict();
const ThreadPage = z.looseObject({
  conversation: z.looseObject({ id: z.string() }),
  events: z.array(z.looseObject({ id: z.string(), kind: z.string() })),
  page: z.object({
    older: z.string().nullable().describe('Cursor for the records before this page; null when there are none'),
    newer: z.string().nullable().describe('Cursor for the records after this page; null when there are none (yet)'),
  }),
});

export interface ConversationDeps {
  store: ArchiveStore;
  index: SearchIndex;
  reviewerScope?: ReviewerScope;
}

export function conversationRoutes(deps: ConversationDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/v1/conversations/:id',
      summary: 'Read conversations',
      description:
        'The thread in time order (oldest first; a reviewer reads only a conversation holding an alert they may review), paged both ways with `after` / `before` cursors, every record read from the WORM store with both hashes re-checked. Each message carries its later history, nothing hidden: `versions` (original first, then each edit), `deletions` (who, when; the text stays), `reactions`; `replyTo` links what it quotes; edit, deletion and reaction records also keep their own place, `revises` naming the message they fold into (`captured: false` when it never was); calls carry duration, direction and routing; attachments their verified download link (`href`)',
      access: { roles: READERS, audit: 'conversations.read' },
      schema: {
        params: z.object({ id: z.string().min(1).max(1024).describe('Conversation id, URL-encoded') }),
        query: ConversationQuery,
        response: { 200: ThreadPage },
      },
      invalid: { code: 'invalid_query', what: 'conversation' },
      handler: async (req, p) => {
        const { id } = req.params;
        assertReviewerMayRead(deps.reviewerScope, p, id, `no conversation ${id}`);
        const { limit, after, before } = req.query;
        const from = before ?? after;
        if (from !== undefined) checkCursor(from);
        const direction = before !== undefined ? 'older' : 'newer';
        const { docs, more } = await threadPage(deps.index, p.tenant, id, direction, from, limit);
        // a conversation of another tenant is the same 404 as one that does not exist
        if (docs.length === 0 && from === undefined) throw new NotFoundError(`no conversation ${id}`);
        const page = {
          older: docs.length > 0 && (direction === 'older' ? more : from !== undefined) ? positionOf(docs[0]) : null,
          newer: docs.length > 0 && (direction === 'newer' ? more : true) ? positionOf(docs[docs.length - 1]) : null,
        };
        const { events, envelopes } = await materialize(deps, p.tenant, docs);
        return {
          ...json(200, { conversation: conversationOf(id, events, envelopes), events, page }),
          target: id,
          details: { returned: events.length },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/records/:id/context',
      summary: 'Read records in context',
      description:
        'The thread around one record (a search hit, or an alert’s record for a reviewer): `before` records, the record, `after` records, in the shape of GET /v1/conversations/:id, with `focus` naming the record and the cursors to read on either way',
      access: { roles: READERS, audit: 'records.context' },
      schema: { params: z.object({ id: z.string().describe('Record id: 40 hex characters') }), query: ContextQuery, response: { 200: ThreadPage } },
      invalid: { code: 'invalid_query', what: 'context' },
      handler: async (req, p) => {
        const { id } = req.params;
        if (!/^[0-9a-f]{40}$/.test(id)) throw new NotFoundError(`no record ${id}`);
        const focus = await deps.index.get(p.tenant, id);
        if (!focus) throw new NotFoundError(`no record ${id}`);
        assertReviewerMayRead(deps.reviewerScope, p, focus.conversationId, `no record ${id}`);
        const at = positionOf(focus);
        const [earlier, later] = await Promise.all([
          threadPage(deps.index, p.tenant, focus.conversationId, 'older', at, req.query.before),
          threadPage(deps.index, p.tenant, focus.conversationId, 'newer', at, req.query.after),
        ]);
        const docs = [...earlier.docs, focus, ...later.docs];
        const { events, envelopes } = await materialize(deps, p.tenant, docs);
        return {
          ...json(200, {
            conversation: conversationOf(focus.conversationId, events, envelopes),
            focus: id,
            events,
            page: { older: earlier.more ? positionOf(docs[0]) : null, newer: later.more ? positionOf(docs[docs.length - 1]) : null },
          }),
          target: id,
          details: { conversation: focus.conversationId, returned: events.length },
        };
      },
    }),
  ];
}

function checkCursor(cursor: string): void {
  try {
    const v = decodeCursor(cursor);
    if (v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') throw new Error('not a thread position');
  } catch (err) {
    throw new RejectedInputError('invalid_query', `conversation: cursor: ${(err as Error).message}`);
  }
}

/** A record's place in the thread, as the index's cursors encode it (sentAt in ms, id). */
function positionOf(d: IndexDoc): string {
  return encodeCursor([Date.parse(d.sentAt), d.id]);
}

/**
 * `limit` records of the thread next to `from` (or from its start), in thread order, and whether more
 * follow that way. Thread order is the index's `oldest`; its exact reverse `newest` reads backwards.
 */
async function threadPage(index: SearchIndex, tenant: string, conversation: string, direction: 'older' | 'newer', from: string | undefined, limit: number) {
  if (limit === 0) return { docs: [] as IndexDoc[], more: false };
  const r = await index.search(tenant, { conversation, sort: direction === 'newer' ? 'oldest' : 'newest', size: limit + 1, cursor: from });
  const docs = r.hits.slice(0, limit);
  return { docs: direction === 'newer' ? docs : docs.reverse(), more: r.hits.length > limit };
}

/**
 * The page's records, their later history and what they point at, all read from WORM (the index only
 * said which records to read), folded into the view.
 */
async function materialize(
  deps: ConversationDeps,
  tenant: string,
  docs: IndexDoc[],
): Promise<{ events: ReturnType<typeof threadView>; envelopes: Envelope[] }> {
  const versions = new RecordVersions(deps.store, deps.index, tenant);
  const read = (id: string) =>
    readVerified(versions, id).catch((err: unknown) => {
      // the index names it, so the archive must hold it: a missing record is drift, never an empty slot
      if (err instanceof NotFoundError) throw new IntegrityError(`record ${id} is indexed but not in the archive store`);
      throw err;
    });
  const page: ThreadRecord[] = await mapLimit(docs, READ_CONCURRENCY, async (d) => ({ ...(await read(d.id)), holds: d.holds }));
  const messages = page.map((r) => r.envelope).filter((e) => e.kind === 'message');
  const messageIds = new Set(messages.map((e) => e.id));
  const onPage = new Set(docs.map((d) => d.id));
  // revisionsOf matches vendor ids in every connector: keep what revises a message of this page
  const laterDocs = (await deps.index.revisionsOf(tenant, [...new Set(messages.map((e) => e.source.externalId))])).filter(
    (d) => d.revises !== undefined && messageIds.has(envelopeId(tenant, d.connector, d.revises, 'message')),
  );
  const history = await mapLimit(laterDocs, READ_CONCURRENCY, (d) =>
    onPage.has(d.id) ? Promise.resolve(page.find((r) => r.envelope.id === d.id)!) : read(d.id),
  );
  const elsewhere = new Map<string, Envelope>();
  await mapLimit(pointedAt(page.map((r) => r.envelope)), READ_CONCURRENCY, async (id) => {
    try {
      elsewhere.set(id, (await readVerified(versions, id)).envelope);
    } catch (err) {
      // quoted or revised but never captured: shown as such
      if (!(err instanceof NotFoundError)) throw err;
    }
  });
  const events = threadView({
    page,
    history,
    elsewhere,
    fetched: await fetchedMedia(
      deps.store,
      tenant,
      page.map((r) => r.envelope),
    ),
  });
  return { events, envelopes: page.map((r) => r.envelope) };
}

/** The WORM manifests of media fetched after capture: what their content hashed to. Not fetched yet: absent. */
async function fetchedMedia(store: ArchiveStore, tenant: string, page: Envelope[]): Promise<Map<string, { sha256: string; size: number }>> {
  const fetched = new Map<string, { sha256: string; size: number }>();
  await mapLimit(unhashedMedia(page), READ_CONCURRENCY, async ({ recordId, attachmentId }) => {
    const object = await store.get(manifestKey(tenant, recordId, attachmentId)).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    if (!object) return;
    const m = AttachmentManifest.parse(JSON.parse(object.body.toString('utf8')));
    fetched.set(mediaKey(recordId, attachmentId), { sha256: m.sha256, size: m.size });
  });
  return fetched;
}

/** What the page's records say about their conversation (a title may change: the latest on the page). */
function conversationOf(id: string, page: Array<{ channel: string }>, envelopes: Envelope[]) {
  const titled = envelopes.filter((e) => e.conversation.title !== undefined);
  return {
    id,
    type: envelopes[0]?.conversation.type ?? null,
    title: titled[titled.length - 1]?.conversation.title ?? null,
    channels: [...new Set(page.map((e) => e.channel))],
  };
}
