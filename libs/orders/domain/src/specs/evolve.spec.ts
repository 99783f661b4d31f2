import { foldOrder, orderDecider } from '../decider';
import { evolve } from '../evolve';
import { initialState, type PlacedOrder } from '../state';
import {
  checkpointRecorded,
  earlier,
  historyIn,
  orderCancelled,
  orderPlaced,
  paymentAuthorized,
  paymentCaptured,
  paymentRefunded,
  shipmentDispatched,
  total,
} from './support/order-fixtures';

describe('evolving the order from its events', () => {
  it('starts with no order', () => {
    expect(orderDecider.initialState()).toEqual({ status: null });
    expect(foldOrder([])).toBe(initialState);
  });

  it('builds the same state on every replay of the same events', () => {
    const history = historyIn.DELIVERED();
    expect(foldOrder(history)).toEqual(foldOrder(history));
  });

  it('never changes the state it is given', () => {
    const placed = foldOrder([orderPlaced()]);
    const snapshot = structuredClone(placed);
    evolve(placed, paymentAuthorized());
    expect(placed).toEqual(snapshot);
  });

  it('keeps the placing time, customer, currency and total', () => {
    expect(foldOrder([orderPlaced()])).toMatchObject({
      customerId: 'cust-42',
      currency: 'EUR',
      total,
      placedAt: earlier,
    });
  });

  it('keeps a cancelled order cancelled when its full refund is applied', () => {
    const history = [orderPlaced(), paymentAuthorized(), paymentCaptured(), orderCancelled(), paymentRefunded(total, true)];
    expect(foldOrder(history)).toMatchObject({ status: 'CANCELLED', captured: total, refunded: total });
  });

  it('keeps a shipped order shipped when refunded in full', () => {
    const history = [...historyIn.SHIPPED(), paymentRefunded(total, true)];
    expect(foldOrder(history)).toMatchObject({ status: 'SHIPPED', refunded: total });
  });

  it('leaves the state as it was for a checkpoint', () => {
    const shipped = foldOrder([orderPlaced(), paymentAuthorized(), paymentCaptured(), shipmentDispatched()]);
    const { version: _v, versions: _vs, ...facts } = shipped as PlacedOrder;
    expect(evolve(shipped, checkpointRecorded())).toMatchObject({ ...facts, version: 5 });
  });

  it('ignores events of a stream that does not begin with OrderPlaced', () => {
    expect(foldOrder([paymentAuthorized(), paymentCaptured()])).toEqual({ status: null });
  });

  it.each(Object.entries(historyIn))('reaches %s through its shortest history', (status, history) => {
    expect(foldOrder(history()).status).toBe(status);
  });
});
