import fc from 'fast-check';
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';
import { runProjection } from '../../projection-runner';
import { MemoryReadStore } from '../../store/memory/memory-read-store';
import { orderEvent, orderUuid, SEALED } from '../../testing/order-history';
import { readModelViews } from '..';
import { analyticsProjection } from './analytics.projection';
import { analyticsDocuments } from './analytics-documents';
import { durations, funnel, logistics, ordersSeries, type OrdersGroupBy } from './figures';
import { modelDurations, modelFunnel, modelLogistics, modelOrders, type ModelHistory } from './testing/analytics-model';

const BASE = Date.UTC(2026, 2, 2, 0, 0, 0);
const MINUTE = 60_000;
const iso = (minutes: number) => new Date(BASE + minutes * MINUTE).toISOString();

/** A legal lifecycle, as the decider allows it, with business times chosen by the generator. */
const lifecycle = fc.record({
  placedAt: fc.integer({ min: 0, max: 10 * 24 * 60 }),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
  channel: fc.option(fc.constantFrom('web', 'app', 'pos'), { nil: undefined }),
  total: fc.integer({ min: 1, max: 100_000 }),
  failures: fc.array(fc.option(fc.constantFrom('card', 'paypal', 'wallet'), { nil: undefined }), { maxLength: 2 }),
  method: fc.constantFrom('card', 'paypal', 'bank_transfer', 'wallet'),
  reach: fc.constantFrom('placed', 'authorized', 'paid', 'shipped', 'delivered'),
  cancel: fc.boolean(),
  carrier: fc.constantFrom('DHL', 'UPS', 'GLS'),
  warehouse: fc.constantFrom('WH-1', 'WH-2'),
  checkpoints: fc.array(fc.record({ location: fc.constantFrom('Hub', 'Depot', 'Leipzig'), kind: fc.constantFrom('arrived', 'departed', 'out_for_delivery', 'exception'), offset: fc.integer({ min: -600, max: 6000 }) }), { maxLength: 5 }),
  refunds: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 2 }),
  gaps: fc.array(fc.integer({ min: 0, max: 2 * 24 * 60 }), { minLength: 8, maxLength: 8 }),
});

type Lifecycle = typeof lifecycle extends fc.Arbitrary<infer T> ? T : never;

function historyOf(orderId: string, life: Lifecycle): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let clock = life.placedAt;
  let gap = 0;
  const next = () => (clock += life.gaps[gap++ % life.gaps.length]);
  const add = (type: string, data: JsonObject, minutes: number) => events.push(orderEvent(orderId, events.length + 1, type, data, { occurredAt: iso(minutes) }));
  const placed: JsonObject = { customerId: 'customer-1', currency: life.currency, items: [{ sku: 'SKU', quantity: 1, unitPrice: life.total }], total: life.total, shippingAddress: SEALED('address') };
  add('OrderPlaced', placed, clock);
  // A channel is OrderPlaced v2's; without one the order is stored as v1 (read as web).
  if (life.channel) events[0] = { ...events[0], schemaVersion: 2, data: { ...events[0].data, channel: life.channel } };
  for (const method of life.failures) add('PaymentFailed', method ? { reason: SEALED('reason'), method } : { reason: SEALED('reason') }, next());
  const stages = ['placed', 'authorized', 'paid', 'shipped', 'delivered'];
  const reached = stages.indexOf(life.reach);
  if (reached >= 1) add('PaymentAuthorized', { amount: life.total, method: life.method }, next());
  if (reached >= 2) add('PaymentCaptured', { amount: life.total }, next());
  if (reached < 3 && life.cancel) {
    add('OrderCancelled', { reason: SEALED('reason'), authorizationVoided: reached === 1 }, next());
    if (reached === 2) add('PaymentRefunded', { amount: life.total, reason: SEALED('reason'), full: true }, clock);
    return events;
  }
  if (reached >= 3) {
    const dispatchedAt = next();
    add('ShipmentDispatched', { carrier: life.carrier, trackingNumber: 'TRK', warehouse: life.warehouse }, dispatchedAt);
    for (const checkpoint of life.checkpoints) add('ShipmentCheckpointRecorded', { location: checkpoint.location, kind: checkpoint.kind, occurredAt: iso(dispatchedAt + checkpoint.offset) }, next());
  }
  if (reached >= 4) add('OrderDelivered', { receivedBy: SEALED('receivedBy') }, next());
  if (reached >= 2) for (const amount of life.refunds) add('PaymentRefunded', { amount: Math.min(amount, life.total), reason: SEALED('reason'), full: false }, next());
  return events;
}

const scenario = fc
  .record({
    lifecycles: fc.array(lifecycle, { minLength: 0, maxLength: 25 }),
    // Delivery: shuffled across orders, with redeliveries, in batches: the runner's guard must
    // make the view the same as one ordered pass.
    seed: fc.integer(),
    batch: fc.integer({ min: 1, max: 40 }),
    window: fc.record({ start: fc.integer({ min: -2 * 24 * 60, max: 14 * 24 * 60 }), length: fc.integer({ min: 1, max: 20 * 24 * 60 }) }),
    bucket: fc.constantFrom('hour' as const, 'day' as const),
    groupBy: fc.constantFrom(undefined, 'country', 'currency', 'paymentMethod', 'carrier', 'channel'),
    durationsBy: fc.constantFrom(undefined, 'carrier' as const, 'warehouse' as const),
  })
  .map((input) => ({ ...input, window: { from: iso(input.window.start), to: iso(input.window.start + input.window.length) } }));

/** Deterministic shuffle with repeats: every event once in order per order, plus some again. */
function delivery(events: RecordedEvent[], seed: number): RecordedEvent[] {
  let state = seed >>> 0 || 1;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const withRepeats = [...events, ...events.filter(() => random() < 0.2)];
  return withRepeats.map((event) => ({ event, key: random() })).sort((a, b) => a.key - b.key).map(({ event }) => event);
}

const countryOf = (orderId: string) => (orderId.endsWith('3') ? null : ['DE', 'FR', 'GB'][Number(orderId.slice(-1)) % 3]);

describe('analytics projection: figures equal a model fold of the histories', () => {
  it('for every bucket, group, window and delivery order (orders, funnel, durations, logistics)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ lifecycles, seed, batch, window, bucket, groupBy, durationsBy }) => {
        const histories = lifecycles.map((life, index) => ({ orderId: orderUuid(index + 1), events: historyOf(orderUuid(index + 1), life) }));
        const store = new MemoryReadStore(readModelViews);
        const shuffled = delivery(histories.flatMap((history) => history.events), seed);
        for (let offset = 0; offset < shuffled.length; offset += batch) {
          const stats = await runProjection(analyticsProjection, store, shuffled.slice(offset, offset + batch));
          // A batch may hold an order's later event before its earlier one: a gap the next batches fill.
          if (stats.gaps.length > 0) await runProjection(analyticsProjection, store, histories.flatMap((history) => history.events));
        }
        await runProjection(analyticsProjection, store, histories.flatMap((history) => history.events));
        const documents = await analyticsDocuments(store, window);
        const model: ModelHistory[] = histories.map(({ orderId, events }) => ({ orderId, country: countryOf(orderId), events }));

        const series = ordersSeries(documents, { ...window, bucket, groupBy: groupBy as OrdersGroupBy | undefined, countryOf });
        expect(series).toEqual(modelOrders(model, { ...window, bucket, groupBy }));
        expect(funnel(documents, window)).toEqual(modelFunnel(model, window));
        expect(durations(documents, { ...window, groupBy: durationsBy })).toEqual(modelDurations(model, { ...window, groupBy: durationsBy }));
        expect(logistics(documents, window)).toEqual(modelLogistics(model, window));
      }),
      { numRuns: 100 },
    );
  });

  it('answers every bucket of an empty window with zeros under key null', () => {
    const series = ordersSeries([], { from: '2026-03-02T00:00:00.000Z', to: '2026-03-02T03:00:00.000Z', bucket: 'hour' });
    expect(series).toEqual([{ key: null, points: ['00', '01', '02'].map((hour) => ({ at: `2026-03-02T${hour}:00:00.000Z`, placed: 0, paid: 0, shipped: 0, delivered: 0, cancelled: 0, paymentFailures: 0, revenue: {}, refunds: {} })) }]);
  });

  it('keeps no personal data: no sealed envelope or customer id in any document', async () => {
    const store = new MemoryReadStore(readModelViews);
    const events = fc.sample(lifecycle, { numRuns: 20, seed: 42 }).flatMap((life, index) => historyOf(orderUuid(index + 1), life));
    await runProjection(analyticsProjection, store, events);
    const text = JSON.stringify(await analyticsDocuments(store));
    expect(text).not.toContain('$sealed');
    expect(text).not.toContain('customer-1');
    expect(text).toContain('placedAt');
  });
});
