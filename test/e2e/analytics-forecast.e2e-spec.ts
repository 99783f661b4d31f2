import { randomUUID } from 'node:crypto';
import { forecastSeries, hourlyDemand } from '@ordersource/analytics';
import { openEventStoreDatabase, PostgresEventStore, type EventStoreDatabase } from '@ordersource/event-store';
import { requireSecret } from '@ordersource/platform';
import { eventually } from '@ordersource/testing/eventually';
import { inBatches, ok } from './support/http';
import { keys } from './support/keys';
import { Stack, profiles, startStack } from './support/stack';

/**
 * GET /analytics/forecast over four weeks of seasonal history. The history is written into
 * the log with past business times (as an import of an old shop's orders would; the command
 * API stamps the request time), then the route must answer what the forecast library answers
 * on the series the histories make, on both profiles.
 */
const HOUR = 3_600_000;
const WEEKS = 4;

interface Seeded {
  placedAt: string;
  currency: string;
  captured: number | null;
}

describe.each(profiles)('GET /analytics/forecast (%s profile)', (profile) => {
  let stack: Stack;
  let database: EventStoreDatabase;
  const seeded: Seeded[] = [];

  beforeAll(async () => {
    stack = await startStack(profile);
    database = await openEventStoreDatabase({ url: stack.config.databaseUrl, chainKey: requireSecret(stack.config.chainKey, 'ORDERSOURCE_CHAIN_KEY') });
    const store = new PostgresEventStore(database);
    const firstHour = Math.floor(Date.now() / HOUR) * HOUR - WEEKS * 7 * 24 * HOUR;
    // About one order an hour with a daily and weekly pattern; every other one paid in USD.
    const demand = hourlyDemand(WEEKS * 7 * 24, 5, 20).values.map((value) => Math.max(0, Math.round(value / 50)));
    demand.forEach((count, hour) => {
      for (let n = 0; n < count; n += 1) seeded.push({ placedAt: new Date(firstHour + hour * HOUR + n * 60_000).toISOString(), currency: seeded.length % 2 ? 'USD' : 'EUR', captured: seeded.length % 3 ? 1000 + (seeded.length % 7) * 100 : null });
    });
    await inBatches(seeded, 4, async (order) => {
      const orderId = randomUUID();
      const metadata = { correlationId: 'forecast-e2e', causationId: 'seed', actor: 'import:e2e' };
      const data = { orderId, customerId: 'cust-a', currency: order.currency, items: [{ sku: 'SKU', quantity: 1, unitPrice: order.captured ?? 500 }], total: order.captured ?? 500, shippingAddress: { name: 'N', line1: 'L', city: 'C', postalCode: 'P', country: 'DE' } };
      const events = [{ type: 'OrderPlaced', schemaVersion: 1, data, metadata, occurredAt: order.placedAt }];
      if (order.captured !== null) {
        const paidAt = new Date(Date.parse(order.placedAt) + 30_000).toISOString();
        events.push(
          { type: 'PaymentAuthorized', schemaVersion: 1, data: { orderId, amount: order.captured, method: 'card' } as never, metadata, occurredAt: paidAt },
          { type: 'PaymentCaptured', schemaVersion: 1, data: { orderId, amount: order.captured } as never, metadata, occurredAt: paidAt },
        );
      }
      await store.appendToStream(`order-${orderId}`, 'no_stream', events);
    });
    const from = new Date(firstHour).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    await eventually(
      'the analytics view holds every seeded order',
      async () => ok(await stack.query.get(`/analytics/funnel?from=${from}&to=${to}`, { key: keys.operator }), 200, 'funnel').placed === seeded.length,
      { timeoutMs: 90_000 },
    );
  }, 240_000);
  afterAll(async () => {
    await database?.close();
    await stack?.stop();
  });

  /** The series the histories make, per bucket from the first fact up to the route's training end. */
  function modelSeries(bucket: 'hour' | 'day', until: string, value: (order: Seeded) => number | null, at: (order: Seeded) => string): { start: string; values: number[] } {
    const step = bucket === 'hour' ? HOUR : 24 * HOUR;
    const facts = seeded.flatMap((order) => (value(order) === null ? [] : [{ at: Date.parse(at(order)), value: value(order) as number }])).filter((fact) => fact.at < Date.parse(until));
    const start = Math.floor(Math.min(...facts.map((fact) => fact.at)) / step) * step;
    const values = new Array<number>(Math.round((Date.parse(until) - start) / step)).fill(0);
    for (const fact of facts) values[Math.floor((fact.at - start) / step)] += fact.value;
    return { start: new Date(start).toISOString(), values };
  }

  it('forecasts placed orders per hour with 80/95% bands and a rolling-origin backtest, as the library does on the histories\' series', async () => {
    const body = ok(await stack.query.get('/analytics/forecast?metric=placed&bucket=hour&horizon=24', { key: keys.operator }), 200, 'forecast');
    const series = modelSeries('hour', body.trainedOn.to, () => 1, (order) => order.placedAt);
    expect(body).toEqual({ metric: 'placed', bucket: 'hour', ...forecastSeries({ bucket: 'hour', ...series, horizon: 24 }) });
    expect(body.method).toBe('holt-winters-double-seasonal-additive');
    expect(body.backtest.origins).toBe(4);
    expect(body.backtest).toMatchObject({ horizon: 24, baseline: { method: 'seasonal-naive' } });
    expect(body.points).toHaveLength(24);
    expect(body.points[0].at).toBe(body.trainedOn.to);
  });

  it('forecasts USD revenue per day from captures only, never mixing currencies', async () => {
    const body = ok(await stack.query.get('/analytics/forecast?metric=revenue&bucket=day&horizon=7&currency=USD', { key: keys.operator }), 200, 'forecast');
    const series = modelSeries('day', body.trainedOn.to, (order) => (order.currency === 'USD' ? order.captured : null), (order) => new Date(Date.parse(order.placedAt) + 30_000).toISOString());
    expect(body).toEqual({ metric: 'revenue', bucket: 'day', currency: 'USD', ...forecastSeries({ bucket: 'day', ...series, horizon: 7 }) });
    expect(body.seasonality).toEqual([{ name: 'weekly', period: 7 }]);
  });

  it('answers 422 insufficient-history when the horizon needs more history than there is', async () => {
    const answer = await stack.query.get('/analytics/forecast?metric=placed&bucket=day&horizon=30', { key: keys.operator });
    expect(answer.status).toBe(422);
    expect(answer.body.type).toMatch(/\/insufficient-history$/);
    expect(answer.body.detail).toMatch(/needs at least 44 buckets/);
  });

  it('answers 422 for a currency without revenue', async () => {
    const answer = await stack.query.get('/analytics/forecast?metric=revenue&bucket=hour&horizon=24&currency=CHF', { key: keys.operator });
    expect(answer.status).toBe(422);
  });
});
