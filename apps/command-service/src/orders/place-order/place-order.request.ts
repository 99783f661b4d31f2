import { objectOf, placeOrderProperties, placeOrderRequired, type PlaceOrderFields } from '@ordersource/contracts';
import { bodyValidator } from '@ordersource/platform';

export type PlaceOrderRequest = PlaceOrderFields;

export const placeOrderSchema = objectOf(placeOrderProperties, placeOrderRequired);
export const placeOrderRequest = bodyValidator<PlaceOrderRequest>(placeOrderSchema);
