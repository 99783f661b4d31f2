import { EventHeaders, ORDERS_TOPIC, eventDataSchemas, sealedValueSchema, type EventMessage } from '@ordersource/contracts';
import { orderUpcasters } from '@ordersource/domain';
import { Upcasting } from '@ordersource/event-store';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

/**
 * Two consumers of the orders topic for the compatibility check (docs/events.md "Schema
 * versions"): one written before OrderPlaced v2 existed, which knows only the v1 schemas and
 * reads a newer version by ignoring the fields it does not know; and one that knows v2 and
 * reads v1 through the upcasters. Each validates every message it reads against the one
 * schema it knows for that type, so a message it cannot read fails the check.
 */
export interface ReadMessage {
  orderId: string;
  version: number;
  type: string;
  headerVersion: string;
  data: Record<string, unknown>;
}

export interface TopicConsumer {
  read: ReadMessage[];
  /** Messages it could not read: schema errors, by order and version. */
  unreadable: string[];
  stop(): Promise<void>;
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(sealedValueSchema);
const compiled = new Map<string, ValidateFunction>();
function validatorOf(key: string): ValidateFunction {
  const known = compiled.get(key);
  if (known) return known;
  const validate = ajv.compile(eventDataSchemas[key]);
  compiled.set(key, validate);
  return validate;
}

/** The v1-only consumer: its schemas are the v1 ones, all it had when it was written. */
function readAsV1(message: EventMessage): Record<string, unknown> {
  const schema = eventDataSchemas[`${message.type}/v1`] as { properties: Record<string, unknown> };
  return Object.fromEntries(Object.entries(message.data).filter(([field]) => field in schema.properties));
}

const upcasting = new Upcasting(orderUpcasters);
function readAsNewest(message: EventMessage): Record<string, unknown> {
  return upcasting.apply(message as never as Parameters<typeof upcasting.apply>[0]).data;
}

export async function startTopicConsumer(brokers: string[], knows: 'v1' | 'v2'): Promise<TopicConsumer> {
  const kafka = new Kafka({ clientId: `compat-${knows}`, brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `compat-${knows}-${Date.now()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const read: ReadMessage[] = [];
  const unreadable: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = JSON.parse(message.value?.toString() ?? '{}') as EventMessage;
      const data = knows === 'v1' ? readAsV1(value) : readAsNewest(value);
      const key = knows === 'v1' ? `${value.type}/v1` : `${value.type}/v${value.type === 'OrderPlaced' ? 2 : 1}`;
      const validate = validatorOf(key);
      if (!validate(data)) unreadable.push(`${value.orderId} v${value.version}: ${ajv.errorsText(validate.errors)}`);
      read.push({ orderId: value.orderId, version: value.version, type: value.type, headerVersion: message.headers?.[EventHeaders.schemaVersion]?.toString() ?? '', data });
    },
  });
  return { read, unreadable, stop: () => consumer.disconnect() };
}
