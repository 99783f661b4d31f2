import { commandWorkers, poolSizePerWorker } from './cluster';

describe('COMMAND_WORKERS', () => {
  it('runs one process unless asked for more, and always one without DATABASE_URL (embedded PostgreSQL)', () => {
    expect(commandWorkers({ DATABASE_URL: 'postgres://x' })).toBe(1);
    expect(commandWorkers({ DATABASE_URL: 'postgres://x', COMMAND_WORKERS: '' })).toBe(1);
    expect(commandWorkers({ DATABASE_URL: 'postgres://x', COMMAND_WORKERS: '2' })).toBe(2);
    expect(commandWorkers({ COMMAND_WORKERS: '4' })).toBe(1);
  });

  it('refuses a count that is not a positive integer', () => {
    for (const raw of ['0', '-1', '1.5', 'two', '100000']) {
      expect(() => commandWorkers({ DATABASE_URL: 'postgres://x', COMMAND_WORKERS: raw })).toThrow(/COMMAND_WORKERS must be an integer/);
    }
  });

  it("shares the service's 20 PostgreSQL connections among its workers, at least 4 each", () => {
    expect([1, 2, 3, 8].map(poolSizePerWorker)).toEqual([20, 10, 7, 4]);
  });
});
