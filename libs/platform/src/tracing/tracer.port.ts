/**
 * The tracing port (issue 15): what our code needs to make spans and carry their context across
 * processes, whatever records them. The OpenTelemetry adapter (otel-tracer.ts) stays behind it;
 * with tracing off every call is the no-op below, so no SDK is loaded and nothing is exported.
 */
import type { Server } from 'node:http';

/** A span's context as W3C Trace Context headers: what is stored in event metadata and sent in Kafka headers. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /**
   * The span's parent when it is not the active span: a context stored with an event or received
   * in a message. Absent (or not a valid W3C context): the active span, else a new trace.
   */
  parent?: Partial<TraceContext> | Record<string, unknown>;
}

export interface TraceSpan {
  /** This span's context, to store or send on (its trace id, its own span id); undefined when off. */
  context(): TraceContext | undefined;
  traceId(): string;
  rename(name: string): void;
  setAttributes(attributes: SpanAttributes): void;
  /** Ends the span; with an error, marked failed and the error recorded. */
  end(error?: unknown): void;
}

export interface Tracer {
  readonly enabled: boolean;
  /** Runs `work` in a new span that is active inside it; ended (failed if it throws) when it settles. */
  inSpan<T>(name: string, options: SpanOptions, work: (span: TraceSpan) => Promise<T> | T): Promise<T>;
  /** A span the caller ends, never active (one per event of a batch). */
  startSpan(name: string, options: SpanOptions): TraceSpan;
  /** The active span, if any. */
  activeSpan(): TraceSpan | undefined;
  /**
   * Makes each request the server takes a SERVER span, child of its `traceparent`/`tracestate`
   * (a new trace when absent or invalid), active while the request is handled, ended when the
   * connection is done with the answer.
   */
  traceRequests(server: Server): void;
}

/** Tracing off: the same calls, doing nothing. */
export const noTracer: Tracer = {
  enabled: false,
  inSpan: async (_name, _options, work) => work(noSpan),
  startSpan: () => noSpan,
  activeSpan: () => undefined,
  traceRequests: () => undefined,
};

const noSpan: TraceSpan = {
  context: () => undefined,
  traceId: () => '',
  rename: () => undefined,
  setAttributes: () => undefined,
  end: () => undefined,
};

/** The trace context stored in an event's metadata (`traceparent`, `tracestate`), if any. */
export function storedTraceContext(metadata: Record<string, unknown>): Partial<TraceContext> | undefined {
  const { traceparent, tracestate } = metadata;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
}

/** The active span's context as event metadata fields; none when tracing is off or no span is active. */
export function traceMetadata(tracer: Tracer): Partial<TraceContext> {
  return tracer.activeSpan()?.context() ?? {};
}
