import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import type { Principal } from './route';

/** One audit record: who did what to which target, and how it ended (the status answered). */
export interface AuditRecord {
  tenant: string;
  actor: { keyId: string; role: string };
  action: string;
  outcome: 'ok' | 'denied' | 'failed';
  status: number;
  target?: string;
  /** Where the call came from (the socket's peer address), for calls over HTTP. */
  source?: { address: string };
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(event: AuditRecord): Promise<void>;
}

/** How the kit authenticates API calls and where it audits them. */
export interface Access {
  /** The principal of a presented token, by the token's SHA-256; null: unknown key. */
  lookup(tokenSha256: string): Promise<Principal | null>;
  audit: AuditSink;
  /** Failed authentications audited per minute per source address, ten times that overall (CUSTODY_AUTH_FAILURES_AUDITED_PER_MINUTE). */
  failedAuthPerMinute: number;
  /** A failed authentication that was not audited (rate limit): counted, never silent. */
  onFailedAuthDropped?(reason: 'rate_limited'): void;
  /** API requests per minute per API key and per source address (CUSTODY_API_REQUESTS_PER_MINUTE_PER_*); none: unlimited. */
  requestsPerMinute?: { perKey: number; perAddress: number };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The API key of an `Authorization: Bearer <key>` header; 401 when there is none of that form. */
export function bearerToken(header: string | undefined): string {
  const m = /^Bearer\s+(\S{16,512})$/i.exec(header ?? '');
  if (!m) throw new RejectedInputError('unauthenticated', 'missing or malformed Authorization: Bearer <api key>', 401);
  return m[1];
}

/** The API key of a sign-in body `{apiKey}` (an AuditedRoute with access.signIn); 401 when there is none of the form a Bearer token must have. */
export function bodyApiKey(body: unknown): string {
  const key = (body as { apiKey?: unknown } | null | undefined)?.apiKey;
  if (typeof key !== 'string' || !/^\S{16,512}$/.test(key)) throw new RejectedInputError('unauthenticated', 'missing or malformed apiKey', 401);
  return key;
}

export function outcomeOf(status: number): AuditRecord['outcome'] {
  // refused by policy (a role, a rate limit) rather than failed
  return status === 403 || status === 429 ? 'denied' : status < 400 ? 'ok' : 'failed';
}
