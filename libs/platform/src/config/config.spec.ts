import { ConfigError, loadConfig } from './config';

describe('loadConfig: DATABASE_POOL_MIN', () => {
  it('opens connections on demand unless set', () => {
    expect(loadConfig({}).databasePoolMin).toBe(0);
    expect(loadConfig({ DATABASE_POOL_MIN: '' }).databasePoolMin).toBe(0);
    expect(loadConfig({ DATABASE_POOL_MIN: '20' }).databasePoolMin).toBe(20);
  });

  it.each(['-1', '2.5', 'ten'])('refuses %j at start, naming the variable', (value) => {
    expect(() => loadConfig({ DATABASE_POOL_MIN: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_POOL_MIN: value })).toThrow(/DATABASE_POOL_MIN must be a non-negative integer/);
  });
});

describe('loadConfig: APPENDS_IN_FLIGHT', () => {
  it('sends one append statement at a time unless set', () => {
    expect(loadConfig({}).appendsInFlight).toBe(1);
    expect(loadConfig({ APPENDS_IN_FLIGHT: '' }).appendsInFlight).toBe(1);
    expect(loadConfig({ APPENDS_IN_FLIGHT: '4' }).appendsInFlight).toBe(4);
  });

  it.each(['0', '-1', '2.5', 'many'])('refuses %j at start, naming the variable', (value) => {
    expect(() => loadConfig({ APPENDS_IN_FLIGHT: value })).toThrow(/APPENDS_IN_FLIGHT must be a positive integer/);
  });
});
