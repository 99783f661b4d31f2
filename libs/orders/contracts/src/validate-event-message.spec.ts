import { randomUUID } from 'node:crypto';
import { orderEventTypes } from '@ordersource/domain';
import { EventHeaders, toKafkaRecord, type EventMessage } from './event-message';
import { knownEventShapes, validateEventMessage } from './validate-event-message';

const sealed = () => ({ $sealed: 1, keyId: randomUUID(), iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VjcmV0', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' });

function message(overrides: Partial<EventMessage> = {}): EventMessage {
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    streamId: `order-${orderId}`,
    orderId,
    version: 1,
    position: '42',
    type: 'OrderPlaced',
    schemaVersion: 1,
    data: {
      orderId,
      customerId: 'c-1',
      currency: 'EUR',
      items: [{ sku: 'sku-1', quantity: 2, unitPrice: 1999 }],
      total: 3998,
      shippingAddress: sealed(),
    },
    metadata: { correlationId: 'corr-1', causationId: 'req-1', actor: 'operator' },
    occurredAt: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:00.123Z',
    hash: 'a'.repeat(64),
    previousHash: null,
    ...overrides,
  };
}

describe('validateEventMessage', () => {
  it('accepts a stored OrderPlaced whose shipping address is sealed', () => {
    expect(validateEventMessage(message())).toEqual({ valid: true });
  });

  it('rejects a personal field published in plaintext', () => {
    const plain = message();
    (plain.data as Record<string, unknown>).shippingAddress = { name: 'Ann', line1: 'x', city: 'y', postalCode: '1', country: 'DE' };
    const result = validateEventMessage(plain);
    expect(result.valid).toBe(false);
    expect(result.valid === false && result.errors.some((e) => e.path.startsWith('/data/shippingAddress'))).toBe(true);
  });

  it('rejects a message whose type and schema version have no schema', () => {
    expect(validateEventMessage(message({ schemaVersion: 3 }))).toEqual({
      valid: false,
      errors: [{ path: '/type', message: 'no schema for OrderPlaced v3' }],
    });
  });

  it('accepts an OrderPlaced v2 with its channel and number, and refuses one without a channel', () => {
    const v1 = message();
    const v2 = { ...v1, schemaVersion: 2, data: { ...v1.data, channel: 'marketplace', orderNumber: 'OS-2026-004211' } };
    expect(validateEventMessage(v2)).toEqual({ valid: true });
    const { channel: _channel, ...withoutChannel } = v2.data;
    expect(validateEventMessage({ ...v2, data: withoutChannel }).valid).toBe(false);
    expect(validateEventMessage({ ...v2, data: { ...v2.data, channel: 'email' } }).valid).toBe(false);
  });

  it('rejects an envelope missing its hash or carrying an unknown field', () => {
    const { hash: _hash, ...withoutHash } = message();
    expect(validateEventMessage(withoutHash).valid).toBe(false);
    expect(validateEventMessage({ ...message(), extra: true }).valid).toBe(false);
  });

  it('rejects an orderId that does not match the stream or the data', () => {
    expect(validateEventMessage(message({ orderId: randomUUID() })).valid).toBe(false);
  });

  it('has a schema for every event type of the domain', () => {
    // Version 1 of each stays on the topic forever; OrderPlaced gained v2 (issue 15).
    expect(knownEventShapes().sort()).toEqual([...orderEventTypes.map((type) => `${type}/v1`), 'OrderPlaced/v2'].sort());
  });

  it('puts the order id in the key and the event identity in the headers', () => {
    const value = message();
    const record = toKafkaRecord(value);
    expect(record.key).toBe(value.orderId);
    expect(JSON.parse(record.value)).toEqual(value);
    expect(record.headers).toEqual({
      [EventHeaders.eventId]: value.eventId,
      [EventHeaders.type]: 'OrderPlaced',
      [EventHeaders.schemaVersion]: '1',
      [EventHeaders.streamVersion]: '1',
      [EventHeaders.position]: '42',
      [EventHeaders.correlationId]: 'corr-1',
      [EventHeaders.causationId]: 'req-1',
    });
  });
});
