import { availableParallelism } from 'node:os';
import { DEFAULT_WORKER_LIMIT, commandWorkers, poolSizePerWorker, processesOfThisService, usableCores } from './cluster';

describe('COMMAND_WORKERS', () => {
  it('runs one process per usable core by default, at most 4; as many as asked; always one without DATABASE_URL (embedded PostgreSQL)', () => {
    const url = { DATABASE_URL: 'postgres://x' };
    for (const cores of [1, 2, 3, 4, 16]) {
      expect(commandWorkers(url, () => cores)).toBe(Math.min(cores, DEFAULT_WORKER_LIMIT));
      expect(commandWorkers({ ...url, COMMAND_WORKERS: '' }, () => cores)).toBe(Math.min(cores, DEFAULT_WORKER_LIMIT));
    }
    expect(commandWorkers({ ...url, COMMAND_WORKERS: '1' }, () => 16)).toBe(1);
    expect(commandWorkers({ ...url, COMMAND_WORKERS: '8' }, () => 2)).toBe(8);
    expect(commandWorkers({}, () => 16)).toBe(1);
    expect(commandWorkers({ COMMAND_WORKERS: '4' })).toBe(1);
  });

  it('counts the cores of the CPU affinity, lowered by a cgroup v2 or v1 CPU quota (rounded up)', () => {
    const cores = availableParallelism();
    const files = (entries: Record<string, string>) => (path: string) => entries[path];
    expect(usableCores(files({}))).toBe(cores);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBe(cores);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }))).toBe(1);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(Math.min(cores, 2));
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '6400000 100000\n' }))).toBe(cores);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBe(cores);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBe(1);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': 'garbage' }))).toBe(cores);
  });

  it('sizes the pool for the processes actually serving: this one alone outside a cluster worker', () => {
    expect(processesOfThisService({ COMMAND_WORKER_COUNT: '3' })).toBe(1);
    expect(processesOfThisService({})).toBe(1);
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
