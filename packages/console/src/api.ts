import { ApiError, NETWORK_MESSAGE, problemFrom } from './errors';
import type { RecordView, SearchRequest, SearchResponse, Session } from './types';

/**
 * The console's only way out: same-origin calls to the public /v1 API, the session cookie sent by
 * the browser (HttpOnly: no script ever sees it), the CSRF token in a header on every state-changing
 * call. No other origin is ever called, so the CSP's connect-src can stay 'self'.
 */

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Kept in memory only (never storage): a new tab or a reload gets it again from GET /v1/session. */
let csrfToken: string | null = null;
let sessionLost: ((code: string) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called with the 401's code when any call finds the session gone; the session context signs out. */
export function onSessionLost(handler: ((code: string) => void) | null): void {
  sessionLost = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** A file sent as it is instead of a JSON body (the directory CSV): its bytes and their media type. */
  file?: { bytes: Blob; contentType: string };
  signal?: AbortSignal;
  /** Sign-in and the session probe answer 401 as part of their job: no "session lost" for them. */
  expectUnauthenticated?: boolean;
}

export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  if (!path.startsWith('/v1/')) throw new Error(`the console calls only the /v1 API, not ${path}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.file) headers['content-type'] = options.file.contentType;
  if (STATE_CHANGING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      // answers hold archived communications: never from, or into, the HTTP cache
      cache: 'no-store',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.file && { body: options.file.bytes }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  const payload = await readJson(response);
  if (!response.ok) {
    const error = problemFrom(response.status, payload, response.statusText);
    if (error.status === 401 && !options.expectUnauthenticated) sessionLost?.(error.code);
    throw error;
  }
  return payload as T;
}

/** An answer's JSON, or null: a 204, or a body that is not JSON (a proxy's HTML error page). */
async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export const api = {
  signIn: (apiKey: string) => apiRequest<Session>('POST', '/v1/session', { body: { apiKey }, expectUnauthenticated: true }),
  currentSession: (signal?: AbortSignal) => apiRequest<Session>('GET', '/v1/session', { expectUnauthenticated: true, ...(signal && { signal }) }),
  signOut: () => apiRequest<null>('DELETE', '/v1/session', { expectUnauthenticated: true }),
  search: (body: SearchRequest, signal?: AbortSignal) => apiRequest<SearchResponse>('POST', '/v1/search', { body, ...(signal && { signal }) }),
  record: (id: string, signal?: AbortSignal) => apiRequest<RecordView>('GET', `/v1/records/${encodeURIComponent(id)}`, { ...(signal && { signal }) }),
};
