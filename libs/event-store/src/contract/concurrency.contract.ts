import { WrongExpectedVersionError } from '../errors';
import { isDuplicateAppend, type EventStore, type LogEvent } from '../event-store.port';
import { eventually } from '@ordersource/testing/eventually';
import { events, newEvent, newStreamId, type OpenContractSubject } from './fixtures';

const WRITERS = 16;

export function concurrencyContract(open: OpenContractSubject): void {
  let store: EventStore;
  beforeAll(async () => {
    ({ store } = await open());
  });

  it('lets exactly one of 16 writers racing on one stream win each version', async () => {
    const streamId = newStreamId();
    const first = await Promise.allSettled(Array.from({ length: WRITERS }, () => store.appendToStream(streamId, 'no_stream', events(1))));
    expect(first.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of first.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
    }

    // Then every writer keeps retrying with the version it read until it has won 3 times.
    const won: number[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        let wins = 0;
        while (wins < 3) {
          const version = await store.streamVersion(streamId);
          try {
            const result = await store.appendToStream(streamId, version, [newEvent('ItemAdded', { writer, win: wins })]);
            if (isDuplicateAppend(result)) throw new Error('unexpected duplicate');
            won.push(result.version);
            wins++;
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError)) throw error;
          }
        }
      }),
    );
    const expected = Array.from({ length: WRITERS * 3 }, (_, i) => i + 2);
    expect([...won].sort((a, b) => a - b)).toEqual(expected);
    const stored = await store.readStream(streamId);
    expect(stored.map((event) => event.version)).toEqual([1, ...expected]);
    expect((await store.verifyIntegrity(streamId)).ok).toBe(true);
  });

  it('loses nothing while 16 writers append to 10,000 streams and a reader tails the log', async () => {
    const total = 10_000;
    const streams = Array.from({ length: total }, () => newStreamId());
    const ours = new Set(streams);
    let next = 0;
    const writers = Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < total) {
          const streamId = streams[next++];
          await store.appendToStream(streamId, 'no_stream', [newEvent('OrderPlaced', { streamId })]);
        }
      }),
    );
    const tailed: LogEvent[] = [];
    let cursor: string | undefined;
    let seenOurs = 0;
    const tail = eventually('the tail has seen every event', async () => {
      const page = await store.readAll({ after: cursor, limit: 500 });
      for (const event of page.events) {
        tailed.push(event);
        if (ours.has(event.streamId)) seenOurs++;
      }
      cursor = page.cursor;
      return seenOurs >= total;
    }, { timeoutMs: 60_000, everyMs: 0 });
    await Promise.all([writers, tail]);

    const full: LogEvent[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.readAll({ after, limit: 5000 });
      full.push(...page.events);
      after = page.cursor;
      if (page.endOfLog) break;
    }
    const fullIds = full.map((event) => event.eventId);
    expect(new Set(fullIds).size).toBe(fullIds.length);
    const oursInLog = full.filter((event) => ours.has(event.streamId));
    expect(oursInLog).toHaveLength(total);
    expect(new Set(oursInLog.map((event) => event.streamId)).size).toBe(total);
    // The tailing reader saw a prefix of exactly the same order, with the same cursors.
    expect(tailed.map((event) => event.cursor)).toEqual(full.slice(0, tailed.length).map((event) => event.cursor));
    expect(tailed.map((event) => event.eventId)).toEqual(fullIds.slice(0, tailed.length));
  }, 90_000);
}
