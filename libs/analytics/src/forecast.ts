/**
 * The forecast of API.md GET /analytics/forecast, pure: a bucketed series in, the fitted
 * method's prediction with 80% and 95% intervals and an honest rolling-origin backtest against
 * the seasonal-naive baseline out. Who builds the series (the query service from the analytics
 * view, the alert evaluator) is not this library's business.
 */
import { seasonalNaive, seasonalNaiveScale, smape } from './accuracy';
import { fitHoltWinters, forecastHoltWinters, minimumFitLength } from './holt-winters';

export type Bucket = 'hour' | 'day';

export const BUCKET_MS: Readonly<Record<Bucket, number>> = { hour: 3_600_000, day: 86_400_000 };
export const MAX_HORIZON: Readonly<Record<Bucket, number>> = { hour: 168, day: 90 };

export interface Seasonality {
  name: 'daily' | 'weekly';
  /** In buckets. */
  period: number;
}

/** Hourly data has a daily and a weekly cycle; daily data only the weekly one. */
export const SEASONALITY: Readonly<Record<Bucket, readonly Seasonality[]>> = {
  hour: [
    { name: 'daily', period: 24 },
    { name: 'weekly', period: 168 },
  ],
  day: [{ name: 'weekly', period: 7 }],
};

export const FORECAST_METHOD: Readonly<Record<Bucket, string>> = {
  hour: 'holt-winters-double-seasonal-additive',
  day: 'holt-winters-additive',
};

/** At most this many origins in the rolling-origin backtest (fewer when history is short). */
export const MAX_BACKTEST_ORIGINS = 4;

export interface SeriesInput {
  bucket: Bucket;
  /** Start of the first bucket (ISO 8601 UTC); the series is contiguous from there. */
  start: string;
  /** One value per bucket, oldest first; empty buckets are 0, not missing. */
  values: readonly number[];
  horizon: number;
}

export interface Accuracy {
  /** Symmetric MAPE in percent (0-200). */
  smape: number;
  /** Mean absolute scaled error; null when the training data is constant at its weekly lag. */
  mase: number | null;
}

export interface Backtest extends Accuracy {
  origins: number;
  horizon: number;
  baseline: Accuracy & { method: 'seasonal-naive' };
}

export interface ForecastPoint {
  at: string;
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface SeriesForecast {
  method: string;
  trainedOn: { from: string; to: string; points: number };
  seasonality: Seasonality[];
  backtest: Backtest;
  points: ForecastPoint[];
}

/** There is too little history to fit the method and backtest it at the requested horizon. */
export class InsufficientHistoryError extends Error {
  override readonly name = 'InsufficientHistoryError';
  constructor(
    readonly points: number,
    readonly required: number,
  ) {
    super(`the forecast needs at least ${required} buckets of history, there are ${points}`);
  }
}

/** Buckets of history the forecast needs: two longest cycles to fit, plus one backtest horizon. */
export function requiredHistory(bucket: Bucket, horizon: number): number {
  return minimumFitLength(periodsOf(bucket)) + horizon;
}

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

export function forecastSeries(input: SeriesInput): SeriesForecast {
  const { bucket, values, horizon } = input;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON[bucket]) throw new RangeError(`horizon must be 1-${MAX_HORIZON[bucket]} for ${bucket}`);
  const required = requiredHistory(bucket, horizon);
  if (values.length < required) throw new InsufficientHistoryError(values.length, required);
  const periods = periodsOf(bucket);
  const model = fitHoltWinters(values, periods);
  const predicted = forecastHoltWinters(model, horizon);
  const startMs = Date.parse(input.start);
  const step = BUCKET_MS[bucket];
  const points = predicted.mean.map((mean, index) => {
    const sd = Math.sqrt(predicted.variance[index]);
    // Counts and amounts cannot be negative: the bands are cut at zero (which only adds coverage).
    const floor = (value: number) => Math.max(0, value);
    return {
      at: new Date(startMs + (values.length + index) * step).toISOString(),
      value: floor(mean),
      lower80: floor(mean - Z80 * sd),
      upper80: floor(mean + Z80 * sd),
      lower95: floor(mean - Z95 * sd),
      upper95: floor(mean + Z95 * sd),
    };
  });
  return {
    method: FORECAST_METHOD[bucket],
    trainedOn: { from: new Date(startMs).toISOString(), to: new Date(startMs + values.length * step).toISOString(), points: values.length },
    seasonality: SEASONALITY[bucket].map((season) => ({ ...season })),
    backtest: backtest(values, periods, horizon),
    points,
  };
}

/**
 * Rolling origin: the last `origins` blocks of `horizon` buckets are each forecast from a model
 * refitted on everything before them, and so is the seasonal-naive baseline (lag = the longest
 * cycle). Errors are pooled over all origins; MASE scales each origin's errors by its own
 * training set's in-sample seasonal-naive MAE.
 */
export function backtest(values: readonly number[], periods: readonly number[], horizon: number): Backtest {
  const season = Math.max(...periods);
  const origins = Math.min(MAX_BACKTEST_ORIGINS, Math.floor((values.length - minimumFitLength(periods)) / horizon));
  const actual: number[] = [];
  const method: number[] = [];
  const baseline: number[] = [];
  const scaledMethod: number[] = [];
  const scaledBaseline: number[] = [];
  let unscalable = false;
  for (let k = origins; k >= 1; k -= 1) {
    const origin = values.length - k * horizon;
    const training = values.slice(0, origin);
    const held = values.slice(origin, origin + horizon);
    const fitted = forecastHoltWinters(fitHoltWinters(training, periods), horizon).mean.map((value) => Math.max(0, value));
    const naive = seasonalNaive(training, season, horizon);
    const scale = seasonalNaiveScale(training, season);
    if (scale === 0) unscalable = true;
    held.forEach((value, index) => {
      actual.push(value);
      method.push(fitted[index]);
      baseline.push(naive[index]);
      scaledMethod.push(Math.abs(value - fitted[index]) / scale);
      scaledBaseline.push(Math.abs(value - naive[index]) / scale);
    });
  }
  const mean = (list: number[]) => (unscalable ? null : list.reduce((sum, value) => sum + value, 0) / list.length);
  return {
    origins,
    horizon,
    smape: smape(actual, method),
    mase: mean(scaledMethod),
    baseline: { method: 'seasonal-naive', smape: smape(actual, baseline), mase: mean(scaledBaseline) },
  };
}

function periodsOf(bucket: Bucket): number[] {
  return SEASONALITY[bucket].map((season) => season.period);
}
