import { ISO_MILLIS_SCHEMA, UUID_SCHEMA } from './event-data.schemas';

/**
 * The message value's envelope; `data` is checked against the schema of its
 * `<type>/v<schemaVersion>` (event-data.schemas.ts) by validateEventMessage.
 */
export const eventMessageSchema: Record<string, unknown> = {
  $id: 'https://ordersource.dev/schemas/event-message.v1.json',
  type: 'object',
  required: ['eventId', 'streamId', 'orderId', 'version', 'position', 'type', 'schemaVersion', 'data', 'metadata', 'occurredAt', 'recordedAt', 'hash', 'previousHash'],
  additionalProperties: false,
  properties: {
    eventId: UUID_SCHEMA,
    streamId: { type: 'string', pattern: '^order-[0-9a-f-]{36}$' },
    orderId: UUID_SCHEMA,
    version: { type: 'integer', minimum: 1 },
    position: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
    type: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9._:-]{0,199}$' },
    schemaVersion: { type: 'integer', minimum: 1 },
    data: { type: 'object' },
    metadata: {
      type: 'object',
      required: ['correlationId', 'causationId', 'actor'],
      properties: {
        correlationId: { type: 'string', minLength: 1, maxLength: 128 },
        causationId: { type: 'string', minLength: 1, maxLength: 128 },
        actor: { type: 'string', minLength: 1 },
      },
    },
    occurredAt: ISO_MILLIS_SCHEMA,
    recordedAt: ISO_MILLIS_SCHEMA,
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    previousHash: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{64}$' }, { type: 'null' }] },
  },
};
