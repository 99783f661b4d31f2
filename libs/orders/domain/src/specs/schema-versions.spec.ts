import { formatOrderNumber, isOrderNumber, orderNumberYear } from '../order-number';
import { orderUpcasters } from '../upcasters';

// The event store's Upcasting chains these; its contract suite proves the chaining.
const upcastOrderEvent = <E extends { type: string; schemaVersion: number; data: object }>(event: E): E =>
  orderUpcasters.find((upcaster) => upcaster.type === event.type && upcaster.fromSchemaVersion === event.schemaVersion)?.upcast(event) ?? event;

describe('OrderPlaced version 1, as stored before channels and numbers existed', () => {
  const v1 = { type: 'OrderPlaced', schemaVersion: 1, data: { orderId: 'o-1', customerId: 'c', currency: 'EUR', items: [], total: 0 }, occurredAt: '2025-01-01T00:00:00.000Z', hash: 'h' };

  it('reads as version 2 placed on the web, every other field as stored', () => {
    expect(upcastOrderEvent(v1)).toEqual({ ...v1, schemaVersion: 2, data: { ...v1.data, channel: 'web' } });
  });

  it('leaves the stored object untouched (the hash covers it)', () => {
    const before = JSON.stringify(v1);
    upcastOrderEvent(v1);
    expect(JSON.stringify(v1)).toBe(before);
  });

  it('passes version 2 and other event types through as they are', () => {
    const v2 = { ...v1, schemaVersion: 2, data: { ...v1.data, channel: 'pos' } };
    const captured = { type: 'PaymentCaptured', schemaVersion: 1, data: { orderId: 'o-1', amount: 1 } };
    expect(upcastOrderEvent(v2)).toBe(v2);
    expect(upcastOrderEvent(captured)).toBe(captured);
  });
});

describe('order numbers', () => {
  it('pads n to six digits and grows past them', () => {
    expect(formatOrderNumber(2026, 4211)).toBe('OS-2026-004211');
    expect(formatOrderNumber(2026, 1_234_567)).toBe('OS-2026-1234567');
    expect([formatOrderNumber(2026, 1), formatOrderNumber(2026, 1_234_567)].every(isOrderNumber)).toBe(true);
  });

  it('takes the UTC year of the placement', () => {
    expect(orderNumberYear('2025-12-31T23:59:59.999Z')).toBe(2025);
    expect(orderNumberYear('2026-01-01T00:00:00.000Z')).toBe(2026);
  });

  it('tells an order number from other text', () => {
    expect(['OS-2026-00421', 'os-2026-004211', 'OS-26-004211', 'OS-2026-004211 '].some(isOrderNumber)).toBe(false);
  });
});
