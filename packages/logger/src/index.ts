import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Names that are secret wherever they appear: credentials of Custody itself and HTTP auth. */
const BASE_SECRET_FIELDS = [
  'secret',
  'token',
  'password',
  'apiKey',
  'authorization',
  'secretAccessKey',
  'credentials',
  'CUSTODY_SECRETS_KEYS',
  'CUSTODY_LOG_SIGNING_KEY',
  'privateKey',
  'S3_SECRET_ACCESS_KEY',
  'OPENSEARCH_PASSWORD',
];

const declared = new Set<string>(BASE_SECRET_FIELDS);

/**
 * Adds field names whose values are secrets. Connectors declare their secret settings on their
 * config schemas and the connector registry declares them here when it is loaded, so the list is
 * never kept by hand. Loggers created afterwards redact them (pino compiles its paths once).
 */
export function declareSecretFields(names: Iterable<string>): void {
  for (const n of names) declared.add(n);
}

export function secretFieldNames(): string[] {
  return [...declared].sort();
}

/**
 * Paths pino blanks out: every secret name at the top and two levels down (`{config: {…}}`,
 * `{instance: {config: {…}}}`), plus signature headers. Redaction here means no call site has to
 * remember.
 */
export function redactedPaths(): string[] {
  const names = secretFieldNames().map((n) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`));
  return [...names.flatMap((n) => [n, `*.${n}`, `*.*.${n}`]), 'headers["x-hub-signature-256"]', 'req.headers.authorization'];
}

/**
 * A copy of `value` with the value of every declared secret field replaced, at any depth: for
 * records that are not logs (audit details) and must never carry a secret either.
 */
export function redactSecrets<T>(value: T): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 20 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, declared.has(k) && x !== undefined ? '[redacted]' : walk(x, depth + 1)]));
  };
  return walk(value, 0) as T;
}

/** `destination` defaults to stdout (tests pass a stream to read what was logged). */
export function createLogger(name: string, opts: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactedPaths(), censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...opts,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Standard error, written synchronously: `custody start` prints its banner (URL, bootstrap key) on
 * standard output, so JSON log lines never interleave with it, and nothing logged is lost at exit.
 */
export function stderrDestination(): pino.DestinationStream {
  return pino.destination({ dest: 2, sync: true });
}

/** For tests and tools that must stay quiet unless LOG_LEVEL asks otherwise. */
export function silentLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent', redact: { paths: redactedPaths(), censor: '[redacted]' } });
}
