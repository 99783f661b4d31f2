import { orderStreamId } from '@ordersource/domain';
import { customer, contextOf, handlerSpecification, history, now, orderId, staff } from '../../../test/support/command-handler-specification';
import { PlaceOrderCommand, PlaceOrderHandler } from './place-order.handler';
import { PlaceOrderRequest } from './place-order.request';

const spec = handlerSpecification((orders) => new PlaceOrderHandler(orders));
const { data } = history.placed('cust-a');
const body: PlaceOrderRequest = { customerId: data.customerId, currency: data.currency, items: [...data.items], shippingAddress: data.shippingAddress };
const place = (principal = staff, request = body) => new PlaceOrderCommand(orderId, request, contextOf(principal));

describe('placing an order', () => {
  it('records OrderPlaced with the total computed from the items, at version 1', async () => {
    const { result } = await spec.given([]).when(place()).then([{ type: 'OrderPlaced', data: { orderId, ...body, total: 2500 } }]);
    expect(result).toEqual({ orderId, version: 1, position: expect.any(String), status: 'PLACED' });
  });

  it('answers a retry with the same body like the first call and appends nothing', async () => {
    const given = spec.given([history.placed('cust-a')]);
    const { result } = await given.when(place()).then([]);
    const [first] = await given.store.readStream(orderStreamId(orderId));
    expect(result).toEqual({ orderId, version: 1, position: first.position, status: 'PLACED' });
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
