import { apiRequest } from './api';
import type { ThreadPage } from './thread-types';

/**
 * The conversation view's reads, beside api.ts (which stays as it is): GETs through the same
 * `apiRequest` (same origin, the session cookie, `credentials: 'same-origin'`, no CSRF header on a read).
 */

/** Records per page when reading on either way; the API allows 1 to 200. */
export const PAGE_SIZE = 50;
/** Records on either side of a search hit when the view opens on it. */
export const CONTEXT_SIZE = 25;

export type ThreadCursor = { after: string } | { before: string } | null;

export function threadPath(conversationId: string, cursor: ThreadCursor, limit = PAGE_SIZE): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor && 'after' in cursor) query.set('after', cursor.after);
  if (cursor && 'before' in cursor) query.set('before', cursor.before);
  return `/v1/conversations/${encodeURIComponent(conversationId)}?${query.toString()}`;
}

export function contextPath(recordId: string, before = CONTEXT_SIZE, after = CONTEXT_SIZE): string {
  return `/v1/records/${encodeURIComponent(recordId)}/context?before=${before}&after=${after}`;
}

export const conversationApi = {
  /** GET /v1/conversations/:id: from the start of the thread, or the page before/after a cursor. */
  thread: (conversationId: string, cursor: ThreadCursor, signal?: AbortSignal) =>
    apiRequest<ThreadPage>('GET', threadPath(conversationId, cursor), { ...(signal && { signal }) }),
  /** GET /v1/records/:id/context: the thread around one record (a search hit), `focus` naming it. */
  context: (recordId: string, signal?: AbortSignal) => apiRequest<ThreadPage>('GET', contextPath(recordId), { ...(signal && { signal }) }),
};
