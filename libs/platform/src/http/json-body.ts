import { problems } from './problem';

/**
 * What the JSON body parser refuses beyond malformed JSON (API.md "v1 clarifications"): values
 * that pass a schema but that a store or the canonicalizer would refuse or choke on. Checked
 * before anything is validated, hashed or stored (issue 17: a 10,000-deep body overflowed the
 * stack while its idempotency hash was computed, and 1e400 parsed to Infinity).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counted without parsing it, so that no recursive parser
 * ever sees a body deeper than the limit. Brackets inside strings do not count.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The path of the first number that JSON.parse turned into ±Infinity (e.g. 1e400), if any. */
export function firstNonFiniteNumber(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(body)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFiniteNumber(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = firstNonFiniteNumber(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/** Throws the 400 problem for a body that parsed but may not go further. */
export function checkParsedBody(value: unknown): void {
  const path = firstNonFiniteNumber(value);
  if (path) throw problems.invalidRequest([{ path, message: 'must be a finite number' }], 'The body holds a number too large to represent.');
}

export function depthProblem() {
  return problems.malformedJson(`The body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
}
