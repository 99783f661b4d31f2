import { randomBytes, randomUUID } from 'node:crypto';
import { SealingKeyCache } from './sealing-key-cache';

function dataKey() {
  return { keyId: randomUUID(), key: randomBytes(32) };
}

describe('SealingKeyCache', () => {
  it('serves a key until its age reaches ttlMs', () => {
    let now = 1_000;
    const cache = new SealingKeyCache({ ttlMs: 500 }, () => now);
    const key = dataKey();
    cache.set('c', key, cache.epoch());
    now += 499;
    expect(cache.get('c')).toBe(key);
    now += 1;
    expect(cache.get('c')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses a key looked up before an erasure it raced (any invalidation since the epoch was taken)', () => {
    const cache = new SealingKeyCache();
    const epoch = cache.epoch();
    cache.invalidate('someone-else');
    cache.set('c', dataKey(), epoch);
    expect(cache.get('c')).toBeUndefined();
    cache.set('c', dataKey(), cache.epoch());
    expect(cache.get('c')).toBeDefined();
  });

  it('drops the least recently used beyond maxEntries (10 customers into 4 places)', () => {
    const cache = new SealingKeyCache({ maxEntries: 4 });
    for (let i = 0; i < 10; i++) {
      cache.set(`c${i}`, dataKey(), cache.epoch());
      cache.get('c0'); // kept warm
    }
    expect(cache.size).toBe(4);
    expect(['c0', 'c7', 'c8', 'c9'].every((id) => cache.get(id))).toBe(true);
    expect(cache.get('c6')).toBeUndefined();
  });

  it('invalidate drops one customer, clear drops all', () => {
    const cache = new SealingKeyCache();
    for (const id of ['a', 'b', 'c']) cache.set(id, dataKey(), cache.epoch());
    cache.invalidate('b');
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses nonsensical bounds', () => {
    expect(() => new SealingKeyCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new SealingKeyCache({ ttlMs: 0 })).toThrow(RangeError);
  });
});
