import type { ImportLine } from '../import-line';

/** A paid, shipped and delivered order with a late scan, placed at `placedAt` (test support). */
export function deliveredOrderLine(overrides: Partial<ImportLine> = {}, placedAt = '2026-03-02T09:15:00.000Z'): ImportLine {
  const at = (minutes: number) => new Date(Date.parse(placedAt) + minutes * 60_000).toISOString();
  return {
    customerId: 'cust-import-1',
    currency: 'EUR',
    items: [{ sku: 'SKU-KETTLE', name: 'Kettle', quantity: 2, unitPrice: 1999 }],
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Lane', city: 'London', postalCode: 'W1 2AB', country: 'GB' },
    placedAt,
    steps: [
      { command: 'authorize', at: at(1), amount: 3998, method: 'card' },
      { command: 'capture', at: at(2) },
      { command: 'ship', at: at(600), carrier: 'DHL', trackingNumber: 'TRK-1', warehouse: 'WH-LEIPZIG' },
      // The departure scan reached the system before the arrival scan (late scans).
      { command: 'checkpoint', at: at(800), location: 'Leipzig hub', kind: 'departed', occurredAt: at(700) },
      { command: 'checkpoint', at: at(900), location: 'Leipzig hub', kind: 'arrived', occurredAt: at(650) },
      { command: 'deliver', at: at(2000), receivedBy: 'neighbour' },
    ],
    ...overrides,
  };
}

export function ndjson(lines: readonly (object | string)[]): string {
  return `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
}
