import { InvalidEventError } from '../errors';
import { validateEvents } from './validation';

const event = (data: unknown, metadata: object = {}) => ({
  type: 'OrderPlaced',
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:15:00.000Z',
  data,
  metadata: { correlationId: 'c', causationId: 'c', actor: 'a', ...metadata },
});

let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

function faultOf(data: unknown, metadata?: object): string {
  try {
    validateEvents([event({ ok: 1 }), event(data, metadata)], newId);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

describe('event validation', () => {
  it('names the path of the first value that is not storable JSON', () => {
    expect(faultOf({ items: [{ sku: 'a' }, { sku: 'b\u0000' }] })).toBe('event 1: data.items[1].sku has a NUL character or an unpaired surrogate');
    expect(faultOf({ total: { amount: Number.POSITIVE_INFINITY } })).toBe('event 1: data.total.amount is not a finite number');
    expect(faultOf({ at: new Date(0) })).toBe('event 1: data.at is not plain JSON');
    expect(faultOf({ note: undefined })).toBe('event 1: data.note is undefined, not JSON');
    expect(faultOf({ list: [1, , 3] })).toBe('event 1: data.list[1] is undefined, not JSON');
    expect(faultOf({ ok: true }, { nested: { ['k\uDC00']: 1 } })).toBe('event 1: metadata.nested has a key with a NUL or unpaired surrogate');
  });

  it('refuses JSON nested deeper than 100 levels', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 101; i++) deep = [deep];
    expect(faultOf({ deep })).toMatch(/^event 1: data\.deep(\[0\]){100} is nested too deep$/);
  });

  it('accepts plain JSON of every kind', () => {
    expect(() => validateEvents([event({ s: 'é😀', n: -1.5, b: false, z: null, a: [[], {}], o: { p: { q: 'r' } } })], newId)).not.toThrow();
  });
});
