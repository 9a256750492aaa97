import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * Paths whose values never reach a log line. Secrets (the Vexora signing key, API keys, database
 * passwords) and payer details (name, mobile, email) are personal or dangerous data: a log
 * pipeline is not a place we control, so they are censored at the source.
 */
export const REDACTED_PATHS: readonly string[] = [
  'secret',
  '*.secret',
  'appSecret',
  '*.appSecret',
  '*.*.appSecret',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'sign',
  '*.sign',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'payer',
  '*.payer',
  'firstName',
  '*.firstName',
  'lastName',
  '*.lastName',
  'mobile',
  '*.mobile',
  'email',
  '*.email',
  'databaseUrl',
  '*.databaseUrl',
  'redisUrl',
  '*.redisUrl',
];

export interface CreateLoggerOptions {
  /** The process name, written as `service` on every line. */
  service: string;
  level: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

/** The one way a process makes its logger: JSON lines, ISO timestamps, redaction on. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

export type { Logger };
