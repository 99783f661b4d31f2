import { bodyValidator } from '@ordersource/platform';
import { objectOf, positiveMoney, text200 } from '@ordersource/contracts';

export interface RefundPaymentRequest {
  amount: number;
  reason: string;
}

export const refundPaymentSchema = objectOf({ amount: positiveMoney, reason: text200 }, ['amount', 'reason']);
export const refundPaymentRequest = bodyValidator<RefundPaymentRequest>(refundPaymentSchema);
