/**
 * Additive Holt-Winters with one or two seasonal cycles, in the error-correction form of the
 * linear innovations state space model ETS(A,N,A) (Hyndman, Koehler, Ord & Snyder, "Forecasting
 * with Exponential Smoothing", Springer 2008, ch. 3 and 6), extended to two seasonal cycles as
 * Taylor's double seasonal method (J. W. Taylor, "Short-term electricity demand forecasting
 * using double seasonal exponential smoothing", J. Oper. Res. Soc. 54(8), 2003):
 *
 *   forecast  f_t   = l_{t-1} + sum_k s_k[t mod m_k]
 *   error     e_t   = y_t - f_t
 *   level     l_t   = l_{t-1} + alpha * e_t
 *   season k  s_k[t mod m_k] += gamma_k * e_t
 *
 * No trend term: order volume over a few weeks is level plus cycles, and an undamped trend
 * extrapolated over a 168-hour horizon does more harm than good. Hourly data uses cycles of 24
 * (daily) and 168 (weekly), daily data a cycle of 7.
 */

export interface SmoothingParameters {
  alpha: number;
  /** One per seasonal cycle, in the order of the periods. */
  gammas: number[];
}

export interface FittedModel {
  periods: readonly number[];
  parameters: SmoothingParameters;
  /** Variance of the one-step errors (the innovations). */
  sigma2: number;
  /** State after the last observation. */
  level: number;
  seasons: number[][];
  /** Number of observations the state has absorbed; phase of the next point is n mod m_k. */
  n: number;
}

export interface ModelForecast {
  mean: number[];
  /** Variance of the h-step error, h = 1..horizon. */
  variance: number[];
}

/** Observations needed before a fit: two of the longest cycle, for the initial seasonal state. */
export function minimumFitLength(periods: readonly number[]): number {
  return 2 * Math.max(...periods);
}

/**
 * Fits the smoothing parameters by least squares on the one-step errors: a coarse grid over
 * the admissible region (alpha + sum gamma < 1), refined by a shrinking pattern search.
 */
export function fitHoltWinters(values: readonly number[], periods: readonly number[]): FittedModel {
  if (values.length < minimumFitLength(periods)) throw new RangeError(`need at least ${minimumFitLength(periods)} observations, got ${values.length}`);
  const initial = initialState(values, periods);
  const grid = [0.01, 0.05, 0.1, 0.2, 0.35, 0.5];
  let best: { parameters: SmoothingParameters; sse: number } | null = null;
  for (const candidate of gridOf(grid, periods.length)) {
    const parameters = { alpha: candidate[0], gammas: candidate.slice(1) };
    if (!admissible(parameters)) continue;
    const sse = filter(values, periods, initial, parameters).sse;
    if (!best || sse < best.sse) best = { parameters, sse };
  }
  let current = best as { parameters: SmoothingParameters; sse: number };
  for (let step = 0.05; step >= 0.002; step /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (let index = 0; index <= periods.length; index += 1) {
        for (const delta of [step, -step]) {
          const vector = [current.parameters.alpha, ...current.parameters.gammas];
          vector[index] += delta;
          const parameters = { alpha: vector[0], gammas: vector.slice(1) };
          if (!admissible(parameters)) continue;
          const sse = filter(values, periods, initial, parameters).sse;
          if (sse < current.sse - 1e-12) {
            current = { parameters, sse };
            improved = true;
          }
        }
      }
    }
  }
  const run = filter(values, periods, initial, current.parameters);
  const freeParameters = 1 + periods.length;
  return {
    periods,
    parameters: current.parameters,
    sigma2: run.sse / Math.max(1, values.length - freeParameters),
    level: run.level,
    seasons: run.seasons,
    n: values.length,
  };
}

/**
 * Point forecasts and the exact h-step error variance of the innovations model:
 * y_{n+h} - f_{n+h} = e_{n+h} + sum_{i=1}^{h-1} c_i e_{n+h-i}, c_i = alpha + sum_k gamma_k [m_k | i]
 * (Hyndman et al. 2008, sec. 6.3), so Var_h = sigma^2 (1 + sum_{i<h} c_i^2).
 */
export function forecastHoltWinters(model: FittedModel, horizon: number): ModelForecast {
  const mean: number[] = [];
  const variance: number[] = [];
  let accumulated = 1;
  for (let h = 1; h <= horizon; h += 1) {
    const t = model.n + h - 1;
    mean.push(model.level + model.periods.reduce((sum, period, k) => sum + model.seasons[k][t % period], 0));
    if (h > 1) {
      const lag = h - 1;
      const c = model.parameters.alpha + model.periods.reduce((sum, period, k) => sum + (lag % period === 0 ? model.parameters.gammas[k] : 0), 0);
      accumulated += c * c;
    }
    variance.push(model.sigma2 * accumulated);
  }
  return { mean, variance };
}

interface InitialState {
  level: number;
  seasons: number[][];
}

/**
 * Classical decomposition of the first two longest cycles: the level is their mean, each
 * shorter cycle the mean deviation at its phase, the longer one what remains at its phase.
 */
function initialState(values: readonly number[], periods: readonly number[]): InitialState {
  const window = values.slice(0, minimumFitLength(periods));
  const level = window.reduce((sum, value) => sum + value, 0) / window.length;
  const seasons: number[][] = [];
  const residual = window.map((value) => value - level);
  for (const period of [...periods].sort((a, b) => a - b)) {
    const sums = new Array<number>(period).fill(0);
    const counts = new Array<number>(period).fill(0);
    residual.forEach((value, t) => {
      sums[t % period] += value;
      counts[t % period] += 1;
    });
    const season = sums.map((sum, phase) => sum / counts[phase]);
    residual.forEach((_, t) => (residual[t] -= season[t % period]));
    seasons[periods.indexOf(period)] = season;
  }
  return { level, seasons };
}

function filter(values: readonly number[], periods: readonly number[], initial: InitialState, parameters: SmoothingParameters) {
  let level = initial.level;
  const seasons = initial.seasons.map((season) => [...season]);
  let sse = 0;
  for (let t = 0; t < values.length; t += 1) {
    let forecast = level;
    for (let k = 0; k < periods.length; k += 1) forecast += seasons[k][t % periods[k]];
    const error = values[t] - forecast;
    sse += error * error;
    level += parameters.alpha * error;
    for (let k = 0; k < periods.length; k += 1) seasons[k][t % periods[k]] += parameters.gammas[k] * error;
  }
  return { sse, level, seasons };
}

function admissible({ alpha, gammas }: SmoothingParameters): boolean {
  return alpha > 0 && alpha < 1 && gammas.every((gamma) => gamma > 0) && alpha + gammas.reduce((sum, gamma) => sum + gamma, 0) < 1;
}

function gridOf(levels: readonly number[], seasonal: number): number[][] {
  let vectors: number[][] = levels.map((alpha) => [alpha]);
  for (let k = 0; k < seasonal; k += 1) vectors = vectors.flatMap((vector) => levels.map((gamma) => [...vector, gamma]));
  return vectors;
}
