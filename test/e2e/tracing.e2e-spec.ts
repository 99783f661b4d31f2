import { randomBytes, randomUUID } from 'node:crypto';
import { projections } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import { OtlpReceiver, ReceivedSpan, SpanKinds, startOtlpReceiver } from '@ordersource/testing/otlp-receiver';
import { ok } from './support/http';
import { keys } from './support/keys';
import { planOrder } from './support/lifecycles';
import { Stack, profiles, startStack } from './support/stack';

/**
 * OpenTelemetry traces (issue 15, API.md "Order numbers, traces, ..."): one `POST /orders` with
 * a caller's `traceparent` is one trace across the command service, the relay (distributed),
 * each projection's delivery and apply, and the query, every span linked to its parent. The
 * services export to a test OTLP/HTTP receiver exactly as they would to a collector.
 */
const viewNames = Object.values(projections).map((projection) => projection.name).sort();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe.each(profiles)('traces of an order (%s profile)', (profile) => {
  let receiver: OtlpReceiver;
  let stack: Stack;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack(profile, { tracing: { tracesUrl: receiver.tracesUrl } });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  }, 120_000);

  it('continues the caller traceparent from the request through decide, append, relay, delivery, apply and the query', async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const plan = planOrder(0, randomUUID());
    const traceHeaders = (spanId: string) => ({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'e2e=ordersource' });
    ok(await stack.command.post('/orders', { orderId: plan.orderId, ...plan.order }, { key: keys.operator, headers: traceHeaders(callerSpan) }), 201, 'placing');
    // Read once the view has the order (untraced, so however many looks it takes), then once in the trace.
    await eventually('the order in the tracking view', async () => (await stack.query.get(`/orders/${plan.orderId}`, { headers: { 'x-min-version': '1', 'x-wait-ms': '10000' } })).status === 200, { timeoutMs: 60_000 });
    const queryCaller = hex(8);
    ok(await stack.query.get(`/orders/${plan.orderId}`, { headers: traceHeaders(queryCaller) }), 200, 'reading');

    // Every view's apply, the query's read and the request spans: the last spans to be exported.
    const expected = (spans: ReceivedSpan[]) =>
      viewNames.every((view) => spans.some((span) => span.name === `apply ${view}`)) &&
      spans.some((span) => span.service === 'query-service' && span.kind === SpanKinds.client) &&
      spans.filter((span) => span.kind === SpanKinds.server).length === 2;
    const spans = await eventually(
      () => `every span of trace ${traceId}; got ${JSON.stringify(receiver.spans.filter((span) => span.traceId === traceId).map((span) => `${span.service}: ${span.name}`))}, refused ${receiver.refused.length}`,
      () => {
        const ofTrace = receiver.spans.filter((span) => span.traceId === traceId);
        return expected(ofTrace) && ofTrace;
      },
      { timeoutMs: 90_000, everyMs: 100 },
    );
    expect(receiver.refused).toEqual([]);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
    const one = (service: string, name: string) => {
      const found = spans.filter((span) => span.service === service && span.name === name);
      expect({ service, name, count: found.length }).toEqual({ service, name, count: 1 });
      return found[0];
    };

    // The command service: the request is a child of the caller's span; decide and append of it.
    const request = one('command-service', 'POST /orders');
    expect({ kind: request.kind, parent: request.parentSpanId, route: request.attributes['http.route'], status: request.attributes['http.response.status_code'] }).toEqual({
      kind: SpanKinds.server,
      parent: callerSpan,
      route: '/orders',
      status: 201,
    });
    expect(parentOf(one('command-service', 'decide PlaceOrder'))).toBe(request);
    expect(parentOf(one('command-service', 'append PlaceOrder'))).toBe(request);

    // The event carries the request's context in its metadata (stored, so covered by the hash chain).
    const { rows } = await stack.pg.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM events WHERE stream_id = $1', [`order-${plan.orderId}`]);
    expect(rows.map((row) => [row.metadata.traceparent, row.metadata.tracestate])).toEqual([[`00-${traceId}-${request.spanId}-01`, 'e2e=ordersource']]);

    // Delivery: distributed, the relay's PRODUCER span (child of the request, from the metadata) and
    // one CONSUMER span per projection's group, child of the publish span (from the Kafka headers:
    // the metadata names the request, not the publish). Embedded, the log reader's delivery is the
    // child of the request itself.
    const deliveries = spans.filter((span) => span.kind === SpanKinds.consumer);
    expect(deliveries.map((span) => span.attributes['messaging.consumer.group.name']).sort()).toEqual(viewNames.map((view) => `projection.${view}`));
    expect(deliveries.every((span) => span.service === 'projector-service')).toBe(true);
    if (profile === 'distributed') {
      const publish = one('projector-service', 'publish ordersource.orders.v1');
      expect({ kind: publish.kind, parent: parentOf(publish)?.name }).toEqual({ kind: SpanKinds.producer, parent: 'POST /orders' });
      expect(deliveries.map((span) => [span.name, parentOf(span)?.spanId])).toEqual(deliveries.map(() => ['deliver ordersource.orders.v1', publish.spanId]));
    } else {
      expect(spans.some((span) => span.kind === SpanKinds.producer)).toBe(false);
      expect(deliveries.map((span) => [span.name, parentOf(span)?.spanId])).toEqual(deliveries.map(() => ['deliver log', request.spanId]));
    }
    // Each view's apply is the child of its own group's delivery.
    for (const view of viewNames) {
      const apply = one('projector-service', `apply ${view}`);
      expect({ view, deliveredTo: parentOf(apply)?.attributes['messaging.consumer.group.name'] }).toEqual({ view, deliveredTo: `projection.${view}` });
    }

    // The query: its request span under the caller's second span, its view read under that.
    const queryRequest = one('query-service', 'GET /orders/:orderId');
    expect(queryRequest.parentSpanId).toBe(queryCaller);
    const reads = spans.filter((span) => span.service === 'query-service' && span.kind === SpanKinds.client);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((read) => parentOf(read) === queryRequest && read.name.startsWith('query '))).toBe(true);
  }, 180_000);

  it('starts a new trace for a request without a valid traceparent, and keeps idempotency and the hash chain', async () => {
    const plan = planOrder(1, randomUUID());
    const body = { orderId: plan.orderId, ...plan.order };
    const idempotency = { 'idempotency-key': `trace-${plan.orderId}` };
    // Tried: a malformed traceparent (ignored, per W3C), then the same key again under another trace.
    const first = await stack.command.post('/orders', body, { key: keys.operator, headers: { ...idempotency, traceparent: '00-not-a-trace-01' } });
    const repeat = await stack.command.post('/orders', body, { key: keys.operator, headers: { ...idempotency, traceparent: `00-${hex(16)}-${hex(8)}-01` } });
    expect([first.status, repeat.status, repeat.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(repeat.body).toEqual(first.body);

    const { rows } = await stack.pg.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM events WHERE stream_id = $1', [`order-${plan.orderId}`]);
    expect(rows).toHaveLength(1);
    const stored = String(rows[0].metadata.traceparent);
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const request = await eventually(
      'the request span of the new trace',
      () => receiver.spans.find((span) => span.name === 'POST /orders' && span.traceId === stored.slice(3, 35)),
      { timeoutMs: 60_000, everyMs: 100 },
    );
    expect(request.parentSpanId).toBe('');
    expect(ok(await stack.command.get('/admin/integrity'))).toEqual(expect.objectContaining({ ok: true }));
  }, 120_000);
});
