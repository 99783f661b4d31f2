import { bodyValidator } from '@ordersource/platform';
import { objectOf, text200 } from '@ordersource/contracts';

export interface CancelOrderRequest {
  reason: string;
}

export const cancelOrderSchema = objectOf({ reason: text200 }, ['reason']);
export const cancelOrderRequest = bodyValidator<CancelOrderRequest>(cancelOrderSchema);
