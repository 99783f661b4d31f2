import { orderStateAt } from './time-travel';
import { auditEntry } from './projections/audit/audit.projection';
import { at, deliveredOrderHistory, orderUuid } from './testing/order-history';

describe('orderStateAt', () => {
  const orderId = orderUuid(1);
  const history = deliveredOrderHistory(orderId);

  it('folds audit entries up to a version into the tracking view as it stood then', () => {
    const asOfVersion = 4;
    const state = orderStateAt(history.filter((event) => event.version <= asOfVersion).map(auditEntry).reverse());
    expect(state).toMatchObject({ orderId, status: 'SHIPPED', payment: { status: 'CAPTURED' }, shipment: { carrier: 'DHL', lastCheckpoint: null }, updatedAt: at(180), version: 4 });
  });

  it('gives the same view as the projection for the whole history', () => {
    expect(orderStateAt(history.map(auditEntry))).toEqual(orderStateAt(history));
    expect(orderStateAt(history)).toMatchObject({ status: 'DELIVERED', version: 10 });
  });

  it('is null before the order existed', () => {
    expect(orderStateAt([])).toBeNull();
  });
});
