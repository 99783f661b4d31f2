import { orderStreamId } from '@ordersource/domain';
import { countingSequences, customer, contextOf, handlerSpecification, history, now, orderId, staff } from '../../../test/support/command-handler-specification';
import { PlaceOrderCommand, PlaceOrderHandler } from './place-order.handler';
import { PlaceOrderRequest } from './place-order.request';

const spec = handlerSpecification((orders) => new PlaceOrderHandler(orders, countingSequences()));
const { data } = history.placed('cust-a');
const body: PlaceOrderRequest = { customerId: data.customerId, currency: data.currency, items: [...data.items], shippingAddress: data.shippingAddress };
// The fixture's order was numbered OS-2026-000001; the counting sequences start at 1 too.
const firstNumber = 'OS-2026-000001';
const place = (principal = staff, request = body) => new PlaceOrderCommand(orderId, request, contextOf(principal));

describe('placing an order', () => {
  it('records OrderPlaced with the total computed from the items, at version 1', async () => {
    const { result } = await spec.given([]).when(place()).then([{ type: 'OrderPlaced', data: { orderId, ...body, total: 2500, channel: 'web', orderNumber: firstNumber } }]);
    expect(result).toEqual({ orderId, version: 1, position: expect.any(String), status: 'PLACED', orderNumber: firstNumber });
  });

  it('records the channel the body names, and numbers the order in the year of the request', async () => {
    const request = new PlaceOrderCommand(orderId, { ...body, channel: 'pos' }, contextOf(staff, { now: '2027-01-01T00:00:00.000Z' }));
    const { result } = await spec.given([]).when(request).then([{ type: 'OrderPlaced', data: { orderId, ...body, total: 2500, channel: 'pos', orderNumber: 'OS-2027-000001' } }]);
    expect(result.orderNumber).toBe('OS-2027-000001');
  });

  it('answers a retry with the same body like the first call and appends nothing', async () => {
    const given = spec.given([history.placed('cust-a')]);
    const { result } = await given.when(place()).then([]);
    const [first] = await given.store.readStream(orderStreamId(orderId));
    expect(result).toEqual({ orderId, version: 1, position: first.position, status: 'PLACED', orderNumber: data.orderNumber });
  });

  it('refuses the same orderId placed on another channel as order-already-exists', async () => {
    await spec.given([history.placed('cust-a')]).when(place(staff, { ...body, channel: 'app' })).thenThrows({ status: 409, rule: 'order-already-exists' });
  });

  it('refuses the same orderId with another body as order-already-exists', async () => {
    await spec.given([history.placed('cust-a')]).when(place(staff, { ...body, currency: 'USD' })).thenThrows({ status: 409, rule: 'order-already-exists' });
  });

  it("answers a customer retrying another customer's orderId as an unknown order", async () => {
    await spec.given([history.placed('cust-b')]).when(place(customer('cust-a'))).thenThrows({ status: 404, rule: 'order-not-found' });
  });

  it("stamps the event with the request's time, actor and correlation, never a clock", async () => {
    const given = spec.given([]);
    await given.when(place(customer('cust-a'))).then([expect.objectContaining({ type: 'OrderPlaced' })]);
    const [placed] = await given.store.readStream(orderStreamId(orderId));
    expect(placed).toMatchObject({ occurredAt: now, metadata: { actor: 'customer:cust-a', correlationId: 'corr-1', causationId: 'req-1', customerId: 'cust-a', requestedAt: now } });
  });
});
