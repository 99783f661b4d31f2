import { AddressInfo } from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';

/**
 * A stand-in query service that answers the v2 analytics and alerts routes with bodies shaped
 * exactly as API.md specifies them (issue 12 builds the real ones). It lets the console's pages
 * for those routes be drawn, read and checked for accessibility before the routes exist; it is
 * never a substitute for the real routes' own tests.
 */
const DAY = 86_400_000;

export interface FixtureServer {
  url: string;
  close(): Promise<unknown>;
}

export async function startAnalyticsFixtureServer(): Promise<FixtureServer> {
  const app: FastifyInstance = Fastify();
  app.get('/projections', async () => ({ items: [] }));
  app.get('/analytics/orders', async (request) => {
    const query = request.query as Record<string, string>;
    const step = query.bucket === 'hour' ? 3_600_000 : DAY;
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const points = [];
    for (let at = from, i = 0; at < to && i < 400; at += step, i++) {
      const placed = 20 + ((i * 7) % 11);
      points.push({
        at: new Date(at).toISOString(),
        placed,
        paid: placed - 3,
        shipped: placed - 5,
        delivered: placed - 7,
        cancelled: 2,
        paymentFailures: 1 + (i % 3),
        revenue: { EUR: (placed - 3) * 2599, USD: 4999 },
        refunds: { EUR: i % 4 === 0 ? 2599 : 0 },
      });
    }
    return { bucket: query.bucket, from: query.from, to: query.to, series: [{ key: null, points }] };
  });
  app.get('/analytics/funnel', async () => ({
    placed: 300,
    authorized: 270,
    paid: 260,
    shipped: 240,
    delivered: 220,
    cancelled: 25,
    refunded: 6,
    conversion: { authorized: 0.9, paid: 260 / 300, shipped: 0.8, delivered: 220 / 300 },
  }));
  app.get('/analytics/durations', async () => ({
    items: [
      { stage: 'placed-paid', key: null, count: 260, p50Seconds: 420, p90Seconds: 3600, p99Seconds: 20000, maxSeconds: 86000 },
      { stage: 'paid-shipped', key: null, count: 240, p50Seconds: 36000, p90Seconds: 90000, p99Seconds: 170000, maxSeconds: 200000 },
      { stage: 'shipped-delivered', key: null, count: 220, p50Seconds: 150000, p90Seconds: 260000, p99Seconds: 400000, maxSeconds: 500000 },
    ],
  }));
  app.get('/analytics/logistics', async () => ({
    locations: [{ location: 'Paris hub', arrivals: 200, departures: 198, exceptions: 3, dwellP50Seconds: 5400, dwellP90Seconds: 14000 }],
    carriers: [{ carrier: 'DHL', shipments: 240, delivered: 220, exceptions: 4, exceptionRate: 4 / 240, transitP50Seconds: 150000 }],
  }));
  app.get('/analytics/forecast', async (request) => {
    const query = request.query as Record<string, string>;
    const step = query.bucket === 'hour' ? 3_600_000 : DAY;
    const start = Math.ceil(Date.now() / step) * step;
    const points = Array.from({ length: Number(query.horizon) || 7 }, (_, i) => {
      const value = 25 + (i % 7);
      return { at: new Date(start + i * step).toISOString(), value, lower80: value - 4 - i * 0.2, upper80: value + 4 + i * 0.2, lower95: value - 7 - i * 0.3, upper95: value + 7 + i * 0.3 };
    });
    return {
      metric: query.metric,
      bucket: query.bucket,
      method: 'holt-winters-additive',
      trainedOn: { from: new Date(start - 56 * step).toISOString(), to: new Date(start).toISOString(), points: 56 },
      seasonality: { period: 7 },
      backtest: { origins: 8, horizon: 7, smape: 0.112, mase: 0.71, baseline: { method: 'seasonal-naive', smape: 0.164, mase: 1 } },
      points,
    };
  });
  app.get('/alerts', async (request) => {
    const state = (request.query as Record<string, string>).state;
    const items = [
      {
        alertId: 'a-1',
        rule: 'order-unpaid',
        severity: 'warning',
        state: 'firing',
        subject: '3f0c4a4e-9a1b-4c1e-8d8f-1d2a3b4c5d6e',
        summary: 'Order unpaid for 2 h',
        value: 7200,
        threshold: 3600,
        firedAt: new Date(Date.now() - 600_000).toISOString(),
      },
      {
        alertId: 'a-0',
        rule: 'projection-lagging',
        severity: 'critical',
        state: 'resolved',
        subject: 'payments',
        summary: 'payments lagged 75 s',
        value: 75,
        threshold: 60,
        firedAt: new Date(Date.now() - 7_200_000).toISOString(),
        resolvedAt: new Date(Date.now() - 7_000_000).toISOString(),
      },
    ].filter((alert) => !state || alert.state === state);
    return { items, nextCursor: null };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}
