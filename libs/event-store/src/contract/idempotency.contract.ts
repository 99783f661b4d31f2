import { IdempotencyKeyReusedError } from '../errors';
import { isDuplicateAppend, type AppendOptions, type EventStore, type IdempotencyStore } from '../event-store.port';
import { events, newStreamId, type OpenContractSubject } from './fixtures';

let counter = 0;
function key(requestHash = 'hash-a') {
  counter++;
  return { scope: 'user-1:POST /orders', key: `key-${Date.now()}-${counter}`, requestHash };
}

function idempotent(k: ReturnType<typeof key>): AppendOptions {
  return { idempotency: { ...k, result: (appended) => ({ version: appended.version, position: appended.position }) } };
}

export function idempotencyContract(open: OpenContractSubject): void {
  let store: EventStore;
  let idempotency: IdempotencyStore;
  beforeAll(async () => {
    ({ store, idempotency } = await open());
  });

  it('appends nothing on a repeat and returns the first result', async () => {
    const streamId = newStreamId();
    const k = key();
    const first = await store.appendToStream(streamId, 'no_stream', events(2), idempotent(k));
    expect(isDuplicateAppend(first)).toBe(false);
    const repeat = await store.appendToStream(streamId, 'no_stream', events(2), idempotent(k));
    expect(repeat).toEqual({ duplicate: true, result: { version: 2, position: (first as { position: string }).position } });
    expect(await store.streamVersion(streamId)).toBe(2);
  });

  it('rejects the same key with another body, appending nothing', async () => {
    const streamId = newStreamId();
    const k = key('hash-a');
    await store.appendToStream(streamId, 'no_stream', events(1), idempotent(k));
    await expect(store.appendToStream(streamId, 'any', events(1), idempotent({ ...k, requestHash: 'hash-b' }))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await store.streamVersion(streamId)).toBe(1);
  });

  it('lets exactly one of 8 concurrent same-key appends append; the others get its result', async () => {
    const streamId = newStreamId();
    const k = key();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.appendToStream(streamId, 'any', events(1), idempotent(k))));
    const appended = results.filter((result) => !isDuplicateAppend(result));
    expect(appended).toHaveLength(1);
    const first = { version: 1, position: (appended[0] as { position: string }).position };
    expect(results.filter(isDuplicateAppend).map((result) => result.result)).toEqual(Array(7).fill(first));
    expect(await store.streamVersion(streamId)).toBe(1);
  });

  it('completes an in-flight claim with the append, so a repeat sees the result', async () => {
    const streamId = newStreamId();
    const k = key();
    expect(await idempotency.claim(k)).toEqual({ kind: 'claimed' });
    const result = await store.appendToStream(streamId, 'no_stream', events(1), idempotent(k));
    expect(isDuplicateAppend(result)).toBe(false);
    expect(await idempotency.claim(k)).toMatchObject({ kind: 'completed', result: { version: 1 } });
  });

  it('claims a key once; a second claim sees it in flight; another body is a conflict', async () => {
    const k = key();
    expect(await idempotency.claim(k)).toEqual({ kind: 'claimed' });
    expect(await idempotency.claim(k)).toEqual({ kind: 'in_flight' });
    await expect(idempotency.claim({ ...k, requestHash: 'other' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('stores the result of an outcome that appended nothing and hands it back unchanged', async () => {
    const k = key();
    await idempotency.claim(k);
    const result = { rejected: { rule: 'cannot-ship-unpaid-order', nested: [1, 'two', null, { three: true }] } };
    await idempotency.complete(k, result);
    expect(await idempotency.claim(k)).toEqual({ kind: 'completed', result });
  });

  it('hands back a JSON null result as a completed outcome, not as in flight', async () => {
    const streamId = newStreamId();
    const k = key();
    await store.appendToStream(streamId, 'no_stream', events(1), { idempotency: { ...k, result: () => null } });
    expect(await store.appendToStream(streamId, 'no_stream', events(1), { idempotency: { ...k, result: () => null } })).toEqual({ duplicate: true, result: null });
    expect(await idempotency.claim(k)).toEqual({ kind: 'completed', result: null });
  });

  it('releases a failed claim so the key can be claimed again', async () => {
    const k = key();
    await idempotency.claim(k);
    await idempotency.release(k);
    expect(await idempotency.claim(k)).toEqual({ kind: 'claimed' });
  });

  it('takes over a stale in-flight claim', async () => {
    const k = key();
    await idempotency.claim(k);
    expect(await idempotency.claim(k, { staleMs: 0 })).toEqual({ kind: 'claimed' });
  });

  it('treats an expired record as absent, for claims and appends', async () => {
    const k = key();
    await idempotency.claim(k, { ttlMs: 0 });
    expect(await idempotency.claim(k)).toEqual({ kind: 'claimed' });
    const streamId = newStreamId();
    const k2 = key();
    const result = () => ({ appended: true });
    await store.appendToStream(streamId, 'any', events(1), { idempotency: { ...k2, result, ttlMs: 0 } });
    const again = await store.appendToStream(streamId, 'any', events(1), { idempotency: { ...k2, result } });
    expect(isDuplicateAppend(again)).toBe(false);
    expect(await store.streamVersion(streamId)).toBe(2);
  });
}
