export {
  BUCKET_MS,
  FORECAST_METHOD,
  InsufficientHistoryError,
  MAX_BACKTEST_ORIGINS,
  MAX_HORIZON,
  SEASONALITY,
  backtest,
  forecastSeries,
  requiredHistory,
} from './forecast';
export type { Accuracy, Backtest, Bucket, ForecastPoint, Seasonality, SeriesForecast, SeriesInput } from './forecast';
export { seasonalNaive, seasonalNaiveScale, smape } from './accuracy';
export { fitHoltWinters, forecastHoltWinters, minimumFitLength } from './holt-winters';
export type { FittedModel, ModelForecast, SmoothingParameters } from './holt-winters';
export { dailyDemand, gaussian, hourlyDemand, seededRandom } from './synthetic-demand';
export type { SyntheticSeries } from './synthetic-demand';
