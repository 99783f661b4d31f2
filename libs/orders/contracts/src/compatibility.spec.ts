import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { orderUpcasters } from '@ordersource/domain';
import Ajv2020 from 'ajv/dist/2020';
import { eventDataSchemas, sealedValueSchema } from './event-data.schemas';

/**
 * The topic's compatibility rule (docs/events.md "Schema versions"), checked on every pair of
 * consecutive versions of an event type: the newer one keeps every field of the older with the
 * same schema and requiredness and only adds fields, so a consumer that knows the older one
 * reads the newer by ignoring what it does not know, and the upcaster fills what the newer one
 * requires, so a consumer of the newer one reads the older.
 */
type Schema = { properties: Record<string, unknown>; required: string[] };
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(sealedValueSchema);

const versions = new Map<string, number[]>();
for (const key of Object.keys(eventDataSchemas)) {
  const [type, version] = key.split('/v');
  versions.set(type, [...(versions.get(type) ?? []), Number(version)].sort((a, b) => a - b));
}
const pairs = [...versions.entries()].flatMap(([type, list]) => list.slice(1).map((to, index) => ({ type, from: list[index], to })));
const schemaOf = (type: string, version: number) => eventDataSchemas[`${type}/v${version}`] as unknown as Schema;

const sealed = () => ({ $sealed: 1, keyId: randomUUID(), iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VjcmV0', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' });
const orderId = randomUUID();
const samples: Record<string, Record<string, unknown>> = {
  'OrderPlaced/v1': { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 's', quantity: 1, unitPrice: 100 }], total: 100, shippingAddress: sealed() },
  'OrderPlaced/v2': { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 's', quantity: 1, unitPrice: 100 }], total: 100, shippingAddress: sealed(), channel: 'pos', orderNumber: 'OS-2026-000001' },
};

describe('schema versions on the topic', () => {
  it('has at least one changed event type to check (OrderPlaced v1 -> v2)', () => {
    expect(pairs).toContainEqual({ type: 'OrderPlaced', from: 1, to: 2 });
  });

  it.each(pairs)('$type v$to keeps every field of v$from, with the same schema and requiredness', ({ type, from, to }) => {
    const [older, newer] = [schemaOf(type, from), schemaOf(type, to)];
    for (const [field, schema] of Object.entries(older.properties)) expect({ field, schema: newer.properties[field] }).toEqual({ field, schema });
    for (const field of older.required) expect(newer.required).toContain(field);
  });

  it.each(pairs)('$type v$from reads as v$to through its upcaster', ({ type, from, to }) => {
    const upcaster = orderUpcasters.find((candidate) => candidate.type === type && candidate.fromSchemaVersion === from);
    if (!upcaster) throw new Error(`no upcaster for ${type} v${from}`);
    const stored = { type, schemaVersion: from, data: samples[`${type}/v${from}`] };
    const read = upcaster.upcast(stored);
    expect(read.schemaVersion).toBe(to);
    const validate = ajv.compile(schemaOf(type, to));
    expect({ valid: validate(read.data), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it.each(pairs)('$type v$to reads as v$from by a consumer that ignores the fields it does not know', ({ type, from, to }) => {
    const older = schemaOf(type, from);
    const known = Object.fromEntries(Object.entries(samples[`${type}/v${to}`]).filter(([field]) => field in older.properties));
    const validate = ajv.compile(older);
    expect({ valid: validate(known), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it('still refuses a field unknown to the version a message names (a new field is a new version)', () => {
    const validate = ajv.compile(schemaOf('OrderPlaced', 1));
    expect(validate({ ...samples['OrderPlaced/v1'], channel: 'web' })).toBe(false);
  });
});

describe('the published JSON Schema files (libs/orders/contracts/schemas)', () => {
  const folder = join(__dirname, '..', 'schemas');
  const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>;

  it('hold exactly the schemas the code validates with, one file per type and version', () => {
    const expected = Object.keys(eventDataSchemas).map((key) => `${key.replace('/v', '.v')}.json`);
    expect(readdirSync(folder).sort()).toEqual([...expected, 'sealed-value.v1.json'].sort());
    for (const [key, schema] of Object.entries(eventDataSchemas)) {
      const { $schema, ...published } = read(`${key.replace('/v', '.v')}.json`);
      expect({ key, $schema, published }).toEqual({ key, $schema: 'https://json-schema.org/draft/2020-12/schema', published: schema });
    }
    expect(read('sealed-value.v1.json')).toEqual(sealedValueSchema);
  });
});
