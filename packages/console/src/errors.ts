/**
 * From an API answer to what the console tells a person. Pure (no DOM, no fetch) so the unit tests
 * cover every branch. The API's error body is `{error: {code, message}}` (packages/http problem.ts);
 * a flat `{code, message}` is read too, so a route answering that shape still shows its message.
 */

export const SESSION_EXPIRED_MESSAGE = 'Your session expired. Sign in again.';
export const SIGNED_OUT_MESSAGE = 'Sign in to continue.';
export const KEY_REJECTED_MESSAGE = 'That API key was not accepted.';
export const NETWORK_MESSAGE = 'Custody could not be reached. Check the connection and try again.';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no answer arrived (network down, server gone). */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The ApiError an error answer stands for, whatever its body (JSON problem, HTML from a proxy, nothing). */
export function problemFrom(status: number, body: unknown, statusText = ''): ApiError {
  const problem = isObject(body) && isObject(body.error) ? body.error : body;
  const code = isObject(problem) && typeof problem.code === 'string' && problem.code ? problem.code : fallbackCode(status);
  const message =
    isObject(problem) && typeof problem.message === 'string' && problem.message ? problem.message : `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  return new ApiError(status, code, message);
}

/**
 * A 403 names the role the caller has and the roles the route needs ("role reviewer may not search
 * records (needs compliance or legal or auditor)"): said as a sentence about the person's own role.
 * `action` is the console's word for what was tried; a message of another form is shown as it is.
 */
export function forbiddenMessage(apiMessage: string, action?: string): string {
  const m = /^role (\S+) may not (.+?) \(needs (.+)\)\.?$/.exec(apiMessage.trim());
  if (!m) return apiMessage;
  const needs = m[3].split(/ or |, /).filter(Boolean);
  return `Your role (${m[1]}) cannot ${action ?? m[2]}; it needs ${listOf(needs)}.`;
}

/**
 * Where an error happened decides the words: a 401 at sign-in is a wrong key, elsewhere a lost session.
 * Pages other than these name what they were doing (`{action: 'place legal holds'}`), and may say what a
 * 404 means there.
 */
export type ErrorContext = 'sign-in' | 'search' | 'record' | 'sign-out' | { action: string; notFound?: string };

const ACTIONS: Record<Exclude<ErrorContext, object>, string> = { 'sign-in': 'sign in', search: 'search', record: 'read records', 'sign-out': 'sign out' };

export function userMessage(err: unknown, context: ErrorContext): string {
  if (!(err instanceof ApiError)) return 'Something went wrong in the console. Reload the page and try again.';
  if (err.status === 0) return NETWORK_MESSAGE;
  if (err.status === 401) {
    if (context === 'sign-in') return KEY_REJECTED_MESSAGE;
    return err.code === 'session_expired' ? SESSION_EXPIRED_MESSAGE : SIGNED_OUT_MESSAGE;
  }
  if (err.status === 403) return forbiddenMessage(err.message, typeof context === 'object' ? context.action : ACTIONS[context]);
  if (err.status === 404 && context === 'record') return 'No record with this id is in the archive.';
  if (err.status === 404 && typeof context === 'object' && context.notFound) return context.notFound;
  if (err.status === 429) return 'Too many requests in a short time. Wait a minute, then try again.';
  // anything else: the API's own words (an invalid query says what is wrong with it; an integrity
  // failure names the record that does not match what was archived; a 5xx says only what is safe)
  return sentence(err.message);
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function sentence(message: string): string {
  const text = message.trim();
  if (!text) return 'The request failed.';
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function fallbackCode(status: number): string {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'internal_error' : 'http_error';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
