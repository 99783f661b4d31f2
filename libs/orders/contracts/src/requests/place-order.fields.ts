import { orderChannels, type OrderChannel, type OrderItem, type ShippingAddress } from '@ordersource/domain';
import { enumOf, id64, money, objectOf, text, text200, uuid } from './fields';

/** What placing an order says, whether it comes from `POST /orders` or an import line. */
export interface PlaceOrderFields {
  orderId?: string;
  customerId: string;
  currency: string;
  items: OrderItem[];
  shippingAddress: ShippingAddress;
  /** Default `web` (OrderPlaced v2). */
  channel?: OrderChannel;
}

/** The rules of those fields (API.md "Command service"), defined once. */
export const placeOrderProperties = {
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
  channel: enumOf(orderChannels),
} as const;

export const placeOrderRequired = ['customerId', 'currency', 'items', 'shippingAddress'];
