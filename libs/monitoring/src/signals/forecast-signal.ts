import { BUCKET_MS, InsufficientHistoryError, forecastSeries } from '@ordersource/analytics';
import { analyticsDocuments, analyticsFigures, type ReadStore } from '@ordersource/read-models';
import type { HourForecast, VolumeForecast } from '../signals.port';

/**
 * VolumeForecast from libs/analytics (issue 12's forecast, the one GET /analytics/forecast
 * serves): placed orders per hour from the analytics view, a one-step forecast trained on every
 * complete hour before the last one, and the last hour's actual count. The answer for an hour
 * never changes once the hour is over, so it is computed once per hour, not every evaluation.
 */
export function volumeForecastFromAnalytics(store: Pick<ReadStore, 'findPage'>): VolumeForecast {
  let cached: { hour: string; answer: HourForecast | null } | undefined;
  return {
    async lastCompleteHour(now) {
      const step = BUCKET_MS.hour;
      const hourMs = Math.floor(now.getTime() / step) * step - step;
      const hour = new Date(hourMs).toISOString();
      if (cached?.hour === hour) return cached.answer;
      const documents = await analyticsDocuments(store);
      const through = analyticsFigures.metricHistory(documents, { metric: 'placed', bucket: 'hour', until: new Date(hourMs + step).toISOString() });
      const values = through.values;
      let answer: HourForecast | null = null;
      // The last value is the hour under test; the forecast may only know the ones before it.
      if (values.length > 1 && Date.parse(through.start) + (values.length - 1) * step === hourMs) {
        try {
          const forecast = forecastSeries({ bucket: 'hour', start: through.start, values: values.slice(0, -1), horizon: 1 });
          const [point] = forecast.points;
          answer = { hour, actual: values[values.length - 1], expected: point.value, lower95: point.lower95, upper95: point.upper95 };
        } catch (error) {
          if (!(error instanceof InsufficientHistoryError)) throw error;
        }
      }
      cached = { hour, answer };
      return answer;
    },
  };
}
