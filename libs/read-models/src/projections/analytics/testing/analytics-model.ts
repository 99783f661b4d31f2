/**
 * A model of API.md's analytics figures folded straight from order histories (the events as
 * GET /orders/{id}/history shows them), written apart from the projection and ./figures so the
 * property test and the e2e suites hold both to what the histories say. Only tests import it.
 */
export interface ModelEvent {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface ModelHistory {
  orderId: string;
  /** Shipping country as the history shows it (null once erased). */
  country: string | null;
  events: readonly ModelEvent[];
}

type Money = Record<string, number>;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const ms = (value: string) => new Date(value).getTime();
const iso = (value: number) => new Date(value).toISOString();

function attributes(history: ModelHistory) {
  const placed = history.events.find((event) => event.type === 'OrderPlaced') as ModelEvent;
  const authorizations = history.events.filter((event) => event.type === 'PaymentAuthorized');
  const failures = history.events.filter((event) => event.type === 'PaymentFailed' && typeof event.data.method === 'string');
  const dispatch = history.events.find((event) => event.type === 'ShipmentDispatched');
  const method = authorizations.length > 0 ? (authorizations[authorizations.length - 1].data.method as string) : failures.length > 0 ? (failures[failures.length - 1].data.method as string) : null;
  return {
    currency: placed.data.currency as string,
    channel: (placed.data.channel as string | undefined) ?? 'web',
    carrier: (dispatch?.data.carrier as string | undefined) ?? null,
    warehouse: (dispatch?.data.warehouse as string | undefined) ?? null,
    method,
  };
}

export function modelOrders(histories: readonly ModelHistory[], query: { from: string; to: string; bucket: 'hour' | 'day'; groupBy?: string }) {
  const step = query.bucket === 'hour' ? HOUR : DAY;
  const first = Math.floor(ms(query.from) / step) * step;
  const buckets: number[] = [];
  for (let t = first; t < ms(query.to); t += step) buckets.push(t);
  const zero = (at: number) => ({ at: iso(at), placed: 0, paid: 0, shipped: 0, delivered: 0, cancelled: 0, paymentFailures: 0, revenue: {} as Money, refunds: {} as Money });
  const series = new Map<string | null, ReturnType<typeof zero>[]>();
  if (!query.groupBy) series.set(null, buckets.map(zero));
  const counterOf: Record<string, string> = { OrderPlaced: 'placed', PaymentCaptured: 'paid', ShipmentDispatched: 'shipped', OrderDelivered: 'delivered', OrderCancelled: 'cancelled', PaymentFailed: 'paymentFailures' };
  for (const history of histories) {
    const order = attributes(history);
    for (const event of history.events) {
      const t = ms(event.occurredAt);
      if (t < ms(query.from) || t >= ms(query.to)) continue;
      if (!(event.type in counterOf) && event.type !== 'PaymentRefunded') continue;
      const key =
        query.groupBy === 'country' ? history.country
        : query.groupBy === 'currency' ? order.currency
        : query.groupBy === 'channel' ? order.channel
        : query.groupBy === 'carrier' ? order.carrier
        : query.groupBy === 'paymentMethod' ? (event.type === 'PaymentFailed' ? ((event.data.method as string | undefined) ?? null) : order.method)
        : null;
      if (!series.has(key)) series.set(key, buckets.map(zero));
      const point = (series.get(key) as ReturnType<typeof zero>[])[buckets.indexOf(Math.floor(t / step) * step)] as unknown as Record<string, number> & { revenue: Money; refunds: Money };
      if (event.type in counterOf) point[counterOf[event.type]] += 1;
      if (event.type === 'PaymentCaptured') point.revenue[order.currency] = (point.revenue[order.currency] ?? 0) + (event.data.amount as number);
      if (event.type === 'PaymentRefunded') point.refunds[order.currency] = (point.refunds[order.currency] ?? 0) + (event.data.amount as number);
    }
  }
  return [...series.entries()].sort(([a], [b]) => byKey(a, b)).map(([key, points]) => ({ key, points }));
}

export function modelFunnel(histories: readonly ModelHistory[], window: { from: string; to: string }) {
  const cohort = histories.filter((history) => inside(history.events[0].occurredAt, window));
  const count = (type: string) => cohort.filter((history) => history.events.some((event) => event.type === type)).length;
  const placed = cohort.length;
  const counts = { placed, authorized: count('PaymentAuthorized'), paid: count('PaymentCaptured'), shipped: count('ShipmentDispatched'), delivered: count('OrderDelivered'), cancelled: count('OrderCancelled'), refunded: count('PaymentRefunded') };
  const share = (n: number) => (placed === 0 ? 0 : n / placed);
  return { ...counts, conversion: { authorized: share(counts.authorized), paid: share(counts.paid), shipped: share(counts.shipped), delivered: share(counts.delivered) } };
}

export function modelDurations(histories: readonly ModelHistory[], window: { from: string; to: string; groupBy?: 'carrier' | 'warehouse' }) {
  const stages = [
    ['placed-paid', 'OrderPlaced', 'PaymentCaptured'],
    ['paid-shipped', 'PaymentCaptured', 'ShipmentDispatched'],
    ['shipped-delivered', 'ShipmentDispatched', 'OrderDelivered'],
  ] as const;
  const items: { stage: string; key: string | null; count: number; p50Seconds: number | null; p90Seconds: number | null; p99Seconds: number | null; maxSeconds: number | null }[] = [];
  for (const [stage, startType, endType] of stages) {
    const samples = new Map<string | null, number[]>(window.groupBy ? [] : [[null, []]]);
    for (const history of histories) {
      const start = history.events.find((event) => event.type === startType);
      const end = history.events.find((event) => event.type === endType);
      if (!start || !end || !inside(end.occurredAt, window)) continue;
      const key = window.groupBy ? attributes(history)[window.groupBy] : null;
      samples.set(key, [...(samples.get(key) ?? []), (ms(end.occurredAt) - ms(start.occurredAt)) / 1000]);
    }
    for (const [key, values] of [...samples.entries()].sort(([a], [b]) => byKey(a, b))) {
      const sorted = [...values].sort((a, b) => a - b);
      items.push({ stage, key, count: sorted.length, p50Seconds: rank(sorted, 0.5), p90Seconds: rank(sorted, 0.9), p99Seconds: rank(sorted, 0.99), maxSeconds: sorted.length ? sorted[sorted.length - 1] : null });
    }
  }
  return items;
}

export function modelLogistics(histories: readonly ModelHistory[], window: { from: string; to: string }) {
  const locations = new Map<string, { arrivals: number; departures: number; exceptions: number; dwell: number[] }>();
  const carriers = new Map<string, { shipments: number; delivered: number; exceptions: number; transit: number[] }>();
  for (const history of histories) {
    // Route in checkpoint-time order; a stable sort keeps recording order among equal times.
    const route = history.events
      .filter((event) => event.type === 'ShipmentCheckpointRecorded')
      .map((event) => ({ location: event.data.location as string, kind: event.data.kind as string, at: ms(event.data.occurredAt as string) }))
      .sort((a, b) => a.at - b.at);
    route.forEach((entry, index) => {
      if (!inside(iso(entry.at), window)) return;
      const figures = locations.get(entry.location) ?? { arrivals: 0, departures: 0, exceptions: 0, dwell: [] };
      if (entry.kind === 'arrived') {
        figures.arrivals += 1;
        const departure = route.slice(index + 1).find((later) => later.kind === 'departed' && later.location === entry.location);
        if (departure) figures.dwell.push((departure.at - entry.at) / 1000);
      }
      if (entry.kind === 'departed') figures.departures += 1;
      if (entry.kind === 'exception') figures.exceptions += 1;
      locations.set(entry.location, figures);
    });
    const dispatch = history.events.find((event) => event.type === 'ShipmentDispatched');
    if (dispatch && inside(dispatch.occurredAt, window)) {
      const carrier = dispatch.data.carrier as string;
      const figures = carriers.get(carrier) ?? { shipments: 0, delivered: 0, exceptions: 0, transit: [] };
      figures.shipments += 1;
      if (route.some((entry) => entry.kind === 'exception')) figures.exceptions += 1;
      const delivery = history.events.find((event) => event.type === 'OrderDelivered');
      if (delivery) {
        figures.delivered += 1;
        figures.transit.push((ms(delivery.occurredAt) - ms(dispatch.occurredAt)) / 1000);
      }
      carriers.set(carrier, figures);
    }
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  return {
    locations: [...locations.entries()]
      .sort(([a], [b]) => byKey(a, b))
      .map(([location, f]) => ({ location, arrivals: f.arrivals, departures: f.departures, exceptions: f.exceptions, dwellP50Seconds: rank(sorted(f.dwell), 0.5), dwellP90Seconds: rank(sorted(f.dwell), 0.9) })),
    carriers: [...carriers.entries()]
      .sort(([a], [b]) => byKey(a, b))
      .map(([carrier, f]) => ({ carrier, shipments: f.shipments, delivered: f.delivered, exceptions: f.exceptions, exceptionRate: f.exceptions / f.shipments, transitP50Seconds: rank(sorted(f.transit), 0.5) })),
  };
}

function inside(at: string, window: { from: string; to: string }): boolean {
  return ms(at) >= ms(window.from) && ms(at) < ms(window.to);
}

/** Nearest rank: the k-th smallest with k = ceil(q n). */
function rank(sorted: readonly number[], q: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

function byKey(a: string | null, b: string | null): number {
  return a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
}
