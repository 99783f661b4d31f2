/**
 * Forecast cost on 8 weeks of hourly data (1,344 buckets): the fit alone, and a whole answer
 * (fit, 4-origin rolling backtest with a refit at each origin, intervals), beside the floor of
 * the seasonal-naive baseline doing the same backtest. Median of several runs, in milliseconds.
 */
import type { BenchRow, BenchTable } from '@ordersource/platform';
import { seasonalNaive } from '../accuracy';
import { forecastSeries } from '../forecast';
import { fitHoltWinters } from '../holt-winters';
import { hourlyDemand } from '../synthetic-demand';

const WEEK = 168;

export function benchForecast(options: { runs?: number } = {}): BenchTable {
  const runs = options.runs ?? 7;
  const values = hourlyDemand(8 * WEEK, 11).values;
  const start = '2026-01-05T00:00:00.000Z';
  const floor = median(runs, () => {
    for (let k = 1; k <= 4; k += 1) seasonalNaive(values.slice(0, values.length - k * WEEK), WEEK, WEEK);
  });
  const row = (name: string, value: number): BenchRow => ({ name, unit: 'ms', value: round(value), floor: round(floor), ratio: Number((value / Math.max(floor, 1e-3)).toFixed(1)) });
  return {
    section: 'forecast',
    rows: [
      row('fit: double seasonal Holt-Winters (24, 168), 8 weeks hourly', median(runs, () => fitHoltWinters(values, [24, 168]))),
      row('GET /analytics/forecast work, horizon 24 (fit + 4-origin backtest)', median(runs, () => forecastSeries({ bucket: 'hour', start, values, horizon: 24 }))),
      row('GET /analytics/forecast work, horizon 168 (fit + 4-origin backtest)', median(runs, () => forecastSeries({ bucket: 'hour', start, values, horizon: WEEK }))),
      { name: 'floor: seasonal-naive, same 4-origin backtest', unit: 'ms', value: round(floor) },
    ],
    notes: [`median of ${runs} runs; one CPU core, in process`],
  };
}

function median(runs: number, work: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
