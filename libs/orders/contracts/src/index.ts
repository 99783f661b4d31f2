export { eventDataSchemas, sealedValueSchema } from './event-data.schemas';
export { eventMessageSchema } from './event-message.schema';
export {
  EventHeaders,
  ORDERS_DLQ_TOPIC,
  ORDERS_TOPIC,
  toKafkaRecord,
  type EventMessage,
  type EventMessageMetadata,
  type KafkaRecord,
} from './event-message';
export { knownEventShapes, validateEventMessage, type SchemaError, type ValidationResult } from './validate-event-message';
export { NO_CONTROL_CHARS, enumOf, id64, instant, money, objectOf, positiveMoney, text, text200, uuid } from './requests/fields';
export { placeOrderProperties, placeOrderRequired, type PlaceOrderFields } from './requests/place-order.fields';
