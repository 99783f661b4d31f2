import { NO_CONTROL_CHARS, cursorSchema, problems, queryValidator } from '@ordersource/platform';
import { InvalidQueryError } from '@ordersource/read-models';

/** Query-string pieces of API.md's list routes; unknown parameters are 400 (additionalProperties). */
export const limit = { type: 'integer', minimum: 1, maximum: 200, default: 50 } as const;
export const cursor = cursorSchema;
export const instant = { type: 'string', format: 'date-time', maxLength: 40 } as const;
export const id64 = { type: 'string', minLength: 1, maxLength: 64, pattern: NO_CONTROL_CHARS } as const;
export const uuid = { type: 'string', format: 'uuid' } as const;
/** A recorded actor, `role:subject` (`customer:` + a 64-character id is the longest a key makes; imports prefix `import:`). */
export const actor = { type: 'string', minLength: 1, maxLength: 160, pattern: NO_CONTROL_CHARS } as const;

export function listQuery<T>(properties: Record<string, unknown>) {
  return queryValidator<T>({ type: 'object', additionalProperties: false, properties: { ...properties, limit, cursor } });
}

export const noQuery = queryValidator<Record<string, never>>({ type: 'object', additionalProperties: false, properties: {} });

/** A forged or foreign cursor, or a bound the store cannot compare, is the caller's error. */
export async function asQueryProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InvalidQueryError) throw problems.invalidRequest([{ path: 'cursor', message: error.message }], 'The query cannot be served as asked.');
    throw error;
  }
}

export function range(field: string, from?: string, to?: string) {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw problems.invalidRequest([{ path: 'from', message: 'must not be after to' }]);
  }
  return [
    ...(from ? [{ field, op: 'gte' as const, value: new Date(from).toISOString() }] : []),
    ...(to ? [{ field, op: 'lte' as const, value: new Date(to).toISOString() }] : []),
  ];
}
