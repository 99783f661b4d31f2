/**
 * The official library instrumentations for a service's own process (issue 15): PostgreSQL (pg)
 * and MongoDB client spans, children of our own spans (never a trace of their own: background
 * polling would make one per query). They patch a library when it is first required, so every
 * service's main.ts imports this module before anything loads pg or mongodb; they write through
 * the global tracer provider, which startTracing sets. With tracing off, nothing is loaded.
 *
 * Not used, on purpose: instrumentation-http (the edge makes the SERVER spans with the routed
 * name, and an incoming request it ignores runs with tracing suppressed); instrumentation-kafkajs
 * (its producer span would overwrite the relay's traceparent header with a context that is not
 * the event's, cutting the projector off the command's trace); instrumentation-pino (the
 * logger's mixin adds traceId, also to loggers made before tracing started).
 */
import { tracingSettings } from './tracing-settings';

if (tracingSettings(process.env).tracesUrl) {
  // Loaded only when tracing is on, synchronously, before pg and mongodb are.
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  // Constructed enabled: each hooks its library's require from here on.
  new PgInstrumentation({ requireParentSpan: true });
  new MongoDBInstrumentation({ requireParentSpan: true });
}
