import {
  EmptyAppendError,
  InvalidAppendError,
  InvalidEventError,
  InvalidExpectedVersionError,
  InvalidStreamIdError,
  PayloadTooLargeError,
} from '../errors';
import type { EventStore, ExpectedVersion, NewEvent } from '../event-store.port';
import { events, newEvent, newStreamId, type OpenContractSubject } from './fixtures';

type Case = [string, { streamId?: string; expected?: unknown; events?: unknown }, new (...args: never[]) => Error];

const metadata = { correlationId: 'c', causationId: 'c', actor: 'a' };
const cases: Case[] = [
  ['an empty event list', { events: [] }, EmptyAppendError],
  ['events that are not a list', { events: 'nope' }, InvalidAppendError],
  ['an unknown expected-version form', { expected: 'latest' }, InvalidExpectedVersionError],
  ['a negative expected version', { expected: -1 }, InvalidExpectedVersionError],
  ['a fractional expected version', { expected: 1.5 }, InvalidExpectedVersionError],
  ['an oversized payload', { events: [newEvent('OrderPlaced', { blob: 'x'.repeat(1024 * 1024) })] }, PayloadTooLargeError],
  ['an empty stream id', { streamId: '' }, InvalidStreamIdError],
  ['a stream id with a slash', { streamId: 'order/1' }, InvalidStreamIdError],
  ['a stream id with a space', { streamId: 'order 1' }, InvalidStreamIdError],
  ['a stream id over 200 characters', { streamId: 'o'.repeat(201) }, InvalidStreamIdError],
  ['an empty event type', { events: [newEvent('')] }, InvalidEventError],
  ['schema version 0', { events: [{ ...newEvent(), schemaVersion: 0 }] }, InvalidEventError],
  ['a fractional schema version', { events: [{ ...newEvent(), schemaVersion: 1.5 }] }, InvalidEventError],
  ['occurredAt without milliseconds', { events: [{ ...newEvent(), occurredAt: '2026-01-02T03:04:05Z' }] }, InvalidEventError],
  ['occurredAt with an offset', { events: [{ ...newEvent(), occurredAt: '2026-01-02T03:04:05.000+01:00' }] }, InvalidEventError],
  ['an impossible date', { events: [{ ...newEvent(), occurredAt: '2026-02-30T03:04:05.000Z' }] }, InvalidEventError],
  ['metadata without an actor', { events: [{ ...newEvent(), metadata: { correlationId: 'c', causationId: 'c' } }] }, InvalidEventError],
  ['data that is an array', { events: [{ ...newEvent(), data: [1] }] }, InvalidEventError],
  ['data with NaN', { events: [newEvent('OrderPlaced', { total: NaN })] }, InvalidEventError],
  ['data with undefined', { events: [newEvent('OrderPlaced', { total: undefined } as never)] }, InvalidEventError],
  ['data with a NUL character', { events: [newEvent('OrderPlaced', { name: 'a\u0000b' })] }, InvalidEventError],
  ['data with an unpaired surrogate', { events: [newEvent('OrderPlaced', { name: 'a\uD800b' })] }, InvalidEventError],
  ['a Date object in data', { events: [{ ...newEvent(), data: { at: new Date(0) } }] }, InvalidEventError],
  ['an event id that is not a UUID', { events: [{ ...newEvent(), eventId: 'evt-1' }] }, InvalidEventError],
  ['a repeated event id', { events: [0, 1].map(() => ({ ...newEvent(), eventId: '0b7c6a64-5f0e-4a53-9d3a-1e6f2b9f4c12', metadata })) }, InvalidEventError],
];

export function inputContract(open: OpenContractSubject): void {
  let store: EventStore;
  const streamId = newStreamId();
  beforeAll(async () => {
    ({ store } = await open());
    await store.appendToStream(streamId, 'no_stream', events(1));
  });

  it.each(cases)('rejects %s with a typed error, leaving the stream untouched', async (_name, input, errorClass) => {
    const before = await store.readStream(streamId);
    const error = await store
      .appendToStream(input.streamId ?? streamId, (input.expected ?? 'any') as ExpectedVersion, (input.events ?? events(1)) as NewEvent[])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect(await store.readStream(streamId)).toEqual(before);
  });

  it('accepts an event right at the payload limit', async () => {
    const target = newStreamId();
    const event = newEvent('OrderPlaced', { blob: '' });
    const overhead = JSON.stringify({ blob: '' }).length + JSON.stringify(event.metadata).length;
    event.data = { blob: 'x'.repeat(1024 * 1024 - overhead) };
    await expect(store.appendToStream(target, 'no_stream', [event])).resolves.toMatchObject({ version: 1 });
  });

  it('rejects an invalid stream id on read too', async () => {
    await expect(store.readStream('order/../1')).rejects.toBeInstanceOf(InvalidStreamIdError);
  });
}
