import { randomBytes, randomUUID } from 'node:crypto';
import { isSealedValue, openValue, sealValue, type SealedValue } from './envelope';
import { SealedValueError } from './errors';

const dataKey = { keyId: randomUUID(), key: randomBytes(32) };
const where = { eventType: 'PaymentFailed', field: 'reason' };

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 0x01;
  return bytes.toString('base64');
}

describe('sealed envelope', () => {
  it('opens to the JSON value that was sealed', () => {
    const address = { name: 'Ada Lovelace', line1: '12 Analytical Lane', city: 'London', postalCode: 'W1', country: 'GB' };
    expect(openValue(sealValue(address, dataKey, where), dataKey.key, where)).toEqual(address);
    expect(openValue(sealValue('card declined', dataKey, where), dataKey.key, where)).toBe('card declined');
  });

  it('is plain JSON in the documented shape, with a 12-byte IV and a 16-byte tag', () => {
    const sealed = sealValue('card declined', dataKey, where);
    expect(Object.keys(sealed).sort()).toEqual(['$sealed', 'ct', 'iv', 'keyId', 'tag']);
    expect(sealed).toMatchObject({ $sealed: 1, keyId: dataKey.keyId });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(JSON.parse(JSON.stringify(sealed))).toEqual(sealed);
    expect(isSealedValue(sealed)).toBe(true);
  });

  it('uses a fresh IV for every value, so equal plaintexts give unrelated ciphertexts', () => {
    const first = sealValue('same', dataKey, where);
    const second = sealValue('same', dataKey, where);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ct).not.toBe(second.ct);
  });

  it.each(['ct', 'tag', 'iv'] as const)('rejects an envelope whose %s was altered', (part) => {
    const sealed = sealValue('card declined', dataKey, where);
    const tampered: SealedValue = { ...sealed, [part]: flipFirstByte(sealed[part]) };
    expect(() => openValue(tampered, dataKey.key, where)).toThrow(SealedValueError);
  });

  it('rejects a truncated tag', () => {
    const sealed = sealValue('card declined', dataKey, where);
    const truncated = { ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64') };
    expect(() => openValue(truncated, dataKey.key, where)).toThrow(SealedValueError);
  });

  it('rejects an envelope moved to another field or another event type', () => {
    const sealed = sealValue('card declined', dataKey, where);
    expect(() => openValue(sealed, dataKey.key, { eventType: 'PaymentFailed', field: 'method' })).toThrow(SealedValueError);
    expect(() => openValue(sealed, dataKey.key, { eventType: 'OrderCancelled', field: 'reason' })).toThrow(/OrderCancelled\.reason/);
  });

  it('rejects an envelope opened with another customer key', () => {
    const sealed = sealValue('card declined', dataKey, where);
    expect(() => openValue(sealed, randomBytes(32), where)).toThrow(SealedValueError);
  });

  it('tells envelopes from ordinary values and refuses malformed envelopes', () => {
    expect(isSealedValue('card declined')).toBe(false);
    expect(isSealedValue({ name: 'Ada' })).toBe(false);
    expect(isSealedValue(null)).toBe(false);
    const sealed = sealValue('x', dataKey, where);
    expect(() => isSealedValue({ ...sealed, keyId: 'not-a-uuid' })).toThrow(SealedValueError);
    expect(() => isSealedValue({ ...sealed, $sealed: 2 })).toThrow(SealedValueError);
    expect(() => isSealedValue({ ...sealed, extra: 1 })).toThrow(SealedValueError);
  });
});
