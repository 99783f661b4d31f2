import { customer, contextOf, handlerSpecification, history, orderId, staff } from '../../../test/support/command-handler-specification';
import { StreamVersionMismatchError } from '../handle-command';
import { CancelOrderCommand, CancelOrderHandler } from './cancel-order.handler';

const spec = handlerSpecification((orders) => new CancelOrderHandler(orders));
const cancel = (principal = staff, extra = {}) => new CancelOrderCommand(orderId, { reason: 'changed my mind' }, contextOf(principal, extra));

describe('cancelling an order', () => {
  it('cancels a placed order and answers its new version and status', async () => {
    const { result } = await spec
      .given([history.placed('cust-a')])
      .when(cancel())
      .then([{ type: 'OrderCancelled', data: { orderId, reason: 'changed my mind', authorizationVoided: false } }]);
    expect(result).toMatchObject({ orderId, version: 2, status: 'CANCELLED' });
  });

  it('voids an authorization it cancels', async () => {
    await spec
      .given([history.placed('cust-a'), history.authorized()])
      .when(cancel(customer('cust-a')))
      .then([{ type: 'OrderCancelled', data: { orderId, reason: 'changed my mind', authorizationVoided: true } }]);
  });

  it('refuses an unknown order as order-not-found', async () => {
    await spec.given([]).when(cancel()).thenThrows({ status: 404, rule: 'order-not-found' });
  });

  it("answers a customer cancelling another customer's order as an unknown order, appending nothing", async () => {
    await spec.given([history.placed('cust-b')]).when(cancel(customer('cust-a'))).thenThrows({ status: 404, rule: 'order-not-found' });
  });

  it("hides another customer's order even behind a stale If-Match (404, not 412)", async () => {
    await spec.given([history.placed('cust-b')]).when(cancel(customer('cust-a'), { expectedVersion: 9 })).thenThrows({ status: 404 });
  });

  it('refuses a stale If-Match before deciding', async () => {
    await spec.given([history.placed('cust-a')]).when(cancel(staff, { expectedVersion: 5 })).thenThrows(StreamVersionMismatchError);
  });
});
