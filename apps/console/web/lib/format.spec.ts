import { formatMoney, formatMoneyMap, formatSeconds, formatTime, isoToLocalInput, localInputToIso } from './format';

describe('formatting for the console', () => {
  it('shows minor units in the currency, with its own number of minor digits', () => {
    expect(formatMoney(1999, 'EUR')).toBe('€19.99');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
    expect(formatMoney(undefined, 'EUR')).toBe('–');
  });

  it('keeps money maps per currency', () => {
    expect(formatMoneyMap({ EUR: 1000, USD: 250 })).toBe('€10.00, $2.50');
    expect(formatMoneyMap({})).toBe('–');
  });

  it('shows times in UTC and reads form times as UTC', () => {
    expect(formatTime('2026-12-01T10:11:12.345Z')).toBe('2026-12-01 10:11:12 UTC');
    expect(localInputToIso('2026-12-01T10:11')).toBe('2026-12-01T10:11:00.000Z');
    expect(isoToLocalInput('2026-12-01T10:11:12.345Z')).toBe('2026-12-01T10:11');
    expect(localInputToIso('')).toBeUndefined();
  });

  it('picks a readable unit for durations', () => {
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3 * 86400)).toBe('3 d');
  });
});
