import { OrderItem, ShippingAddress } from '@ordersource/domain';
import { bodyValidator } from '@ordersource/platform';
import { id64, money, objectOf, text, text200, uuid } from '../request-fragments';

export interface PlaceOrderRequest {
  orderId?: string;
  customerId: string;
  currency: string;
  items: OrderItem[];
  shippingAddress: ShippingAddress;
}

export const placeOrderSchema = objectOf(
  {
    orderId: uuid,
    customerId: id64,
    currency: { type: 'string', format: 'iso-4217' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: objectOf({ sku: id64, name: text200, quantity: { type: 'integer', minimum: 1, maximum: 1000 }, unitPrice: money }, ['sku', 'quantity', 'unitPrice']),
    },
    shippingAddress: objectOf(
      { name: text200, line1: text200, line2: text200, city: text200, postalCode: text(16), country: { type: 'string', format: 'iso-3166-alpha-2' } },
      ['name', 'line1', 'city', 'postalCode', 'country'],
    ),
  },
  ['customerId', 'currency', 'items', 'shippingAddress'],
);
export const placeOrderRequest = bodyValidator<PlaceOrderRequest>(placeOrderSchema);
