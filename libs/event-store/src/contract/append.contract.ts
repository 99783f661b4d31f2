import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { isDuplicateAppend, type AppendResult, type EventStore } from '../event-store.port';
import { events, newEvent, newStreamId, type ContractSubject, type OpenContractSubject } from './fixtures';

export function appendContract(open: OpenContractSubject): void {
  let store: EventStore;
  beforeAll(async () => {
    ({ store } = (await open()) as ContractSubject);
  });

  async function append(...args: Parameters<EventStore['appendToStream']>): Promise<AppendResult> {
    const result = await store.appendToStream(...args);
    if (isDuplicateAppend(result)) throw new Error('unexpected duplicate');
    return result;
  }

  it('appends to a new stream with no_stream, numbering versions from 1 and chaining hashes', async () => {
    const streamId = newStreamId();
    const result = await append(streamId, 'no_stream', events(3));
    expect(result.version).toBe(3);
    expect(result.events.map((event) => event.version)).toEqual([1, 2, 3]);
    expect(result.events[0].previousHash).toBeNull();
    expect(result.events[1].previousHash).toBe(result.events[0].hash);
    expect(result.position).toBe(result.events[2].position);
    const read = await store.readStream(streamId);
    expect(read).toEqual(result.events);
    expect(await store.streamVersion(streamId)).toBe(3);
  });

  it('rejects an append when the expected version is stale, writing nothing', async () => {
    const streamId = newStreamId();
    await append(streamId, 'no_stream', events(2));
    const before = await store.readStream(streamId);
    const error = await store.appendToStream(streamId, 1, events(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId, expected: 1, actual: 2 });
    expect(await store.readStream(streamId)).toEqual(before);
    expect(await store.streamVersion(streamId)).toBe(2);
  });

  it('appends when the expected version is the current one', async () => {
    const streamId = newStreamId();
    await append(streamId, 'no_stream', events(2));
    const result = await append(streamId, 2, events(1));
    expect(result.version).toBe(3);
  });

  it('rejects no_stream on an existing stream', async () => {
    const streamId = newStreamId();
    await append(streamId, 'no_stream', events(1));
    await expect(store.appendToStream(streamId, 'no_stream', events(1))).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 1 });
    expect(await store.streamVersion(streamId)).toBe(1);
  });

  it('rejects a positive expected version on a missing stream, which stays missing', async () => {
    const streamId = newStreamId();
    await expect(store.appendToStream(streamId, 3, events(1))).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 0 });
    expect(await store.streamVersion(streamId)).toBe(0);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  it('treats expected version 0 as no_stream', async () => {
    const streamId = newStreamId();
    expect((await append(streamId, 0, events(1))).version).toBe(1);
    await expect(store.appendToStream(streamId, 0, events(1))).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('appends with any whether or not the stream exists', async () => {
    const streamId = newStreamId();
    expect((await append(streamId, 'any', events(1))).version).toBe(1);
    expect((await append(streamId, 'any', events(2))).version).toBe(3);
  });

  it('keeps a given event id and generates one when absent', async () => {
    const streamId = newStreamId();
    const eventId = '0b7c6a64-5f0e-4a53-9d3a-1e6f2b9f4c11';
    const result = await append(streamId, 'no_stream', [newEvent('OrderPlaced', { total: 1 }, { eventId }), newEvent()]);
    expect(result.events[0].eventId).toBe(eventId);
    expect(result.events[1].eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects an event id that is already in the log, writing nothing', async () => {
    const eventId = '7f1c2a64-5f0e-4a53-9d3a-1e6f2b9f4c13';
    await append(newStreamId(), 'no_stream', [newEvent('OrderPlaced', { total: 1 }, { eventId })]);
    const other = newStreamId();
    await expect(store.appendToStream(other, 'any', [newEvent(), newEvent('OrderPlaced', { total: 1 }, { eventId })])).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.streamVersion(other)).toBe(0);
  });

  it('stores data, metadata and timestamps exactly as given, including unicode and numbers', async () => {
    const streamId = newStreamId();
    const data = { text: 'Grüße 🎉 "quoted" \\ back', big: 1e21, small: 1.5e-7, neg: -0.1, nested: { b: [1, null, true], a: {} } };
    const result = await append(streamId, 'no_stream', [newEvent('OrderPlaced', data, { occurredAt: '1999-12-31T23:59:59.999Z' })]);
    const [read] = await store.readStream(streamId);
    expect(read.data).toEqual(data);
    expect(read.occurredAt).toBe('1999-12-31T23:59:59.999Z');
    expect(read.recordedAt).toBe(result.events[0].recordedAt);
    expect(read.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await store.verifyIntegrity(streamId)).ok).toBe(true);
  });
}
