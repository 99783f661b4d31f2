import { randomUUID } from 'node:crypto';
import { keys } from './keys';

/**
 * Five weeks of imported order history for the console's analytics and alerts pages: three
 * orders a day with a weekly rhythm, paid, shipped through two hubs and delivered; every seventh
 * cancelled; and two orders left unpaid for days, which the `order-unpaid` rule must report.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface ImportedHistory {
  lines: number;
  unpaidOrderIds: string[];
}

export function historyLines(now = Date.now(), days = 35): { ndjson: string; unpaidOrderIds: string[] } {
  const today = Math.floor(now / DAY) * DAY;
  const lines: object[] = [];
  const address = { name: 'Grace Hopper', line1: '3 Harbour Rd', city: 'Lyon', postalCode: '69001', country: 'FR' };
  let n = 0;
  for (let day = days; day >= 1; day--) {
    const perDay = 2 + ((today / DAY - day) % 7 < 2 ? 0 : 2);
    for (let k = 0; k < perDay; k++) {
      const placed = today - day * DAY + (9 + 3 * k) * HOUR;
      const at = (hours: number) => new Date(placed + hours * HOUR).toISOString();
      const total = 1999 * (1 + (n % 3));
      const cancelled = n % 7 === 3;
      const steps = cancelled
        ? [{ command: 'cancel', at: at(0.5), reason: 'changed my mind' }]
        : [
            { command: 'authorize', at: at(0.1), amount: total, method: n % 2 ? 'card' : 'paypal' },
            { command: 'capture', at: at(0.2) },
            { command: 'ship', at: at(20), carrier: n % 2 ? 'DHL' : 'UPS', trackingNumber: `TRK-${n}`, warehouse: 'WH-LYON' },
            { command: 'checkpoint', at: at(26), location: 'Lyon hub', kind: 'arrived' },
            { command: 'checkpoint', at: at(29), location: 'Lyon hub', kind: 'departed' },
            { command: 'deliver', at: at(48), receivedBy: 'front desk' },
          ];
      lines.push({
        orderId: randomUUID(),
        customerId: `cust-hist-${n % 5}`,
        currency: 'EUR',
        items: [{ sku: `SKU-${n % 3}`, quantity: 1 + (n % 3), unitPrice: 1999 }],
        shippingAddress: address,
        placedAt: at(0),
        steps: steps.filter((step) => Date.parse(step.at) < now - 60_000),
      });
      n++;
    }
  }
  const unpaidOrderIds = [randomUUID(), randomUUID()];
  for (const orderId of unpaidOrderIds) {
    lines.push({ orderId, customerId: 'cust-hist-unpaid', currency: 'EUR', items: [{ sku: 'SKU-9', quantity: 1, unitPrice: 999 }], shippingAddress: address, placedAt: new Date(today - 3 * DAY + 10 * HOUR).toISOString(), steps: [] });
  }
  return { ndjson: `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, unpaidOrderIds };
}

/** `POST /admin/imports` (admin, NDJSON) on the command service; returns the final answer. */
export async function importHistory(commandUrl: string, ndjson: string): Promise<{ lines: number; imported: number; rejected: unknown[] }> {
  const response = await fetch(`${commandUrl}/admin/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson' },
    body: ndjson,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`import answered ${response.status}: ${text.slice(0, 500)}`);
  const last = text.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last);
}
