import { decideHistory, parseImportLine } from '@ordersource/order-import';
import { generateHistory, parseHistoryLength } from './history';

const end = new Date('2026-06-10T09:20:00.000Z');
const lines = [...generateHistory({ seed: 8, days: 21, end })];

describe('npm run demo -- --history', () => {
  it('is the same for the same seed and end, and another for another seed', () => {
    expect(JSON.stringify([...generateHistory({ seed: 8, days: 21, end })])).toBe(JSON.stringify(lines));
    expect(JSON.stringify([...generateHistory({ seed: 9, days: 21, end })])).not.toBe(JSON.stringify(lines));
  });

  it('gives lines the import takes: every one passes the schema and the decider, none after the end', () => {
    let events = 0;
    for (const [index, line] of lines.entries()) {
      const parsed = parseImportLine(JSON.stringify(line));
      events += decideHistory(parsed, { orderId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, actor: 'import:t', correlationId: 'c', importId: 'i', now: end, orderNumber: 'OS-2026-000001' }).length;
      for (const step of line.steps) expect(Date.parse(step.at)).toBeLessThanOrEqual(end.getTime());
    }
    expect(lines.length).toBeGreaterThan(2000);
    expect(events / lines.length).toBeGreaterThan(5);
  });

  it('has a weekly and a daily pattern: Fridays busier than Sundays, evenings busier than nights', () => {
    const byWeekday = new Array(7).fill(0);
    const byHour = new Array(24).fill(0);
    for (const line of lines) {
      const at = new Date(line.placedAt);
      byWeekday[at.getUTCDay()]++;
      byHour[at.getUTCHours()]++;
    }
    expect(byWeekday[5]).toBeGreaterThan(byWeekday[0] * 1.4);
    expect(byHour[20]).toBeGreaterThan(byHour[3] * 8);
  });

  it('mixes countries, currencies, methods with their failure rates, carriers, late scans, cancellations and refunds', () => {
    const steps = lines.flatMap((line) => line.steps);
    expect(new Set(lines.map((line) => line.shippingAddress.country))).toEqual(new Set(['GB', 'US', 'FR', 'DE', 'SE', 'JP']));
    expect(new Set(lines.map((line) => line.currency))).toEqual(new Set(['GBP', 'USD', 'EUR', 'SEK', 'JPY']));
    const attempts = (method: string) => steps.filter((step) => (step.command === 'authorize' || step.command === 'fail-payment') && step.method === method);
    const failureRate = (method: string) => attempts(method).filter((step) => step.command === 'fail-payment').length / attempts(method).length;
    expect(failureRate('wallet')).toBeGreaterThan(failureRate('bank_transfer'));
    expect(new Set(steps.filter((step) => step.command === 'ship').map((step) => step.carrier)).size).toBeGreaterThanOrEqual(6);
    const scans = steps.filter((step) => step.command === 'checkpoint');
    expect(scans.filter((scan) => Date.parse(scan.at) - Date.parse(String(scan.occurredAt)) > 3600_000).length).toBeGreaterThan(scans.length * 0.05);
    expect(scans.some((scan) => scan.kind === 'exception')).toBe(true);
    expect(steps.filter((step) => step.command === 'cancel').length).toBeGreaterThan(20);
    expect(steps.filter((step) => step.command === 'refund').length).toBeGreaterThan(20);
  });

  it('ends with live problems for the alerts and an hour without orders', () => {
    const lastHour = Date.parse('2026-06-10T08:00:00.000Z');
    expect(lines.filter((line) => Date.parse(line.placedAt) >= lastHour && Date.parse(line.placedAt) < lastHour + 3600_000)).toEqual([]);
    const recentWallet = lines.flatMap((line) => line.steps).filter((step) => step.method === 'wallet' && Date.parse(step.at) > end.getTime() - 15 * 60_000);
    expect(recentWallet.length).toBeGreaterThanOrEqual(20);
    expect(recentWallet.filter((step) => step.command === 'fail-payment').length / recentWallet.length).toBeGreaterThan(0.2);
    const unpaid = lines.filter((line) => line.steps.length === 0 && end.getTime() - Date.parse(line.placedAt) > 2 * 3600_000);
    expect(unpaid.length).toBeGreaterThanOrEqual(3);
  });

  it('reads its length as weeks or days', () => {
    expect(parseHistoryLength('8w')).toBe(56);
    expect(parseHistoryLength('10d')).toBe(10);
    expect(() => parseHistoryLength('8 weeks')).toThrow(/8w/);
  });
});
