import { runProjection } from '../../projection-runner';
import { MemoryReadStore } from '../../store/memory/memory-read-store';
import { deliveredOrderHistory, orderUuid, SEALED } from '../../testing/order-history';
import { readModelViews } from '..';
import { AUDIT_EVENTS, auditProjection } from './audit.projection';

describe('audit projection', () => {
  it('keeps one document per event with its metadata and still-sealed data', async () => {
    const orderId = orderUuid(1);
    const events = deliveredOrderHistory(orderId);
    const store = new MemoryReadStore(readModelViews);
    await runProjection(auditProjection, store, events);
    const history = await store.findPage({ view: 'audit', collection: AUDIT_EVENTS, where: [{ field: 'orderId', op: 'eq', value: orderId }], sortBy: 'version', direction: 'asc', limit: 100 });
    expect(history.items.map((entry) => entry.type)).toEqual(events.map((event) => event.type));
    expect(history.items[0]).toEqual({
      position: events[0].position,
      orderId,
      version: 1,
      type: 'OrderPlaced',
      occurredAt: events[0].occurredAt,
      recordedAt: events[0].recordedAt,
      actor: 'operator-1',
      correlationId: events[0].metadata.correlationId,
      hash: events[0].hash,
      data: expect.objectContaining({ shippingAddress: SEALED('address') }),
    });
    // The audit head keeps only the version guard.
    expect(await store.loadHeads('audit', [orderId])).toEqual(new Map([[orderId, { version: 10, document: null }]]));
  });
});
