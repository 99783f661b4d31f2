import { InvalidCursorError } from '../errors';
import { isDuplicateAppend, type AppendResult, type EventStore, type LogEvent, type Upcaster } from '../event-store.port';
import { eventually } from '@ordersource/testing/eventually';
import { events, newEvent, newStreamId, type OpenContractSubject } from './fixtures';

const upcasters: Upcaster[] = [
  // v1 -> v2: quantity became explicit; v2 -> v3: sku renamed to productId.
  { type: 'ItemAdded', fromSchemaVersion: 1, upcast: (event) => ({ ...event, schemaVersion: 2, data: { ...event.data, quantity: 1 } }) },
  {
    type: 'ItemAdded',
    fromSchemaVersion: 2,
    upcast: ({ data: { sku, ...rest }, ...event }) => ({ ...event, schemaVersion: 3, data: { ...rest, productId: sku as string } }),
  },
];

export function readContract(open: OpenContractSubject): void {
  let store: EventStore;
  beforeAll(async () => {
    ({ store } = await open());
  });

  async function append(streamId: string, count: number): Promise<AppendResult> {
    const result = await store.appendToStream(streamId, 'any', events(count, 'OrderNoted'));
    if (isDuplicateAppend(result)) throw new Error('unexpected duplicate');
    return result;
  }

  it('reads a stream in version order within fromVersion and toVersion', async () => {
    const streamId = newStreamId();
    await append(streamId, 6);
    expect((await store.readStream(streamId, { fromVersion: 2, toVersion: 4 })).map((e) => e.version)).toEqual([2, 3, 4]);
    expect((await store.readStream(streamId, { fromVersion: 5 })).map((e) => e.version)).toEqual([5, 6]);
    expect((await store.readStream(streamId, { toVersion: 1 })).map((e) => e.version)).toEqual([1]);
    expect(await store.readStream(streamId, { fromVersion: 7 })).toEqual([]);
  });

  it('reads a stream as it was at toRecordedAt', async () => {
    const streamId = newStreamId();
    const first = await append(streamId, 2);
    await append(streamId, 3);
    const all = await store.readStream(streamId);
    const bound = new Date(first.events[0].recordedAt);
    const expected = all.filter((event) => new Date(event.recordedAt) <= bound);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(await store.readStream(streamId, { toRecordedAt: bound })).toEqual(expected);
    expect(await store.readStream(streamId, { toRecordedAt: new Date(Date.parse(first.events[0].recordedAt) - 1) })).toEqual([]);
  });

  it('reports version 0 and no events for a missing stream', async () => {
    const streamId = newStreamId();
    expect(await store.streamVersion(streamId)).toBe(0);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  it('resumes readAll right after any event from that event\'s cursor', async () => {
    const streamId = newStreamId();
    await append(streamId, 5);
    const all = await readWholeLog(store, 1000, streamId);
    const ours = all.filter((event) => event.streamId === streamId);
    expect(ours.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    const index = all.indexOf(ours[1]);
    const rest = await store.readAll({ after: ours[1].cursor, limit: 3 });
    expect(rest.events.map((e) => e.eventId)).toEqual(all.slice(index + 1, index + 4).map((e) => e.eventId));
    expect(rest.cursor).toBe(rest.events[2].cursor);
    expect((await readWholeLog(store, 7)).slice(0, all.length).map((e) => e.cursor)).toEqual(all.map((e) => e.cursor));
  });

  it('answers an empty page with the same cursor at the end of the log', async () => {
    const all = await readWholeLog(store, 1000);
    const last = all[all.length - 1].cursor;
    const page = await store.readAll({ after: last });
    expect(page).toEqual({ events: [], cursor: last, endOfLog: true });
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(store.readAll({ after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('applies registered upcasters in a chain on read, while hashes cover the stored form', async () => {
    const { store: upcasting } = await open({ upcasters });
    const streamId = newStreamId();
    await store.appendToStream(streamId, 'no_stream', [newEvent('ItemAdded', { sku: 'sku-1' }), newEvent('OrderPlaced', { total: 3 })]);
    const [item, order] = await upcasting.readStream(streamId);
    expect(item).toMatchObject({ schemaVersion: 3, data: { productId: 'sku-1', quantity: 1 } });
    expect(order).toMatchObject({ schemaVersion: 1, data: { total: 3 } });
    const logged = (await readWholeLog(upcasting, 1000, streamId)).find((event) => event.eventId === item.eventId);
    expect(logged).toMatchObject({ schemaVersion: 3, data: { productId: 'sku-1', quantity: 1 } });
    expect((await store.readStream(streamId))[0]).toMatchObject({ schemaVersion: 1, data: { sku: 'sku-1' } });
    expect(await upcasting.verifyIntegrity(streamId)).toEqual({ ok: true, checked: 2 });
  });

  it('verifies an untampered log', async () => {
    const report = await store.verifyIntegrity();
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(0);
  });
}

/**
 * Reads the whole log; `includes` waits (with a deadline) until an event is readable, because
 * readAll holds back commits behind any older writing transaction still running in its database.
 */
async function readWholeLog(store: EventStore, limit: number, includes?: string): Promise<LogEvent[]> {
  return eventually('the whole log is readable', async () => {
    const all: LogEvent[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.readAll({ after, limit });
      all.push(...page.events);
      after = page.cursor;
      if (page.endOfLog) break;
    }
    return includes === undefined || all.some((event) => event.streamId === includes) ? all : undefined;
  }, { timeoutMs: 30_000, everyMs: 0 });
}
