/**
 * JSON Schema pieces of the request bodies, with API.md's limits (trimmed lengths): the command
 * routes and the import lines (which carry the same commands) are validated by these, one
 * definition for both. Validated by platform's bodyValidator (which knows the formats).
 */

/** No control characters (U+0000-U+001F, U+007F) anywhere (API.md "Strings"). */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001F\\u007F]*$';

export const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: NO_CONTROL_CHARS }) as const;
export const id64 = text(64);
export const text200 = text(200);
export const money = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const;
export const positiveMoney = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
export const instant = { type: 'string', format: 'date-time', maxLength: 40, pattern: NO_CONTROL_CHARS } as const;
export const uuid = { type: 'string', format: 'uuid' } as const;
export const enumOf = <T extends readonly string[]>(values: T) => ({ type: 'string', enum: [...values] }) as const;

export function objectOf(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}
