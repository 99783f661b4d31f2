import { bodyValidator } from '@ordersource/platform';
import { PaymentMethod, paymentMethods } from '@ordersource/domain';
import { enumOf, id64, objectOf, positiveMoney } from '@ordersource/contracts';

export interface AuthorizePaymentRequest {
  amount: number;
  method: PaymentMethod;
  paymentId?: string;
}

export const authorizePaymentSchema = objectOf({ amount: positiveMoney, method: enumOf(paymentMethods), paymentId: id64 }, ['amount', 'method']);
export const authorizePaymentRequest = bodyValidator<AuthorizePaymentRequest>(authorizePaymentSchema);
