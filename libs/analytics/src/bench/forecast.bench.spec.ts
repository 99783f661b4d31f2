import { benchForecast } from './forecast.bench';

describe('benchForecast', () => {
  it('times the fit and the whole answer on 8 weeks of hourly data beside the seasonal-naive floor', () => {
    const result = benchForecast({ runs: 1 });
    expect(result.section).toBe('forecast');
    expect(result.rows.map((row) => row.unit)).toEqual(['ms', 'ms', 'ms', 'ms']);
    for (const row of result.rows.slice(0, 3)) expect(row).toMatchObject({ value: expect.any(Number), floor: result.rows[3].value, ratio: expect.any(Number) });
  });
});
