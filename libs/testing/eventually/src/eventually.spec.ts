import { eventually } from './index';

describe('eventually', () => {
  it('returns the first truthy value the probe gives', async () => {
    let calls = 0;
    await expect(eventually('the third look', () => (++calls >= 3 ? { calls } : undefined), { everyMs: 0 })).resolves.toEqual({ calls: 3 });
  });

  it('waits for an async probe', async () => {
    let calls = 0;
    await expect(eventually('ready', async () => ++calls > 1)).resolves.toBe(true);
  });

  it('throws past the deadline, naming what it waited for and asking a function only then', async () => {
    const explain = jest.fn(() => 'the view caught up (last seen: 3)');
    await expect(eventually(explain, () => false, { timeoutMs: 0, everyMs: 0 })).rejects.toThrow('timed out after 0 ms waiting until the view caught up (last seen: 3)');
    expect(explain).toHaveBeenCalledTimes(1);
  });

  it('lets an error of the probe through', async () => {
    await expect(eventually('never', () => Promise.reject(new Error('connection refused')))).rejects.toThrow('connection refused');
  });
});
