import { bodyValidator } from '@ordersource/platform';
import { PaymentMethod, paymentMethods } from '@ordersource/domain';
import { enumOf, objectOf, text200 } from '@ordersource/contracts';

export interface FailPaymentRequest {
  reason: string;
  method?: PaymentMethod;
}

export const failPaymentSchema = objectOf({ reason: text200, method: enumOf(paymentMethods) }, ['reason']);
export const failPaymentRequest = bodyValidator<FailPaymentRequest>(failPaymentSchema);
