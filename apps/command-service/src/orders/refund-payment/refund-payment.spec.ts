import { contextOf, handlerSpecification, history, orderId } from '../../../test/support/command-handler-specification';
import { RefundPaymentCommand, RefundPaymentHandler } from './refund-payment.handler';

const spec = handlerSpecification((orders) => new RefundPaymentHandler(orders));
const refund = (amount: number) => new RefundPaymentCommand(orderId, { amount, reason: 'damaged' }, contextOf({ role: 'admin', subject: 'adm.k1' }));
const paid = [history.placed('cust-a'), history.authorized(), history.captured()];

describe('refunding a payment', () => {
  it('keeps a partly refunded order PAID', async () => {
    const { result } = await spec.given(paid).when(refund(500)).then([{ type: 'PaymentRefunded', data: { orderId, amount: 500, reason: 'damaged', full: false } }]);
    expect(result.status).toBe('PAID');
  });

  it('ends a paid order as REFUNDED when the refund is full', async () => {
    const { result } = await spec.given(paid).when(refund(2500)).then([{ type: 'PaymentRefunded', data: { orderId, amount: 2500, reason: 'damaged', full: true } }]);
    expect(result.status).toBe('REFUNDED');
  });

  it('refuses more than was captured', async () => {
    await spec.given(paid).when(refund(2501)).thenThrows({ rule: 'refund-exceeds-captured' });
  });
});
