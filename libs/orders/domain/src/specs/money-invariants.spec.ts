import { decide } from '../decide';
import { initialState } from '../state';
import {
  authorizePayment,
  given,
  historyIn,
  items,
  placeOrder,
  refundPayment,
  total,
} from './support/order-fixtures';

describe('money and invariants', () => {
  describe('placing an order', () => {
    it('computes the total as the sum of quantity times unit price', () => {
      const order = placeOrder({
        items: [
          { sku: 'A', quantity: 3, unitPrice: 333 },
          { sku: 'B', quantity: 1000, unitPrice: 1_000_000_000 },
        ],
      });
      given([])
        .when(order)
        .then([expect.objectContaining({ data: expect.objectContaining({ total: 999 + 1_000_000_000_000 }) })])
        .andState({ total: 1_000_000_000_999 });
    });

    it('accepts free items and a total of zero', () => {
      given([])
        .when(placeOrder({ items: [{ sku: 'GIFT', quantity: 1, unitPrice: 0 }] }))
        .then([expect.objectContaining({ data: expect.objectContaining({ total: 0 }) })]);
    });

    it('rejects an order without items', () => {
      const error = given([]).when(placeOrder({ items: [] })).thenThrows('order-has-no-items');
      expect(error.kind).toBe('invalid');
    });

    it.each([0, -1, 1.5, Number.NaN])('rejects a quantity of %p', (quantity) => {
      const error = given([])
        .when(placeOrder({ items: [items[0], { ...items[1], quantity }] }))
        .thenThrows('invalid-quantity');
      expect(error.path).toBe('items[1].quantity');
    });

    it.each([-1, 19.99, Number.POSITIVE_INFINITY])('rejects a unit price of %p', (unitPrice) => {
      const error = given([])
        .when(placeOrder({ items: [{ ...items[0], unitPrice }] }))
        .thenThrows('invalid-unit-price');
      expect(error.path).toBe('items[0].unitPrice');
    });

    it('rejects a total beyond the safe integer range', () => {
      given([])
        .when(placeOrder({ items: [{ sku: 'X', quantity: 2, unitPrice: Number.MAX_SAFE_INTEGER }] }))
        .thenThrows('total-out-of-range');
    });

    it.each(['eur', 'EURO', 'E1R', ''])('rejects the currency %p', (currency) => {
      given([]).when(placeOrder({ currency })).thenThrows('invalid-currency');
    });

    it('reports an invalid order as invalid even when the id is taken', () => {
      given(historyIn.PAID()).when(placeOrder({ items: [] })).thenThrows('order-has-no-items');
    });
  });

  describe('authorizing a payment', () => {
    it.each([-1, 0.5])('rejects an amount of %p as invalid', (amount) => {
      given(historyIn.PLACED()).when(authorizePayment({ amount })).thenThrows('invalid-amount');
    });

    it('authorizes an order with a total of zero for zero', () => {
      const placed = decide(placeOrder({ items: [{ sku: 'GIFT', quantity: 1, unitPrice: 0 }] }), initialState);
      given(placed)
        .when(authorizePayment({ amount: 0 }))
        .then([expect.objectContaining({ type: 'PaymentAuthorized', data: expect.objectContaining({ amount: 0 }) })])
        .andState({ status: 'PAYMENT_AUTHORIZED', authorized: 0 });
    });

    it('rejects an amount above the total', () => {
      given(historyIn.PLACED()).when(authorizePayment({ amount: total + 1 })).thenThrows('amount-mismatch');
    });
  });

  describe('refunding', () => {
    it.each([0, -5, 10.5])('rejects an amount of %p as invalid', (amount) => {
      const error = given(historyIn.PAID()).when(refundPayment({ amount })).thenThrows('invalid-amount');
      expect(error.kind).toBe('invalid');
    });

    it('refunds the smallest unit', () => {
      given(historyIn.PAID())
        .when(refundPayment({ amount: 1 }))
        .then([expect.objectContaining({ data: expect.objectContaining({ amount: 1, full: false }) })])
        .andState({ status: 'PAID', refunded: 1 });
    });
  });
});
