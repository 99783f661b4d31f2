import { context, trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs (pino); secrets in headers are redacted at the source. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.masterKey', '*.chainKey'], censor: '[redacted]' },
    mixin: traceLogFields,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * `traceId` and `spanId` of the active span on every line logged inside it (issue 15). Only the
 * API is read: with tracing off no context manager is installed, there is never an active span,
 * and lines are as before. (A mixin, not @opentelemetry/instrumentation-pino: that patches pino
 * when it is first required, so it misses a logger made before tracing starts.)
 */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
