import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { eventDataSchemas, sealedValueSchema } from './event-data.schemas';
import { eventMessageSchema } from './event-message.schema';
import { orderStreamId } from '@ordersource/domain';

export interface SchemaError {
  path: string;
  message: string;
}

export type ValidationResult = { valid: true } | { valid: false; errors: SchemaError[] };

// strict: a typo in a schema keyword fails at load time instead of silently accepting anything.
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(sealedValueSchema);
const validateEnvelope = ajv.compile(eventMessageSchema);
const validateData = new Map<string, ValidateFunction>(Object.entries(eventDataSchemas).map(([key, schema]) => [key, ajv.compile(schema)]));

/** The `<type>/v<n>` keys with a schema: the event shapes the topic may carry. */
export const knownEventShapes = (): string[] => [...validateData.keys()];

/** Checks a parsed message value against the envelope and its event's data schema. */
export function validateEventMessage(value: unknown): ValidationResult {
  if (!validateEnvelope(value)) return { valid: false, errors: toErrors(validateEnvelope, '') };
  const message = value as { type: string; schemaVersion: number; data: unknown; streamId: string; orderId: string };
  const errors: SchemaError[] = [];
  if (message.streamId !== orderStreamId(message.orderId)) errors.push({ path: '/orderId', message: 'must be the stream id without "order-"' });
  const validate = validateData.get(`${message.type}/v${message.schemaVersion}`);
  if (!validate) {
    errors.push({ path: '/type', message: `no schema for ${message.type} v${message.schemaVersion}` });
  } else if (!validate(message.data)) {
    errors.push(...toErrors(validate, '/data'));
  } else if ((message.data as { orderId: string }).orderId !== message.orderId) {
    errors.push({ path: '/data/orderId', message: 'must equal the message orderId' });
  }
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
}

function toErrors(validate: ValidateFunction, prefix: string): SchemaError[] {
  return (validate.errors ?? []).map((error) => ({ path: `${prefix}${error.instancePath}`, message: error.message ?? 'invalid' }));
}
