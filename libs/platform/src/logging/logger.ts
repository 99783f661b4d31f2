import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs (pino); secrets in headers are redacted at the source. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.masterKey', '*.chainKey'], censor: '[redacted]' },
  });
}
