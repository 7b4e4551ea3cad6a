/**
 * One hierarchy for every failure in Custody. `retriable` is what the pipeline acts on:
 * retriable errors are outages (retry with backoff, never commit past them); the others are
 * data errors (quarantine / dead-letter the input and move on).
 */
export class CustodyError extends Error {
  readonly retriable: boolean;
  readonly code: string;
  constructor(code: string, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = opts.retriable ?? false;
  }
}

/** Input that can never succeed as it is: bad signature, malformed body, schema violation. */
export class RejectedInputError extends CustodyError {
  readonly status: number;
  constructor(code: string, message: string, status = 400, cause?: unknown) {
    super(code, message, { retriable: false, cause });
    this.status = status;
  }
}

/** A dependency (Kafka, S3, OpenSearch) is unreachable or overloaded; the same call may succeed later. */
export class DependencyUnavailableError extends CustodyError {
  readonly dependency: string;
  constructor(dependency: string, message: string, cause?: unknown) {
    super('dependency_unavailable', `${dependency}: ${message}`, { retriable: true, cause });
    this.dependency = dependency;
  }
}

/** Stored data contradicts itself (checksum mismatch, integrity failure): never retried, always surfaced. */
export class IntegrityError extends CustodyError {
  constructor(message: string) {
    super('integrity_violation', message, { retriable: false });
  }
}

/** An operation the WORM rules forbid (delete or overwrite of a locked version). */
export class LockedError extends CustodyError {
  constructor(message: string, cause?: unknown) {
    super('locked', message, { retriable: false, cause });
  }
}

export class NotFoundError extends CustodyError {
  constructor(message: string) {
    super('not_found', message, { retriable: false });
  }
}

export class ConfigError extends CustodyError {
  constructor(message: string) {
    super('config_invalid', message, { retriable: false });
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof CustodyError ? err.retriable : false;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What was wrong with text JSON.parse refused, without V8's excerpt of the input ("Unexpected
 * token 's', …"ppSecret":supersecre"… is not valid JSON"): the text can hold a secret.
 */
export function jsonSyntaxMessage(err: unknown): string {
  const message = errorMessage(err);
  if (/^Unexpected token/.test(message)) return 'unexpected character';
  return message.replace(/,?\s*".*$/s, '');
}
