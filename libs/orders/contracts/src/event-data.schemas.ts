/**
 * JSON Schemas (draft 2020-12) of each event's `data` as STORED and PUBLISHED: personal fields
 * (libs/personal-data personal-fields.ts) are sealed envelopes, never plaintext. Keyed by
 * `<type>/v<schemaVersion>`; a new shape is a new key, an existing key never changes (issue 5).
 * Kept free of imports from personal-data: contracts may only depend on the domain (eslint).
 */
import { ORDER_NUMBER_PATTERN, orderChannels, type OrderEventType } from '@ordersource/domain';

type Schema = Record<string, unknown>;

/** `{"$sealed":1,keyId,iv,ct,tag}`: the envelope of libs/personal-data envelope.ts. */
export const sealedValueSchema: Schema = {
  $id: 'https://ordersource.dev/schemas/sealed-value.v1.json',
  type: 'object',
  required: ['$sealed', 'keyId', 'iv', 'ct', 'tag'],
  additionalProperties: false,
  properties: {
    $sealed: { const: 1 },
    keyId: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
    iv: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
    ct: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
    tag: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
  },
};

const sealed = { $ref: sealedValueSchema.$id as string };
const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const money = { type: 'integer', minimum: 0, maximum: 100_000_000_000_000 };
const shortText = { type: 'string', minLength: 1, maxLength: 64 };
const isoMillis = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' };
const paymentMethod = { enum: ['card', 'paypal', 'bank_transfer', 'wallet'] };

function dataSchema(type: OrderEventType, properties: Record<string, unknown>, required: string[], version = 1): Schema {
  return {
    $id: `https://ordersource.dev/schemas/events/${type}.v${version}.json`,
    type: 'object',
    required: ['orderId', ...required],
    additionalProperties: false,
    properties: { orderId: uuid, ...properties },
  };
}

const orderPlacedV1 = {
  customerId: shortText,
  currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  items: {
    type: 'array',
    minItems: 1,
    maxItems: 100,
    items: {
      type: 'object',
      required: ['sku', 'quantity', 'unitPrice'],
      additionalProperties: false,
      properties: {
        sku: shortText,
        name: { type: 'string', minLength: 1, maxLength: 200 },
        quantity: { type: 'integer', minimum: 1, maximum: 1000 },
        unitPrice: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
      },
    },
  },
  total: money,
  shippingAddress: sealed,
};
const orderPlacedV1Required = ['customerId', 'currency', 'items', 'total', 'shippingAddress'];

export const eventDataSchemas: Record<string, Schema> = {
  'OrderPlaced/v1': dataSchema('OrderPlaced', orderPlacedV1, orderPlacedV1Required),
  // v2 (issue 15) = v1 + channel (required; v1 reads as "web") + orderNumber (absent on v1 orders).
  'OrderPlaced/v2': dataSchema(
    'OrderPlaced',
    { ...orderPlacedV1, channel: { enum: [...orderChannels] }, orderNumber: { type: 'string', pattern: ORDER_NUMBER_PATTERN } },
    [...orderPlacedV1Required, 'channel'],
    2,
  ),
  'PaymentAuthorized/v1': dataSchema('PaymentAuthorized', { amount: money, method: paymentMethod, paymentId: shortText }, ['amount', 'method']),
  'PaymentFailed/v1': dataSchema('PaymentFailed', { reason: sealed, method: paymentMethod }, ['reason']),
  'PaymentCaptured/v1': dataSchema('PaymentCaptured', { amount: money }, ['amount']),
  'ShipmentDispatched/v1': dataSchema(
    'ShipmentDispatched',
    { carrier: shortText, trackingNumber: shortText, warehouse: shortText },
    ['carrier', 'trackingNumber', 'warehouse'],
  ),
  'ShipmentCheckpointRecorded/v1': dataSchema(
    'ShipmentCheckpointRecorded',
    { location: shortText, kind: { enum: ['arrived', 'departed', 'out_for_delivery', 'exception'] }, occurredAt: isoMillis },
    ['location', 'kind', 'occurredAt'],
  ),
  'OrderDelivered/v1': dataSchema('OrderDelivered', { receivedBy: sealed }, []),
  'OrderCancelled/v1': dataSchema('OrderCancelled', { reason: sealed, authorizationVoided: { type: 'boolean' } }, ['reason', 'authorizationVoided']),
  'PaymentRefunded/v1': dataSchema('PaymentRefunded', { amount: { ...money, minimum: 1 }, reason: sealed, full: { type: 'boolean' } }, ['amount', 'reason']),
  // issue 13: a compensating event; the voided versions stay in the log and no longer count.
  'OrderReverted/v1': dataSchema(
    'OrderReverted',
    { toVersion: { type: 'integer', minimum: 1 }, voidedVersions: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 2 } }, reason: sealed },
    ['toVersion', 'voidedVersions', 'reason'],
  ),
};

export const ISO_MILLIS_SCHEMA = isoMillis;
export const UUID_SCHEMA = uuid;
