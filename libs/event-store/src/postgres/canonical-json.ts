/**
 * RFC 8785 canonical JSON of event payloads, as the hash chain covers them (hashing.ts): built
 * by hand rather than by the `canonicalize` package, at about half its cost on event-sized
 * values, and equal to it on plain JSON (canonical-json.spec.ts). These bytes are hashed and
 * stored: they must never change.
 */

/** Deeper than this, a payload is refused (validation.ts): a bound on the walks' recursion. */
export const MAX_JSON_DEPTH = 100;

/**
 * Canonical JSON of a value already known to be plain JSON (finite numbers, no undefined, plain
 * objects): an import line after JSON.parse and its schema, or a payload validation.ts checked.
 * Nothing is tested beyond what the text needs.
 */
export function canonicalJsonOfValidated(value: unknown): string {
  return canonical(value, 0, false) as string;
}

/**
 * Canonical JSON of a value that is plain JSON jsonb stores as it is, checked in the same walk
 * that builds the text (issue 12: a separate check walk was a twentieth of an import's client
 * CPU); undefined where the value steps outside that (see `canonical`), for validation.ts's full
 * check to name the fault. Equal to canonicalJsonOfValidated wherever it answers.
 */
export function canonicalJsonIfStorable(value: unknown): string | undefined {
  return canonical(value, 0, true);
}

/**
 * The one walk behind both: keys sorted by UTF-16 code units (the default sort, as RFC 8785
 * does), strings and numbers as JSON.stringify prints them. `checked`: declines (undefined)
 * anything outside validation.ts's rules, or stricter: nesting deeper than MAX_JSON_DEPTH, a
 * string or key jsonb refuses (isStorableString), a number that is not finite, an object that
 * is not plain, undefined and other non-JSON types. Unchecked, the value is trusted and the
 * walk never answers undefined (undefined, a function, a symbol or a bigint throws). A flag, not
 * two walks, so that the text is built one way; it costs a test per value and allocates nothing.
 */
function canonical(value: unknown, depth: number, checked: boolean): string | undefined {
  if (checked && depth > MAX_JSON_DEPTH) return undefined;
  switch (typeof value) {
    case 'string':
      if (PLAIN_STRING.test(value)) return `"${value}"`;
      return checked && !isStorableString(value) ? undefined : JSON.stringify(value);
    case 'number':
      return checked && !Number.isFinite(value) ? undefined : JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          const item = canonical(value[i], depth + 1, checked);
          if (item === undefined) return undefined;
          text += (i === 0 ? '' : ',') + item;
        }
        return `${text}]`;
      }
      if (checked && !isPlainObject(value)) return undefined;
      const object = value as Record<string, unknown>;
      const keys = sortedKeys(object);
      let text = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (checked && !isStorableString(key)) return undefined;
        const item = canonical(object[key], depth + 1, checked);
        if (item === undefined) return undefined;
        text += `${i === 0 ? '' : ','}${quotedKey(key)}:${item}`;
      }
      return `${text}}`;
    }
    default:
      if (checked) return undefined;
      throw new TypeError(`${typeof value} is not JSON`);
  }
}

/**
 * Object.keys(object).sort(), sorted in place by insertion for the few keys an event's objects
 * have: Array.prototype.sort allocates its working state on every call, and on an import that was
 * a sixth of all the bytes allocated (issue 12). `<` compares by UTF-16 code units, as the
 * default sort and RFC 8785 do.
 */
function sortedKeys(object: Record<string, unknown>): string[] {
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
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = PLAIN_STRING.test(key) ? `"${key}"` : JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Strings JSON.stringify prints as they are between quotes: no quote, backslash, control or surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what JSON escapes
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** An object literal or JSON.parse's output, not a Date, a Map or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// eslint-disable-next-line no-control-regex -- NUL is what jsonb refuses
const NUL_OR_SURROGATE = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string jsonb stores as it is: no NUL, no unpaired surrogate. */
export function isStorableString(text: string): boolean {
  // Nearly every string has neither a NUL nor any surrogate: one scan says so.
  if (!NUL_OR_SURROGATE.test(text)) return true;
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
