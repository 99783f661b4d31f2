/**
 * The OpenTelemetry adapter of the tracing port: one tracer provider per service (its own
 * `service.name` resource, so the three services can even share a process, as the system suites
 * run them), spans batched to OTLP/HTTP, W3C Trace Context in and out. Our own spans mark what no
 * library instrumentation knows: the request as routed, decide, append, publish, delivery, apply.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type * as Api from '@opentelemetry/api';
import { noTracer, type SpanAttributes, type SpanKind, type SpanOptions, type TraceContext, type TraceSpan, type Tracer } from './tracer.port';
import type { TracingSettings } from './tracing-settings';

export interface Tracing {
  tracer: Tracer;
  /** Exports what is still buffered, then stops; the service's last step at shutdown. */
  shutdown(): Promise<void>;
}

const tracingOff: Tracing = { tracer: noTracer, shutdown: async () => undefined };

/** Tracing for one service; off (the no-op port, no SDK module even loaded) unless `settings.tracesUrl` is set. */
export async function startTracing(service: string, settings: TracingSettings): Promise<Tracing> {
  if (!settings.tracesUrl) return tracingOff;
  const [api, sdk, { OTLPTraceExporter }, resources, { W3CTraceContextPropagator }, { AsyncLocalStorageContextManager }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  // One context manager per process, whichever service starts first; a second set is refused
  // by the API (and would be the same kind anyway).
  if (!contextManagerInstalled) {
    contextManagerInstalled = true;
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the service's own name.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': service }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }))] });
  // The library instrumentations (instrument-libraries.ts) write through the global provider: in
  // a service's own process, this one. (Suites that run several services in one process have no
  // library instrumentation; there the first service's provider stays global, unused.)
  api.trace.setGlobalTracerProvider(provider);
  const tracer = new OtelTracer(api, provider.getTracer('ordersource'), new W3CTraceContextPropagator());
  // A collector that cannot be reached at shutdown loses the last spans, as it would at any time;
  // it never fails the service's shutdown.
  return { tracer, shutdown: () => provider.shutdown().catch(() => undefined) };
}

let contextManagerInstalled = false;

type OtelApi = typeof Api;

/** Reads W3C fields from HTTP headers (string or string[]) and from event metadata (anything). */
const carrierGetter: Api.TextMapGetter<Record<string, unknown>> = {
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')) ? (value as string | string[]) : undefined;
  },
  keys: (carrier) => Object.keys(carrier),
};

class OtelTracer implements Tracer {
  readonly enabled = true;
  private readonly kinds: Record<SpanKind, Api.SpanKind>;

  constructor(
    private readonly api: OtelApi,
    private readonly tracer: Api.Tracer,
    private readonly propagator: Api.TextMapPropagator,
  ) {
    const { SpanKind: K } = api;
    this.kinds = { server: K.SERVER, client: K.CLIENT, producer: K.PRODUCER, consumer: K.CONSUMER, internal: K.INTERNAL };
  }

  async inSpan<T>(name: string, options: SpanOptions, work: (span: TraceSpan) => Promise<T> | T): Promise<T> {
    const parent = this.parentOf(options);
    const span = this.tracer.startSpan(name, this.optionsOf(options), parent);
    const handle = this.wrap(span);
    return this.api.context.with(this.api.trace.setSpan(parent, span), async () => {
      try {
        const result = await work(handle);
        handle.end();
        return result;
      } catch (error) {
        handle.end(error);
        throw error;
      }
    });
  }

  startSpan(name: string, options: SpanOptions): TraceSpan {
    return this.wrap(this.tracer.startSpan(name, this.optionsOf(options), this.parentOf(options)));
  }

  activeSpan(): TraceSpan | undefined {
    const span = this.api.trace.getSpan(this.api.context.active());
    return span && this.wrap(span);
  }

  traceRequests(server: Server): void {
    const { api } = this;
    // Fastify's handler is the server's 'request' listener from its construction on: it now runs
    // inside the request's span, and so does everything it awaits. The request and response
    // emitters are bound too, so body parsing and the response hooks see the same context.
    const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const parent = this.propagator.extract(api.ROOT_CONTEXT, request.headers as Record<string, unknown>, carrierGetter);
      const span = this.tracer.startSpan(
        request.method ?? 'HTTP',
        { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': request.method ?? '', 'url.path': (request.url ?? '').split('?')[0] } },
        parent,
      );
      response.once('close', () => {
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
        span.end();
      });
      const context = api.trace.setSpan(parent, span);
      api.context.with(context, () => {
        api.context.bind(context, request);
        api.context.bind(context, response);
        for (const handler of handlers) handler.call(server, request, response);
      });
    });
  }

  private parentOf(options: SpanOptions): Api.Context {
    const active = this.api.context.active();
    // An invalid or absent stored context leaves the active one (the W3C propagator ignores it).
    return options.parent ? this.propagator.extract(active, options.parent as Record<string, unknown>, carrierGetter) : active;
  }

  private optionsOf(options: SpanOptions): Api.SpanOptions {
    return { kind: this.kinds[options.kind ?? 'internal'], attributes: options.attributes };
  }

  private wrap(span: Api.Span): TraceSpan {
    const { api, propagator } = this;
    return {
      context: () => {
        const carrier: Record<string, string> = {};
        propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier, api.defaultTextMapSetter);
        return carrier.traceparent ? (carrier as unknown as TraceContext) : undefined;
      },
      traceId: () => span.spanContext().traceId,
      rename: (name: string) => void span.updateName(name),
      setAttributes: (attributes: SpanAttributes) => void span.setAttributes(attributes),
      end: (error?: unknown) => {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        span.end();
      },
    };
  }
}
