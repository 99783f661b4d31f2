/**
 * `npm run demo -- --history 8w` (issue 12): weeks of realistic order history as import lines
 * (API.md "Import of historical orders"), so analytics, the forecast and the alerts have
 * something real to show on a fresh `npm start`. Pure and deterministic: the same seed and end
 * hour give the same lines.
 *
 * The shape: arrivals follow a weekday and hour-of-day pattern (a Poisson count per hour);
 * countries bring their currency, carriers and warehouse; payment methods fail at their own
 * rates (a failure is retried or the order is abandoned and cancelled); shipments cross two to
 * four hubs, some scans arrive late and out of order, a few raise exceptions; some paid orders
 * are cancelled (refunded in full) and some delivered ones refunded. The last hours carry a few
 * live problems for the alerts: abandoned unpaid orders, a stalled shipment, a burst of wallet
 * failures and an hour without orders.
 */
import { addresses, cancelReasons, failReasons, products, receivers, refundReasons } from './catalog';
import { createRng, type Rng } from './prng';

export interface HistoryOptions {
  seed: number;
  /** Length of the history in days. */
  days: number;
  /** The history ends here (the demo passes the current time). */
  end: Date;
  /** Mean orders per hour over a week; default 5. */
  ordersPerHour?: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

/** Monday first: weekdays busier than weekends, Friday busiest. */
const weekdayFactor = [1.0, 1.05, 1.0, 1.1, 1.25, 0.8, 0.7];
/** UTC hour of day: quiet nights, a lunch peak and an evening peak. */
const hourFactor = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.5, 1.7, 1.5, 1.3, 1.2, 1.2, 1.3, 1.5, 1.8, 2.0, 1.7, 1.0, 0.5];
const hourMean = hourFactor.reduce((sum, value) => sum + value, 0) / 24;
const weekMean = weekdayFactor.reduce((sum, value) => sum + value, 0) / 7;

const countries = {
  GB: { currency: 'GBP', carriers: ['Royal Mail', 'DHL'], warehouse: 'WH-LEEDS', weight: 3, address: 0 },
  US: { currency: 'USD', carriers: ['UPS', 'FedEx'], warehouse: 'WH-NJ', weight: 4, address: 1 },
  FR: { currency: 'EUR', carriers: ['DHL', 'UPS'], warehouse: 'WH-LYON', weight: 2, address: 2 },
  DE: { currency: 'EUR', carriers: ['DHL'], warehouse: 'WH-BERLIN', weight: 3, address: 3 },
  SE: { currency: 'SEK', carriers: ['PostNord'], warehouse: 'WH-BERLIN', weight: 1, address: 4 },
  JP: { currency: 'JPY', carriers: ['Yamato'], warehouse: 'WH-NJ', weight: 1, address: 5 },
} as const;
type Country = keyof typeof countries;

const hubsOf: Record<Country, string[]> = {
  GB: ['East Midlands', 'Leeds depot', 'London depot'],
  US: ['Louisville Worldport', 'Newark hub', 'Chicago hub'],
  FR: ['Lyon hub', 'Paris CDG', 'Liège air hub'],
  DE: ['Leipzig hub', 'Cologne hub', 'Berlin depot'],
  SE: ['Malmö terminal', 'Stockholm depot', 'Leipzig hub'],
  JP: ['Louisville Worldport', 'Osaka depot', 'Tokyo depot'],
};

/** Weight, and the share of attempts the provider declines. */
const methodTable = [
  { method: 'card', weight: 55, failureRate: 0.08 },
  { method: 'paypal', weight: 25, failureRate: 0.04 },
  { method: 'wallet', weight: 12, failureRate: 0.12 },
  { method: 'bank_transfer', weight: 8, failureRate: 0.03 },
] as const;

const unitPrice: Record<string, [number, number]> = { GBP: [300, 9000], USD: [400, 12000], EUR: [350, 10000], SEK: [4000, 100000], JPY: [500, 15000] };

type Step = { command: string; at: string } & Record<string, unknown>;

export interface HistoryLine {
  customerId: string;
  currency: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
  shippingAddress: (typeof addresses)[number];
  placedAt: string;
  steps: Step[];
}

/** Every order of the history, oldest first, as import lines (objects; JSON.stringify each). */
export function* generateHistory(options: HistoryOptions): Generator<HistoryLine> {
  const rng = createRng(options.seed);
  const perHour = options.ordersPerHour ?? 5;
  const endMs = Math.floor(options.end.getTime() / HOUR) * HOUR;
  const startMs = endMs - options.days * DAY;
  const lastCompleteHour = endMs - HOUR;
  for (let hourMs = startMs; hourMs < endMs; hourMs += HOUR) {
    const date = new Date(hourMs);
    const weekday = (date.getUTCDay() + 6) % 7;
    const mean = (perHour * weekdayFactor[weekday] * hourFactor[date.getUTCHours()]) / (weekMean * hourMean);
    // An outage in the last complete hour: nothing came in (the volume alert's case).
    const count = hourMs === lastCompleteHour ? 0 : poisson(rng, mean);
    const arrivals = Array.from({ length: count }, () => hourMs + rng.int(0, HOUR - 1)).sort((a, b) => a - b);
    for (const placedMs of arrivals) yield orderAt(rng, placedMs, options.end.getTime());
  }
  yield* liveProblems(rng, options.end.getTime());
}

function orderAt(rng: Rng, placedMs: number, nowMs: number, forced: Partial<{ abandon: boolean; stall: boolean }> = {}): HistoryLine {
  const country = weighted(rng, Object.entries(countries).map(([code, value]) => ({ code: code as Country, weight: value.weight }))).code;
  const profile = countries[country];
  const currency = profile.currency;
  const [low, high] = unitPrice[currency];
  const items = Array.from({ length: rng.int(1, 3) }, () => {
    const [sku, name] = rng.pick(products);
    return { sku, name, quantity: rng.chance(0.8) ? 1 : rng.int(2, 4), unitPrice: rng.int(low, high) };
  });
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  const steps: Step[] = [];
  let cursor = placedMs;
  /** Appends a step at `ms` or later (steps are listed in the order they happened); false once it would lie after now. */
  const step = (ms: number, command: string, fields: Record<string, unknown> = {}): boolean => {
    cursor = Math.max(cursor, Math.round(ms));
    if (cursor > nowMs) return false;
    steps.push({ command, at: new Date(cursor).toISOString(), ...fields });
    return true;
  };
  const line: HistoryLine = { customerId: `hist-${country.toLowerCase()}-${rng.int(1, 400)}`, currency, items, shippingAddress: addresses[profile.address], placedAt: new Date(placedMs).toISOString(), steps };
  if (forced.abandon) return line;

  // Payment: up to two attempts; an order never paid is cancelled a day later.
  let paid = false;
  for (let attempt = 0; attempt < 2 && !paid; attempt++) {
    const { method, failureRate } = weighted(rng, methodTable);
    const at = cursor + rng.int(1, attempt === 0 ? 10 : 30) * MINUTE;
    if (rng.chance(failureRate)) {
      if (!step(at, 'fail-payment', { reason: rng.pick(failReasons), method })) return line;
      if (rng.chance(0.4)) break;
    } else {
      if (!step(at, 'authorize', { amount: total, method })) return line;
      paid = true;
    }
  }
  if (!paid) {
    step(cursor + rng.int(20, 28) * HOUR, 'cancel', { reason: 'payment never completed' });
    return line;
  }
  if (!step(cursor + rng.int(2, 60) * MINUTE, 'capture')) return line;
  if (rng.chance(0.03)) {
    step(cursor + rng.int(1, 20) * HOUR, 'cancel', { reason: rng.pick(cancelReasons) });
    return line;
  }

  // Shipping: slower over the weekend; two to four hubs, each arrived then departed.
  const dispatchHours = rng.int(3, 40) + (new Date(cursor).getUTCDay() % 6 === 0 ? 24 : 0);
  const carrier = rng.pick(profile.carriers);
  if (!step(cursor + dispatchHours * HOUR, 'ship', { carrier, trackingNumber: `${carrier.slice(0, 2).toUpperCase()}${rng.int(10_000_000, 99_999_999)}`, warehouse: profile.warehouse })) return line;
  const route = [...hubsOf[country]].sort(() => rng.next() - 0.5).slice(0, rng.int(2, 3));
  let scanMs = cursor;
  const lateScans: Step[] = [];
  for (const location of route) {
    scanMs += rng.int(2, forced.stall ? 3 : 20) * HOUR;
    for (const kind of ['arrived', 'departed'] as const) {
      scanMs += kind === 'departed' ? rng.int(1, 8) * HOUR : 0;
      const scan = { location, kind, occurredAt: new Date(scanMs).toISOString() };
      if (scanMs > nowMs) return line;
      // 15% of scans reach the system hours late, after scans that happened later.
      if (rng.chance(0.15)) lateScans.push({ command: 'checkpoint', at: new Date(scanMs + rng.int(2, 12) * HOUR).toISOString(), ...scan });
      else if (!step(scanMs, 'checkpoint', scan)) return line;
      if (kind === 'arrived' && rng.chance(0.02)) step(scanMs + 30 * MINUTE, 'checkpoint', { location, kind: 'exception', occurredAt: new Date(scanMs + 30 * MINUTE).toISOString() });
    }
    if (forced.stall) break;
  }
  const flushLate = (untilMs: number) => {
    for (const late of lateScans.splice(0).sort((a, b) => a.at.localeCompare(b.at))) {
      if (Date.parse(late.at) > untilMs || !step(Date.parse(late.at), 'checkpoint', { location: late.location, kind: late.kind, occurredAt: late.occurredAt })) continue;
    }
  };
  if (forced.stall) {
    flushLate(nowMs);
    return line;
  }
  const deliveredMs = scanMs + rng.int(2, 30) * HOUR;
  flushLate(deliveredMs);
  if (!step(deliveredMs, 'deliver', { receivedBy: rng.pick(receivers) })) return line;
  if (rng.chance(0.05)) {
    const amount = rng.chance(0.5) ? total : Math.max(1, Math.round(total * rng.int(10, 60) / 100));
    step(cursor + rng.int(1, 10) * DAY, 'refund', { amount, reason: rng.pick(refundReasons) });
  }
  return line;
}

/** A few things going wrong right now, so every alert rule has a subject on a fresh start. */
function* liveProblems(rng: Rng, nowMs: number): Generator<HistoryLine> {
  // Abandoned carts: placed two to five hours ago, never paid (order-unpaid).
  for (let i = 0; i < 3; i++) yield orderAt(rng, nowMs - rng.int(2, 5) * HOUR, nowMs, { abandon: true });
  // A parcel without a scan for four days (shipment-stalled).
  yield orderAt(rng, nowMs - 6 * DAY, nowMs - 3 * DAY, { stall: true });
  // A wallet provider incident: 40% of the last quarter hour's wallet attempts declined (payment-failure-rate).
  for (let i = 0; i < 25; i++) {
    const placedMs = nowMs - rng.int(3, 14) * MINUTE;
    const order = orderAt(rng, placedMs, placedMs, { abandon: true });
    const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    const at = new Date(placedMs + rng.int(10, 90) * 1000).toISOString();
    order.steps.push(i % 5 < 2 ? { command: 'fail-payment', at, reason: 'wallet provider timeout', method: 'wallet' } : { command: 'authorize', at, amount: total, method: 'wallet' });
    yield order;
  }
}

function poisson(rng: Rng, mean: number): number {
  // Knuth's method: fine for the small hourly means used here.
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.next();
  while (product > limit) {
    count++;
    product *= rng.next();
  }
  return count;
}

function weighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let draw = rng.next() * total;
  for (const item of items) {
    draw -= item.weight;
    if (draw < 0) return item;
  }
  return items[items.length - 1];
}

/** `8w`, `10d`: the history's length in days. */
export function parseHistoryLength(text: string): number {
  const match = /^(\d{1,3})([wd])$/.exec(text);
  if (!match) throw new Error(`--history takes a length like 8w or 10d, got ${text}`);
  const days = Number(match[1]) * (match[2] === 'w' ? 7 : 1);
  if (days < 1 || days > 366) throw new Error('--history is 1 day to 52 weeks');
  return days;
}
