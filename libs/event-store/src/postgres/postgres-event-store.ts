import type { DatabaseError, Pool } from 'pg';
import type {
  AppendOptions,
  AppendResult,
  DuplicateAppend,
  EventStore,
  ExpectedVersion,
  IntegrityReport,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  Upcaster,
} from '../event-store.port';
import { appendToStream, type AppendContext } from './append';
import { AppendBatcher } from './append-batch';
import { appendToNewStreams, type NewStream, type NewStreamsResult } from './append-new-streams';
import type { EventStoreDatabase } from './database';
import { HeadCache } from './heads';
import { verifyIntegrity } from './integrity';
import { Notifier, NOTIFY_CHANNEL } from './notifier';
import { readAll, readStream, streamVersion, Upcasting } from './read';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './validation';

export interface PostgresEventStoreOptions {
  upcasters?: readonly Upcaster[];
  /** Limit on one event's canonical data+metadata, in UTF-8 bytes; default 1 MiB. */
  maxPayloadBytes?: number;
  /** Called when waking LISTENers failed (the append itself had committed). */
  onNotifyError?: (error: unknown) => void;
  /**
   * Least time between two NOTIFY flushes, in ms (notifier.ts); default 5. A wake-up after a
   * pause goes at once; under load one waits at most this long, then carries every append since.
   */
  notifyIntervalMs?: number;
  /** How many stream heads to remember for one-round-trip appends (append.ts); 0 turns that off. Default 10,000. */
  headCacheSize?: number;
  /**
   * One-round-trip appends in flight at once (append-batch.ts); appends arriving while that many
   * are in flight go together in one transaction. Default 4: up to 4 concurrent writers see no
   * batching (their commits overlap in the server); 16 writers' appends go about 4 to a transaction.
   */
  appendsInFlight?: number;
  /**
   * Called when the server refused a batch of appends as a whole (a SQLSTATE over a live
   * connection: a duplicate event id, a deadlock, a bad value), just before its `members` are sent
   * alone; nothing of the batch was written. Frequent calls mean something to look at.
   */
  onBatchRefused?: (error: DatabaseError, members: number) => void;
}

/**
 * Under the log tail's own re-read after a wake-up (10 ms, messaging's log-tail.ts), so a
 * listener under load hears of appends about as soon as it would look for them anyway.
 */
const DEFAULT_NOTIFY_INTERVAL_MS = 5;

const DEFAULT_APPENDS_IN_FLIGHT = 4;

/** The EventStore port on PostgreSQL; the only writer of the events table. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly upcasting: Upcasting;
  private readonly appendContext: AppendContext;
  private readonly notifier: Notifier;
  private readonly heads: HeadCache;

  constructor(
    private readonly database: Pick<EventStoreDatabase, 'pool' | 'chainKey'>,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pool = database.pool;
    this.upcasting = new Upcasting(options.upcasters);
    this.notifier = new Notifier(this.pool, options.onNotifyError, NOTIFY_CHANNEL, options.notifyIntervalMs ?? DEFAULT_NOTIFY_INTERVAL_MS);
    this.heads = new HeadCache(options.headCacheSize ?? 10_000);
    this.appendContext = {
      heads: this.heads,
      batcher: new AppendBatcher(this.pool, options.appendsInFlight ?? DEFAULT_APPENDS_IN_FLIGHT, options.onBatchRefused),
      pool: this.pool,
      chainKey: database.chainKey,
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      notify: (payload) => this.notifier.notify(payload),
    };
  }

  appendToStream(streamId: string, expected: ExpectedVersion, events: NewEvent[], options?: AppendOptions): Promise<AppendResult | DuplicateAppend> {
    return appendToStream(this.appendContext, streamId, expected, events, options);
  }

  /** Creates many streams in one transaction (the import); existing ones are left as they are. */
  appendToNewStreams(streams: NewStream[]): Promise<NewStreamsResult> {
    return appendToNewStreams(this.appendContext, streams);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await readStream(this.pool, this.upcasting, streamId, options);
    // A read to the end is how a command loads the stream it will append to: remember its head.
    const last = events[events.length - 1];
    if (last && options?.toVersion === undefined && options?.toRecordedAt === undefined) {
      this.heads.remember(streamId, { version: last.version, hash: last.hash, recordedAtMs: Date.parse(last.recordedAt) });
    }
    return events;
  }

  streamVersion(streamId: string): Promise<number> {
    return streamVersion(this.pool, streamId);
  }

  readAll(options?: ReadAllOptions): Promise<ReadAllPage> {
    return readAll(this.pool, this.upcasting, options);
  }

  verifyIntegrity(streamId?: string): Promise<IntegrityReport> {
    return verifyIntegrity(this.pool, this.database.chainKey, streamId);
  }

  /** Waits until the wake-ups of the appends so far were sent; call before closing the pool. */
  notificationsSent(): Promise<void> {
    return this.notifier.drained();
  }
}
