/**
 * Query strings of the analytics routes (API.md "v2 additions"): windows `[from, to)` in
 * business time, required, at most 31 days for hourly buckets and 400 days otherwise.
 */
import { problems, queryValidator } from '@ordersource/platform';
import { instant } from '../query-schemas';

const DAY_MS = 86_400_000;
export const MAX_WINDOW_DAYS = { hour: 31, day: 400 } as const;

const window = { from: instant, to: instant };
const required = ['from', 'to'];

export const ordersQuery = queryValidator<{ from: string; to: string; bucket: 'hour' | 'day'; groupBy?: 'country' | 'currency' | 'paymentMethod' | 'carrier' | 'channel' }>({
  type: 'object',
  additionalProperties: false,
  required: [...required, 'bucket'],
  properties: { ...window, bucket: { type: 'string', enum: ['hour', 'day'] }, groupBy: { type: 'string', enum: ['country', 'currency', 'paymentMethod', 'carrier', 'channel'] } },
});

export const windowQuery = queryValidator<{ from: string; to: string }>({ type: 'object', additionalProperties: false, required, properties: window });

export const durationsQuery = queryValidator<{ from: string; to: string; groupBy?: 'carrier' | 'warehouse' }>({
  type: 'object',
  additionalProperties: false,
  required,
  properties: { ...window, groupBy: { type: 'string', enum: ['carrier', 'warehouse'] } },
});

export const forecastQuery = queryValidator<{ metric: 'placed' | 'revenue'; bucket: 'hour' | 'day'; horizon: number; currency?: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['metric', 'bucket', 'horizon'],
  properties: {
    metric: { type: 'string', enum: ['placed', 'revenue'] },
    bucket: { type: 'string', enum: ['hour', 'day'] },
    horizon: { type: 'integer', minimum: 1, maximum: 168 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
});

/** The window, normalised, after the checks JSON Schema cannot express. */
export function checkedWindow(query: { from: string; to: string }, bucket: 'hour' | 'day' = 'day'): { from: string; to: string } {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (!(from < to)) throw problems.invalidRequest([{ path: 'from', message: 'must be before to' }]);
  if (to - from > MAX_WINDOW_DAYS[bucket] * DAY_MS) {
    throw problems.invalidRequest([{ path: 'to', message: `must be at most ${MAX_WINDOW_DAYS[bucket]} days after from for bucket=${bucket}` }]);
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

export function checkedForecast(query: { metric: 'placed' | 'revenue'; bucket: 'hour' | 'day'; horizon: number; currency?: string }) {
  if (query.bucket === 'day' && query.horizon > 90) throw problems.invalidRequest([{ path: 'horizon', message: 'must be at most 90 for bucket=day' }]);
  if (query.metric === 'revenue' && !query.currency) throw problems.invalidRequest([{ path: 'currency', message: 'is required for metric=revenue' }]);
  if (query.metric === 'placed' && query.currency) throw problems.invalidRequest([{ path: 'currency', message: 'is only for metric=revenue' }]);
  return query;
}
