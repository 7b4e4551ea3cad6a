import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. Secrets reach loggers through configs, headers and
 * errors; redaction here means no call site has to remember.
 */
export const redactedPaths = [
  'secret', '*.secret', 'appSecret', '*.appSecret', 'verifyToken', '*.verifyToken', 'token', '*.token',
  'password', '*.password', 'apiKey', '*.apiKey', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'headers["x-hub-signature-256"]',
  'secretAccessKey', '*.secretAccessKey', 'credentials', '*.credentials',
];

export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  return pino({
    name,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...opts,
  });
}

/** For tests and tools that must stay quiet unless LOG_LEVEL asks otherwise. */
export function silentLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent', redact: { paths: redactedPaths, censor: '[redacted]' } });
}
