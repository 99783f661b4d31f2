/**
 * The figures of API.md's analytics routes, folded from the analytics documents of a window.
 * Business time (`occurredAt`, a checkpoint's own time), UTC, windows `[from, to)`. Percentiles
 * are exact, by the nearest-rank method (the smallest value with at least p% of the values at
 * or below it). Money is a map currency -> minor units, never summed across currencies.
 */
import { withDwellTimes } from '../shipping/route';
import { paymentMethodOf, type AnalyticsDocument } from './analytics.projection';

export type AnalyticsBucket = 'hour' | 'day';
export type OrdersGroupBy = 'country' | 'currency' | 'paymentMethod' | 'carrier' | 'channel';
export type DurationsGroupBy = 'carrier' | 'warehouse';
export type MoneyMap = Record<string, number>;

export const BUCKET_MS: Readonly<Record<AnalyticsBucket, number>> = { hour: 3_600_000, day: 86_400_000 };

export interface AnalyticsWindow {
  from: string;
  to: string;
}

export interface OrdersPoint {
  at: string;
  placed: number;
  paid: number;
  shipped: number;
  delivered: number;
  cancelled: number;
  paymentFailures: number;
  revenue: MoneyMap;
  refunds: MoneyMap;
}

export interface OrdersSeries {
  key: string | null;
  points: OrdersPoint[];
}

/** The shipping country of an order (null: unknown or erased); only groupBy=country asks. */
export type CountryOf = (orderId: string) => string | null;

export interface OrdersQuery extends AnalyticsWindow {
  bucket: AnalyticsBucket;
  groupBy?: OrdersGroupBy;
  countryOf?: CountryOf;
}

type Counter = Exclude<keyof OrdersPoint, 'at' | 'revenue' | 'refunds'>;

/** A fact of one order at one time: what it adds to its bucket, and its own payment method if any. */
interface Fact {
  at: string;
  counter?: Counter;
  money?: { field: 'revenue' | 'refunds'; amount: number };
  method?: string | null;
}

function factsOf(order: AnalyticsDocument): Fact[] {
  const facts: Fact[] = [{ at: order.placedAt, counter: 'placed' }];
  for (const payment of order.payments) {
    if (payment.kind === 'failure') facts.push({ at: payment.at, counter: 'paymentFailures', method: payment.method });
    if (payment.kind === 'capture') facts.push({ at: payment.at, counter: 'paid', money: { field: 'revenue', amount: payment.amount ?? 0 } });
    if (payment.kind === 'refund') facts.push({ at: payment.at, money: { field: 'refunds', amount: payment.amount ?? 0 } });
  }
  if (order.shippedAt) facts.push({ at: order.shippedAt, counter: 'shipped' });
  if (order.deliveredAt) facts.push({ at: order.deliveredAt, counter: 'delivered' });
  if (order.cancelledAt) facts.push({ at: order.cancelledAt, counter: 'cancelled' });
  return facts;
}

/** Bucket starts from the bucket holding `from` up to the last one starting before `to`. */
export function bucketStarts(window: AnalyticsWindow, bucket: AnalyticsBucket): string[] {
  const step = BUCKET_MS[bucket];
  const toMs = Date.parse(window.to);
  const starts: string[] = [];
  for (let t = floorTo(Date.parse(window.from), bucket); t < toMs; t += step) starts.push(new Date(t).toISOString());
  return starts;
}

/**
 * GET /analytics/orders: per key, one point per bucket (empty buckets with zeros). Keys are the
 * order's attribute now (country, currency, channel, carrier), except that a payment failure
 * counts under the method it was attempted with; other facts under the order's method.
 */
export function ordersSeries(orders: readonly AnalyticsDocument[], query: OrdersQuery): OrdersSeries[] {
  const starts = bucketStarts(query, query.bucket);
  const firstMs = Date.parse(starts[0] ?? query.from);
  const step = BUCKET_MS[query.bucket];
  const series = new Map<string | null, OrdersPoint[]>();
  const pointsOf = (key: string | null) => {
    let points = series.get(key);
    if (!points) {
      points = starts.map((at) => ({ at, placed: 0, paid: 0, shipped: 0, delivered: 0, cancelled: 0, paymentFailures: 0, revenue: {}, refunds: {} }));
      series.set(key, points);
    }
    return points;
  };
  if (!query.groupBy) pointsOf(null);
  for (const order of orders) {
    for (const fact of factsOf(order)) {
      if (!inWindow(fact.at, query)) continue;
      const point = pointsOf(keyOf(order, fact, query))[Math.floor((Date.parse(fact.at) - firstMs) / step)];
      if (fact.counter) point[fact.counter] += 1;
      if (fact.money) point[fact.money.field][order.currency] = (point[fact.money.field][order.currency] ?? 0) + fact.money.amount;
    }
  }
  const sortedMoney = (money: MoneyMap) => Object.fromEntries(Object.entries(money).sort(([a], [b]) => compareKeys(a, b)));
  return [...series.entries()]
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, points]) => ({ key, points: points.map((point) => ({ ...point, revenue: sortedMoney(point.revenue), refunds: sortedMoney(point.refunds) })) }));
}

function keyOf(order: AnalyticsDocument, fact: Fact, query: OrdersQuery): string | null {
  switch (query.groupBy) {
    case undefined:
      return null;
    case 'country':
      return query.countryOf ? query.countryOf(order.orderId) : null;
    case 'currency':
      return order.currency;
    case 'channel':
      return order.channel;
    case 'carrier':
      return order.carrier;
    case 'paymentMethod':
      return fact.method !== undefined ? fact.method : paymentMethodOf(order);
  }
}

export interface Funnel {
  placed: number;
  authorized: number;
  paid: number;
  shipped: number;
  delivered: number;
  cancelled: number;
  refunded: number;
  conversion: { authorized: number; paid: number; shipped: number; delivered: number };
}

/** GET /analytics/funnel: the orders placed in the window and how far they got by now. */
export function funnel(orders: readonly AnalyticsDocument[], window: AnalyticsWindow): Funnel {
  const cohort = orders.filter((order) => inWindow(order.placedAt, window));
  const having = (test: (order: AnalyticsDocument) => boolean) => cohort.filter(test).length;
  const has = (kind: string) => (order: AnalyticsDocument) => order.payments.some((payment) => payment.kind === kind);
  const counts = {
    placed: cohort.length,
    authorized: having(has('authorization')),
    paid: having(has('capture')),
    shipped: having((order) => order.shippedAt !== null),
    delivered: having((order) => order.deliveredAt !== null),
    cancelled: having((order) => order.cancelledAt !== null),
    refunded: having(has('refund')),
  };
  const share = (count: number) => (counts.placed === 0 ? 0 : count / counts.placed);
  return { ...counts, conversion: { authorized: share(counts.authorized), paid: share(counts.paid), shipped: share(counts.shipped), delivered: share(counts.delivered) } };
}

export const STAGES = ['placed-paid', 'paid-shipped', 'shipped-delivered'] as const;
export type Stage = (typeof STAGES)[number];

export interface DurationItem {
  stage: Stage;
  key: string | null;
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
}

/** When each stage of an order began and ended (undefined while it has not ended). */
function stageSpans(order: AnalyticsDocument): Record<Stage, { start: string; end: string } | undefined> {
  const paidAt = order.payments.find((payment) => payment.kind === 'capture')?.at;
  const span = (start: string | null | undefined, end: string | null | undefined) => (start && end ? { start, end } : undefined);
  return {
    'placed-paid': span(order.placedAt, paidAt),
    'paid-shipped': span(paidAt, order.shippedAt),
    'shipped-delivered': span(order.shippedAt, order.deliveredAt),
  };
}

/**
 * GET /analytics/durations: per stage completed in the window (its end in it), exact
 * percentiles of its duration. Without groupBy every stage has an item (count 0: nulls); with
 * groupBy, every (stage, key) that has one.
 */
export function durations(orders: readonly AnalyticsDocument[], window: AnalyticsWindow & { groupBy?: DurationsGroupBy }): DurationItem[] {
  const samples = new Map<Stage, Map<string | null, number[]>>(STAGES.map((stage) => [stage, new Map()]));
  if (!window.groupBy) for (const stage of STAGES) samples.get(stage)?.set(null, []);
  for (const order of orders) {
    const spans = stageSpans(order);
    for (const stage of STAGES) {
      const span = spans[stage];
      if (!span || !inWindow(span.end, window)) continue;
      const key = window.groupBy ? order[window.groupBy] : null;
      const byKey = samples.get(stage) as Map<string | null, number[]>;
      byKey.set(key, [...(byKey.get(key) ?? []), seconds(span.start, span.end)]);
    }
  }
  return STAGES.flatMap((stage) =>
    [...(samples.get(stage) as Map<string | null, number[]>).entries()]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([key, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return { stage, key, count: sorted.length, p50Seconds: percentile(sorted, 50), p90Seconds: percentile(sorted, 90), p99Seconds: percentile(sorted, 99), maxSeconds: sorted.length ? sorted[sorted.length - 1] : null };
      }),
  );
}

export interface LocationFigures {
  location: string;
  arrivals: number;
  departures: number;
  exceptions: number;
  dwellP50Seconds: number | null;
  dwellP90Seconds: number | null;
}

export interface CarrierFigures {
  carrier: string;
  shipments: number;
  delivered: number;
  exceptions: number;
  exceptionRate: number;
  transitP50Seconds: number | null;
}

export interface Logistics {
  locations: LocationFigures[];
  carriers: CarrierFigures[];
}

/**
 * GET /analytics/logistics. Locations: the checkpoints whose time is in the window, and the
 * dwell of those arrivals (seconds to the next departure from the same place, as the shipping
 * view computes it). Carriers: the shipments dispatched in the window, how many of them are
 * delivered by now, how many had an exception scan, and their dispatch-to-delivery transit.
 */
export function logistics(orders: readonly AnalyticsDocument[], window: AnalyticsWindow): Logistics {
  const locations = new Map<string, { arrivals: number; departures: number; exceptions: number; dwell: number[] }>();
  const carriers = new Map<string, { shipments: number; delivered: number; exceptions: number; transit: number[] }>();
  for (const order of orders) {
    for (const entry of withDwellTimes(order.checkpoints.map((checkpoint) => ({ ...checkpoint, dwellSeconds: null })))) {
      if (!inWindow(entry.at, window)) continue;
      const figures = locations.get(entry.location) ?? { arrivals: 0, departures: 0, exceptions: 0, dwell: [] };
      if (entry.kind === 'arrived') figures.arrivals += 1;
      if (entry.kind === 'departed') figures.departures += 1;
      if (entry.kind === 'exception') figures.exceptions += 1;
      if (entry.dwellSeconds !== null) figures.dwell.push(entry.dwellSeconds);
      locations.set(entry.location, figures);
    }
    if (order.carrier !== null && order.shippedAt !== null && inWindow(order.shippedAt, window)) {
      const figures = carriers.get(order.carrier) ?? { shipments: 0, delivered: 0, exceptions: 0, transit: [] };
      figures.shipments += 1;
      if (order.checkpoints.some((checkpoint) => checkpoint.kind === 'exception')) figures.exceptions += 1;
      if (order.deliveredAt) {
        figures.delivered += 1;
        figures.transit.push(seconds(order.shippedAt, order.deliveredAt));
      }
      carriers.set(order.carrier, figures);
    }
  }
  const ascending = (values: number[]) => [...values].sort((a, b) => a - b);
  return {
    locations: [...locations.entries()]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([location, { arrivals, departures, exceptions, dwell }]) => ({
        location,
        arrivals,
        departures,
        exceptions,
        dwellP50Seconds: percentile(ascending(dwell), 50),
        dwellP90Seconds: percentile(ascending(dwell), 90),
      })),
    carriers: [...carriers.entries()]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([carrier, { shipments, delivered, exceptions, transit }]) => ({
        carrier,
        shipments,
        delivered,
        exceptions,
        exceptionRate: exceptions / shipments,
        transitP50Seconds: percentile(ascending(transit), 50),
      })),
  };
}

export type ForecastMetric = 'placed' | 'revenue';

/**
 * The series a forecast trains on: per bucket from the first bucket with such a fact up to
 * (not including) the bucket holding `until`, placed orders or captured amounts in `currency`.
 */
export function metricHistory(orders: readonly AnalyticsDocument[], query: { metric: ForecastMetric; bucket: AnalyticsBucket; until: string; currency?: string }): { start: string; values: number[] } {
  const facts: { at: string; value: number }[] = [];
  for (const order of orders) {
    if (query.metric === 'placed') facts.push({ at: order.placedAt, value: 1 });
    else if (order.currency === query.currency) {
      for (const payment of order.payments) if (payment.kind === 'capture') facts.push({ at: payment.at, value: payment.amount ?? 0 });
    }
  }
  const endMs = floorTo(Date.parse(query.until), query.bucket);
  const relevant = facts.filter((fact) => Date.parse(fact.at) < endMs);
  if (relevant.length === 0) return { start: new Date(endMs).toISOString(), values: [] };
  const step = BUCKET_MS[query.bucket];
  const startMs = floorTo(Math.min(...relevant.map((fact) => Date.parse(fact.at))), query.bucket);
  const values = new Array<number>(Math.round((endMs - startMs) / step)).fill(0);
  for (const fact of relevant) values[Math.floor((Date.parse(fact.at) - startMs) / step)] += fact.value;
  return { start: new Date(startMs).toISOString(), values };
}

/** Nearest-rank percentile of ascending values; null for none. */
export function percentile(ascending: readonly number[], p: number): number | null {
  if (ascending.length === 0) return null;
  return ascending[Math.max(0, Math.ceil((p / 100) * ascending.length) - 1)];
}

export function floorTo(ms: number, bucket: AnalyticsBucket): number {
  return ms - (((ms % BUCKET_MS[bucket]) + BUCKET_MS[bucket]) % BUCKET_MS[bucket]);
}

function inWindow(at: string, window: AnalyticsWindow): boolean {
  const ms = Date.parse(at);
  return ms >= Date.parse(window.from) && ms < Date.parse(window.to);
}

function seconds(start: string, end: string): number {
  return (Date.parse(end) - Date.parse(start)) / 1000;
}

/** Null first, then bytewise (the stores' collation "C"), so every answer has one order. */
function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
