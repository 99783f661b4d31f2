/**
 * One span per event of a batch, for the relay's publish and the subscriptions' delivery (issue
 * 15). Each continues the trace the event carries (its Kafka headers, else the context stored in
 * its metadata by the command that wrote it). An event that carries none starts no trace: a
 * rebuild replays the whole log, and a root span per old event would bury the traces that matter.
 */
import { storedTraceContext, type SpanAttributes, type SpanKind, type TraceContext, type TraceSpan, type Tracer } from '@ordersource/platform';
import type { EventMessage } from './subscription.port';

export interface EventSpans {
  /** The span of the event at `index`, if it carries a trace. */
  at(index: number): TraceSpan | undefined;
  /** Ends every span; with an error, each is marked failed. */
  end(error?: unknown): void;
}

export function startEventSpans(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  events: readonly EventMessage[],
  options: { attributes?: SpanAttributes; parentOf?: (index: number) => Partial<TraceContext> | undefined } = {},
): EventSpans {
  if (!tracer.enabled) return { at: () => undefined, end: () => undefined };
  const spans = events.map((event, index) => {
    const parent = options.parentOf?.(index) ?? storedTraceContext(event.metadata);
    if (!parent?.traceparent) return undefined;
    return tracer.startSpan(name, {
      kind,
      parent,
      attributes: { ...options.attributes, 'ordersource.event_id': event.eventId, 'ordersource.event_type': event.type, 'ordersource.stream_id': event.streamId, 'ordersource.stream_version': event.version },
    });
  });
  if (kind === 'consumer') spans.forEach((span, index) => span && deliveries.set(events[index], span.context() as TraceContext));
  return {
    at: (index) => spans[index],
    end: (error) => {
      for (const span of spans) span?.end(error);
    },
  };
}

/** Each delivered event's CONSUMER span, by the message object the handler is given. */
const deliveries = new WeakMap<EventMessage, TraceContext>();

/**
 * The context of the delivery span an event came with, so the handler's own spans (a
 * projection's apply) are its children; undefined when it came without one (tracing off, or no
 * trace to continue). The handler sees the very objects the subscription delivered.
 */
export function deliveryTraceOf(event: EventMessage): TraceContext | undefined {
  return deliveries.get(event);
}
