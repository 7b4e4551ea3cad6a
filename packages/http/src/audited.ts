import { rejectDuplicateKeys } from '@custody/connector-kit';
import { formatIssues } from '@custody/envelope';
import { IntegrityError, NotFoundError, RejectedInputError, jsonSyntaxMessage } from '@custody/errors';
import type { z } from 'zod';
import { problem, type HttpRequest, type HttpResponse, type Route } from './types';
import type { Logger } from '@custody/logger';
import { actorOf, sourceOf, type AuditSink, type FailedAuthAudit } from './audit';
import { authenticate, type ApiKeyStore, type Principal } from './auth';

export type Action = (p: Principal, req: HttpRequest) => Promise<{ response: HttpResponse; target?: string; details?: Record<string, unknown> }>;

export interface AuditedDeps {
  keys: ApiKeyStore;
  audit: AuditSink;
  logger: Logger;
  /** Where failed authentications are audited (the _system trail); none: not audited. */
  failedAuth?: FailedAuthAudit;
}

/**
 * Wraps an action with authentication, and audits every call whatever its outcome: authenticated
 * ones in the caller's tenant trail, failed authentications in the _system trail (rate-limited).
 * Unauthenticated calls are refused before anything is read. `details` must never carry secrets.
 */
export function audited(deps: AuditedDeps, action: string, fn: Action): Route['handler'] {
  return async (req) => {
    let principal: Principal;
    try {
      principal = await authenticate(deps.keys, req);
    } catch (err) {
      if (err instanceof RejectedInputError && err.code === 'unauthenticated') await deps.failedAuth?.record(req, action, err.message);
      throw err;
    }
    const source = sourceOf(req);
    let result: Awaited<ReturnType<Action>>;
    try {
      result = await fn(principal, req);
    } catch (err) {
      const status = err instanceof RejectedInputError ? err.status : err instanceof NotFoundError ? 404 : 500;
      await deps.audit.record({ tenant: principal.tenant, actor: actorOf(principal), action, outcome: status === 403 ? 'denied' : 'failed', status, target: req.params.id, source, details: { error: (err as Error).message } });
      if (err instanceof IntegrityError) {
        deps.logger.error({ event: 'integrity_violation', tenant: principal.tenant, err: err.message });
        return problem(500, err.code, err.message);
      }
      throw err;
    }
    await deps.audit.record({ tenant: principal.tenant, actor: actorOf(principal), action, outcome: 'ok', status: result.response.status, target: result.target, source, details: result.details });
    return result.response;
  };
}

/** Reads the JSON body and checks it against `schema`; the first issues become a 400 naming the fields. */
export async function readBody<T>(req: HttpRequest, schema: z.ZodType<T>, what: string): Promise<T> {
  const r = schema.safeParse(await readJson(req));
  if (!r.success) throw new RejectedInputError('invalid_request', `${what}: ${formatIssues(r.error.issues)}`);
  return r.data;
}

export async function readJson(req: HttpRequest): Promise<unknown> {
  const raw = await req.body();
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RejectedInputError('malformed_json', `body is not valid JSON: ${jsonSyntaxMessage(err)}`);
  }
  // the last duplicate would silently win: what was asked and what is audited could differ
  rejectDuplicateKeys(text, 'body');
  return value;
}
