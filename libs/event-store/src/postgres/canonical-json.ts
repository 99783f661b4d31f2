/**
 * RFC 8785 canonical JSON of event payloads, as the hash chain covers them (hashing.ts): built
 * by hand rather than by the `canonicalize` package, at about half its cost on event-sized
 * values, and equal to it on plain JSON (canonical-json.spec.ts). These bytes are hashed and
 * stored: they must never change.
 */

/**
 * RFC 8785 canonical JSON of a value that validation.ts already accepted as plain JSON (finite
 * numbers, no undefined, plain objects), equal to the `canonicalize` package's output for such
 * values (canonical-json.spec.ts) at about half its cost: keys sorted by UTF-16 code units (the
 * default sort), strings and numbers as JSON.stringify prints them.
 */
export function canonicalJsonOfValidated(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJsonOfValidated(value[i]);
        return `${text}]`;
      }
      const object = value as Record<string, unknown>;
      const keys = sortedKeys(object);
      let text = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        text += `${i === 0 ? '' : ','}${quotedKey(key)}:${canonicalJsonOfValidated(object[key])}`;
      }
      return `${text}}`;
    }
  }
}

/**
 * Object.keys(object).sort(), sorted in place by insertion for the few keys an event's objects
 * have: Array.prototype.sort allocates its working state on every call, and on an import that was
 * a sixth of all the bytes allocated (issue 12). `<` compares by UTF-16 code units, as the
 * default sort and RFC 8785 do.
 */
export function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Keys come from a few shapes and repeat in every event: a lookup is a fraction of the test below
 * (bounded, so a stream of distinct keys cannot grow it without end).
 */
const quotedKeys = new Map<string, string>();
export function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = PLAIN_STRING.test(key) ? `"${key}"` : JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Strings JSON.stringify prints as they are between quotes: no quote, backslash, control or surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what JSON escapes
export const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
