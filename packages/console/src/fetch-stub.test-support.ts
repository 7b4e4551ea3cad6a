import { onSessionLost, setCsrfToken } from './api';

/** A request the stubbed fetch was asked to make. */
export interface Call {
  url: string;
  init: RequestInit;
}

/** Replaces fetch with one that answers `status` with `body` (JSON) and remembers what it was asked. */
export function stubFetch(status: number, body?: unknown): Call[] {
  const calls: Call[] = [];
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return calls;
}

/** After each test of the file: the real fetch back, no CSRF token, no session-lost handler. */
export function restoreFetchAfterEach(): void {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
    setCsrfToken(null);
    onSessionLost(null);
  });
}
