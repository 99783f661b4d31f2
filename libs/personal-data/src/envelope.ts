import { gcmDecrypt, gcmEncrypt } from './aes-gcm';
import { SealedValueError } from './errors';

/** What every read shows for a personal field once its customer's key is deleted. */
export const ERASED = '[erased]';
export type Erased = typeof ERASED;

/**
 * A personal field as stored in events, on the topic and in read models. Plain JSON so the
 * hash chain, Kafka and the read stores carry it untouched; `$sealed` is the format version.
 */
export interface SealedValue {
  $sealed: 1;
  keyId: string;
  iv: string;
  ct: string;
  tag: string;
}

/** Where a value lives; bound into the ciphertext so an envelope cannot be moved elsewhere. */
export interface FieldContext {
  eventType: string;
  field: string;
}

export interface DataKey {
  keyId: string;
  key: Buffer;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

export function sealValue(value: unknown, dataKey: DataKey, context: FieldContext): SealedValue {
  if (value === undefined) throw new TypeError(`cannot seal undefined (${context.eventType}.${context.field})`);
  const box = gcmEncrypt(dataKey.key, Buffer.from(JSON.stringify(value), 'utf8'), aad(context));
  return { $sealed: 1, keyId: dataKey.keyId, iv: box.iv.toString('base64'), ct: box.ct.toString('base64'), tag: box.tag.toString('base64') };
}

export function openValue(sealed: SealedValue, key: Buffer, context: FieldContext): unknown {
  let plaintext: Buffer;
  try {
    const box = { iv: Buffer.from(sealed.iv, 'base64'), ct: Buffer.from(sealed.ct, 'base64'), tag: Buffer.from(sealed.tag, 'base64') };
    plaintext = gcmDecrypt(key, box, aad(context));
  } catch {
    throw new SealedValueError(
      `sealed ${context.eventType}.${context.field} (key ${sealed.keyId}) does not authenticate: altered, moved from another field, or not sealed with this key`,
    );
  }
  return JSON.parse(plaintext.toString('utf8'));
}

/**
 * True for a well-formed envelope, false for any value that is not one. An object that claims
 * to be sealed but is malformed throws, so a damaged envelope is never passed on as data.
 */
export function isSealedValue(value: unknown): value is SealedValue {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, '$sealed')) return false;
  const v = value as Record<string, unknown>;
  const wellFormed =
    v.$sealed === 1 &&
    Object.keys(v).length === 5 &&
    typeof v.keyId === 'string' &&
    uuidPattern.test(v.keyId) &&
    [v.iv, v.ct, v.tag].every((part) => typeof part === 'string' && base64Pattern.test(part));
  if (!wellFormed) throw new SealedValueError('malformed sealed value: expected {"$sealed":1,"keyId","iv","ct","tag"}');
  return true;
}

function aad(context: FieldContext): Buffer {
  // JSON array, not string concatenation, so no (eventType, field) pair can forge another's AAD.
  return Buffer.from(JSON.stringify(['ordersource/personal-data/v1', context.eventType, context.field]), 'utf8');
}
