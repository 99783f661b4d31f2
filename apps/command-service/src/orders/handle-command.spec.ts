import { EventStore, NewEvent } from '@ordersource/event-store';
import { InMemoryEventStore } from '../../test/support/in-memory-event-store';
import { ConcurrencyRetriesExhaustedError, HandleCommandOptions, StreamVersionMismatchError, handleCommand } from './handle-command';

/** The generic handler with a decider that is not an order: it knows no command types. */
type Counted = { type: 'Counted'; by: number };
const counter = (retries = 3): HandleCommandOptions<number, Counted> => ({
  evolve: (total, event) => total + event.by,
  initialState: () => 0,
  fromRecorded: (event) => ({ type: 'Counted', by: event.data.by as number }),
  toNewEvents: async (events) => events.map((event): NewEvent => ({ type: event.type, schemaVersion: 1, data: { by: event.by }, occurredAt: '2026-03-01T10:00:00.000Z', metadata: { correlationId: 'c', causationId: 'c', actor: 'a' } })),
  maxRetries: retries,
});
const add = (by: number) => (): Counted[] => [{ type: 'Counted', by }];

/** Loses the first `losses` appends to a writer that got there first. */
function racing(store: InMemoryEventStore, losses: number): EventStore {
  let lost = 0;
  return Object.assign(Object.create(store) as EventStore, {
    appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
      if (lost++ < losses) {
        await store.appendToStream(args[0], 'any', (await counter().toNewEvents([{ type: 'Counted', by: 100 }], 0)));
      }
      return store.appendToStream(...args);
    },
  });
}

describe('handleCommand', () => {
  it('folds the stream, decides on the state and appends at the loaded version', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', add(2), counter());
    const handled = await handleCommand(store, 'counter-1', (total) => [{ type: 'Counted', by: total }], counter());
    expect(handled).toMatchObject({ kind: 'handled', newState: 4, version: 2 });
  });

  it('retries a lost race on the new state, up to maxRetries times', async () => {
    const store = new InMemoryEventStore();
    const handled = await handleCommand(racing(store, 2), 'counter-1', add(1), counter(3));
    expect(handled).toMatchObject({ kind: 'handled', newState: 201, version: 3 });
  });

  it('gives up with ConcurrencyRetriesExhaustedError when every retry loses', async () => {
    const store = new InMemoryEventStore();
    await expect(handleCommand(racing(store, 10), 'counter-1', add(1), counter(2))).rejects.toBeInstanceOf(ConcurrencyRetriesExhaustedError);
  });

  it('never retries for a caller that named its version; an existing stream at another version fails before deciding', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', add(1), counter());
    const decide = jest.fn(add(1));
    await expect(handleCommand(store, 'counter-1', decide, { ...counter(), expectedVersion: 7 })).rejects.toEqual(new StreamVersionMismatchError('counter-1', 7, 1));
    expect(decide).not.toHaveBeenCalled();
    await expect(handleCommand(racing(store, 1), 'counter-1', add(1), { ...counter(), expectedVersion: 1 })).rejects.toBeInstanceOf(StreamVersionMismatchError);
  });

  it('runs the guard on the loaded state before the version check and before deciding', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', add(1), counter());
    const guard = () => {
      throw new Error('not yours');
    };
    await expect(handleCommand(store, 'counter-1', add(1), { ...counter(), guard, expectedVersion: 9 })).rejects.toThrow('not yours');
  });

  it('appends a new stream without reading it, and reads only when that guess was wrong', async () => {
    const store = new InMemoryEventStore();
    const read = jest.spyOn(store, 'readStream');
    await handleCommand(store, 'counter-1', add(1), { ...counter(), expectNewStream: true });
    expect(read).not.toHaveBeenCalled();
    const again = await handleCommand(store, 'counter-1', add(1), { ...counter(), expectNewStream: true, maxRetries: 0 });
    expect(read).toHaveBeenCalledTimes(1);
    expect(again).toMatchObject({ kind: 'handled', newState: 2, version: 2 });
  });

  it("records the caller's idempotent result with the append, and a repeat gets it back appending nothing", async () => {
    const store = new InMemoryEventStore();
    const idempotency = { scope: 's', key: 'k', requestHash: 'h', result: (handled: { version: number; newState: number }) => ({ version: handled.version, total: handled.newState }) };
    await handleCommand(store, 'counter-1', add(5), { ...counter(), idempotency });
    expect(await store.claim(idempotency)).toEqual({ kind: 'completed', result: { version: 1, total: 5 } });
    expect(await handleCommand(store, 'counter-1', add(5), { ...counter(), idempotency })).toEqual({ kind: 'repeated', result: { version: 1, total: 5 } });
    expect(await store.streamVersion('counter-1')).toBe(1);
  });

  it('lets a store error other than a lost race through untouched', async () => {
    const store = new InMemoryEventStore();
    const failing = Object.assign(Object.create(store) as EventStore, { readStream: () => Promise.reject(new Error('connection reset')) });
    await expect(handleCommand(failing, 'counter-1', add(1), counter())).rejects.toThrow('connection reset');
  });
});
