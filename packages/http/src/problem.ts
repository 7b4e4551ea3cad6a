import { CircuitOpenError, CustodyError, IntegrityError, RejectedInputError, errorMessage } from '@custody/errors';

export class BodyTooLargeError extends RejectedInputError {
  /** `sample`: the first `limit` bytes; `received`: how many bytes arrived in all. */
  constructor(
    readonly limit: number,
    readonly sample: Buffer,
    readonly received = sample.length,
  ) {
    super('body_too_large', `body exceeds ${limit} bytes`, 413);
  }
}

/** Where errorAnswer logs: Custody's pino logger or a request's child of it. */
export type LogSink = Record<'debug' | 'warn' | 'error', (obj: object) => void>;

/** The body of every error answer: `{error: {code, message}}`. */
export interface Problem {
  error: { code: string; message: string };
}

export function problemBody(code: string, message: string): Problem {
  return { error: { code, message } };
}

export interface ErrorAnswer {
  status: number;
  body: Problem;
  headers?: Record<string, string>;
}

/**
 * The one error → status map. The response and the audit record both take their status from here
 * (the kit audits the status it answered), so an outage is never audited as 500 and answered 503.
 * Only a RejectedInputError's message reaches the caller; anything unexpected is logged and
 * answered with a bare 500, never its text (it may hold a path or a connection string).
 */
export function errorAnswer(err: unknown, logger: LogSink, path: string): ErrorAnswer {
  if (err instanceof RejectedInputError) {
    // a rate limit says when to come back
    return { status: err.status, body: problemBody(err.code, err.message), ...(err.status === 429 && { headers: { 'retry-after': '60' } }) };
  }
  if (err instanceof CustodyError && err.retriable) {
    // a refusal by an open circuit was reported once when it opened; one line per request would bury that
    logger[err instanceof CircuitOpenError ? 'debug' : 'warn']({ event: 'http_dependency_unavailable', path, err: errorMessage(err) });
    return { status: 503, body: problemBody(err.code, 'a dependency is unavailable; retry later'), headers: { 'retry-after': '5' } };
  }
  if (err instanceof CustodyError && err.code === 'not_found') return { status: 404, body: problemBody(err.code, err.message) };
  if (err instanceof IntegrityError) {
    // the caller must learn that what is archived does not match what was recorded: the message says which record
    logger.error({ event: 'integrity_violation', path, err: err.message });
    return { status: 500, body: problemBody(err.code, err.message) };
  }
  logger.error({ event: 'http_handler_failed', path, err: errorMessage(err), stack: (err as Error)?.stack });
  return { status: 500, body: problemBody('internal_error', 'internal error') };
}
