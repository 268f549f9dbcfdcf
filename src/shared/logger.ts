/**
 * The service logger. Medical fields and credentials are redacted wherever they appear in a
 * logged object (request bodies are never logged, but a careless `log.info({ need })` must not leak).
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const sensitive = [
  'drug', 'strength', 'prescriptionRef', 'prescription_ref', 'reason', 'hospital', 'diagnosis',
  'details', 'password', 'token', 'passwordHash', 'password_hash', 'tokenHash', 'token_hash',
];

/** Redaction paths: each sensitive key at the top level and up to two levels down. */
export const REDACT_PATHS = [
  ...sensitive,
  ...sensitive.map((k) => `*.${k}`),
  ...sensitive.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Extra fields on every line (e.g. `{ proc: 'api' }`). */
  base?: Record<string, unknown>;
  /** Where lines go. Default stdout (tests capture them here). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
