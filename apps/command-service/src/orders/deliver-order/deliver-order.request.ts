import { bodyValidator } from '@ordersource/platform';
import { instant, objectOf, text200 } from '@ordersource/contracts';

export interface DeliverOrderRequest {
  occurredAt?: string;
  receivedBy?: string;
}

export const deliverOrderSchema = objectOf({ occurredAt: instant, receivedBy: text200 });
export const deliverOrderRequest = bodyValidator<DeliverOrderRequest>(deliverOrderSchema);
