import { seasonalNaive, smape } from './accuracy';
import { InsufficientHistoryError, forecastSeries, requiredHistory } from './forecast';
import { dailyDemand, hourlyDemand } from './synthetic-demand';

const MONDAY = '2026-01-05T00:00:00.000Z';
const WEEK = 168;

/**
 * Coverage of the 95% and 80% bands over held-out weeks: 12 seeded series of 8 weeks of
 * training each, forecast 168 hours ahead against the next (unseen) week. Measured once at load
 * so the figure can be stated in the test names.
 */
const coverage = (() => {
  let inside95 = 0;
  let inside80 = 0;
  let total = 0;
  for (let seed = 1; seed <= 12; seed += 1) {
    const series = hourlyDemand(9 * WEEK, seed).values;
    const answer = forecastSeries({ bucket: 'hour', start: MONDAY, values: series.slice(0, 8 * WEEK), horizon: WEEK });
    answer.points.forEach((point, index) => {
      const actual = series[8 * WEEK + index];
      if (actual >= point.lower95 && actual <= point.upper95) inside95 += 1;
      if (actual >= point.lower80 && actual <= point.upper80) inside80 += 1;
      total += 1;
    });
  }
  return { p95: inside95 / total, p80: inside80 / total, total };
})();
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

describe('forecastSeries on hourly demand with daily and weekly seasonality', () => {
  const training = hourlyDemand(8 * WEEK, 7).values;
  const answer = forecastSeries({ bucket: 'hour', start: MONDAY, values: training, horizon: 24 });

  it('beats the seasonal-naive baseline in its rolling-origin backtest (sMAPE and MASE)', () => {
    expect(answer.backtest.origins).toBe(4);
    expect(answer.backtest.horizon).toBe(24);
    expect(answer.backtest.smape).toBeLessThan(answer.backtest.baseline.smape);
    expect(answer.backtest.mase).toBeLessThan(answer.backtest.baseline.mase as number);
    expect(answer.backtest.mase).toBeLessThan(1);
  });

  it(`covers ${percent(coverage.p95)} of ${coverage.total} held-out hours with the 95% band (between 92% and 98%)`, () => {
    expect(coverage.p95).toBeGreaterThan(0.92);
    expect(coverage.p95).toBeLessThan(0.98);
  });

  it(`covers ${percent(coverage.p80)} of held-out hours with the 80% band (between 74% and 86%)`, () => {
    expect(coverage.p80).toBeGreaterThan(0.74);
    expect(coverage.p80).toBeLessThan(0.86);
  });

  it('answers contiguous buckets after the training data with nested bands around the value', () => {
    expect(answer.trainedOn).toEqual({ from: MONDAY, to: '2026-03-02T00:00:00.000Z', points: 8 * WEEK });
    expect(answer.points).toHaveLength(24);
    expect(answer.points[0].at).toBe('2026-03-02T00:00:00.000Z');
    expect(answer.points[23].at).toBe('2026-03-02T23:00:00.000Z');
    for (const point of answer.points) {
      expect(point.lower95).toBeLessThanOrEqual(point.lower80);
      expect(point.lower80).toBeLessThanOrEqual(point.value);
      expect(point.value).toBeLessThanOrEqual(point.upper80);
      expect(point.upper80).toBeLessThanOrEqual(point.upper95);
    }
    expect(answer.seasonality).toEqual([
      { name: 'daily', period: 24 },
      { name: 'weekly', period: 168 },
    ]);
  });

  it('follows the daily cycle: the forecast peak is in the afternoon, the trough at night', () => {
    const values = answer.points.map((point) => point.value);
    const peak = values.indexOf(Math.max(...values));
    const trough = values.indexOf(Math.min(...values));
    expect(peak).toBeGreaterThanOrEqual(12);
    expect(peak).toBeLessThanOrEqual(16);
    expect(trough === 0 || trough >= 22 || trough <= 4).toBe(true);
  });
});

describe('forecastSeries on daily data', () => {
  it('fits the weekly cycle and beats seasonal-naive over 4 origins of 7 days', () => {
    const answer = forecastSeries({ bucket: 'day', start: MONDAY, values: dailyDemand(120, 3).values, horizon: 7 });
    expect(answer.method).toBe('holt-winters-additive');
    expect(answer.seasonality).toEqual([{ name: 'weekly', period: 7 }]);
    expect(answer.backtest.origins).toBe(4);
    expect(answer.backtest.smape).toBeLessThan(answer.backtest.baseline.smape);
    expect(answer.points.map((point) => point.at.slice(0, 10))).toEqual(['2026-05-05', '2026-05-06', '2026-05-07', '2026-05-08', '2026-05-09', '2026-05-10', '2026-05-11']);
  });
});

describe('insufficient history', () => {
  it('needs two weekly cycles plus one backtest horizon', () => {
    expect(requiredHistory('hour', 24)).toBe(2 * WEEK + 24);
    expect(requiredHistory('day', 90)).toBe(14 + 90);
  });

  it('throws InsufficientHistoryError one bucket short, and fits with exactly enough', () => {
    const values = hourlyDemand(2 * WEEK + 24, 1).values;
    expect(() => forecastSeries({ bucket: 'hour', start: MONDAY, values: values.slice(1), horizon: 24 })).toThrow(InsufficientHistoryError);
    expect(forecastSeries({ bucket: 'hour', start: MONDAY, values, horizon: 24 }).backtest.origins).toBe(1);
  });

  it('rejects a horizon outside 1-168 hours or 1-90 days', () => {
    const values = hourlyDemand(4 * WEEK, 1).values;
    expect(() => forecastSeries({ bucket: 'hour', start: MONDAY, values, horizon: 169 })).toThrow(RangeError);
    expect(() => forecastSeries({ bucket: 'day', start: MONDAY, values, horizon: 0 })).toThrow(RangeError);
  });
});

describe('accuracy measures', () => {
  it('sMAPE is in percent and counts a point where both are zero as exact', () => {
    expect(smape([100, 0], [50, 0])).toBeCloseTo((200 * 50) / 150 / 2);
    expect(smape([0], [10])).toBe(200);
  });

  it('seasonal-naive repeats the last cycle', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6], 3, 5)).toEqual([4, 5, 6, 4, 5]);
  });

  it('MASE is null for a constant series (no scale), never a division by zero', () => {
    const answer = forecastSeries({ bucket: 'day', start: MONDAY, values: new Array<number>(30).fill(5), horizon: 3 });
    expect(answer.backtest.mase).toBeNull();
    expect(answer.points.every((point) => Math.abs(point.value - 5) < 1e-9)).toBe(true);
  });
});
