/**
 * Forecast accuracy measures of a rolling-origin evaluation (Hyndman & Athanasopoulos,
 * "Forecasting: Principles and Practice", 3rd ed., sec. 5.8 and 5.10; Hyndman & Koehler,
 * "Another look at measures of forecast accuracy", IJF 22(4), 2006).
 */

/** Symmetric MAPE in percent (0-200); a point where actual and forecast are both 0 counts 0. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  if (actual.length === 0) return 0;
  let sum = 0;
  actual.forEach((value, index) => {
    const denominator = Math.abs(value) + Math.abs(forecast[index]);
    if (denominator > 0) sum += (200 * Math.abs(value - forecast[index])) / denominator;
  });
  return sum / actual.length;
}

/** Mean absolute error of the in-sample seasonal-naive forecast: the MASE denominator. */
export function seasonalNaiveScale(training: readonly number[], period: number): number {
  let sum = 0;
  for (let t = period; t < training.length; t += 1) sum += Math.abs(training[t] - training[t - period]);
  return training.length > period ? sum / (training.length - period) : 0;
}

/** The seasonal-naive forecast: each point repeats the last observed value at its phase. */
export function seasonalNaive(training: readonly number[], period: number, horizon: number): number[] {
  const n = training.length;
  return Array.from({ length: horizon }, (_, index) => training[n - period + (index % period)]);
}
