import { randomUUID } from 'node:crypto';
import {
  AppendOptions,
  AppendResult,
  DuplicateAppend,
  EventStore,
  ExpectedVersion,
  IdempotencyClaim,
  IdempotencyKey,
  IdempotencyKeyReusedError,
  IdempotencyStore,
  IdempotentResult,
  IntegrityReport,
  NewEvent,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@ordersource/event-store';

interface IdempotencyRow {
  requestHash: string;
  completed: boolean;
  result: IdempotentResult;
}

/**
 * The EventStore and IdempotencyStore ports in memory, for unit specs of the command path (no
 * socket): appends are atomic (one synchronous step), versions are checked as the PostgreSQL
 * adapter checks them, and an idempotent append completes its key with the events. Expiry,
 * hashing and the log's cursors are the adapter's business and are not modelled here.
 */
export class InMemoryEventStore implements EventStore, IdempotencyStore {
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly idempotency = new Map<string, IdempotencyRow>();
  private position = 0;

  async appendToStream(streamId: string, expected: ExpectedVersion, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult | DuplicateAppend> {
    const key = options.idempotency;
    const row = key && this.idempotency.get(rowId(key));
    if (key && row) {
      if (row.requestHash !== key.requestHash) throw new IdempotencyKeyReusedError(key.scope, key.key);
      if (row.completed) return { duplicate: true, result: row.result };
    }
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length;
    if (expected === 'no_stream' ? actual !== 0 : expected !== 'any' && expected !== actual) {
      throw new WrongExpectedVersionError(streamId, expected, actual);
    }
    const recordedAt = new Date().toISOString();
    const recorded = events.map((event, index): RecordedEvent => ({
      eventId: event.eventId ?? randomUUID(),
      streamId,
      version: actual + index + 1,
      position: String(++this.position),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: structuredClone(event.data),
      metadata: structuredClone(event.metadata),
      occurredAt: event.occurredAt,
      recordedAt,
      hash: '',
      previousHash: null,
    }));
    this.streams.set(streamId, [...stream, ...recorded]);
    const result: AppendResult = { streamId, version: actual + recorded.length, position: recorded[recorded.length - 1].position, events: recorded };
    if (key) this.idempotency.set(rowId(key), { requestHash: key.requestHash, completed: true, result: key.result(result) });
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER } = options;
    return (this.streams.get(streamId) ?? []).filter((event) => event.version >= fromVersion && event.version <= toVersion).map((event) => structuredClone(event));
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.streams.get(streamId)?.length ?? 0;
  }

  async readAll(): Promise<ReadAllPage> {
    throw new Error('readAll is not modelled in memory');
  }

  async verifyIntegrity(): Promise<IntegrityReport> {
    throw new Error('verifyIntegrity is not modelled in memory');
  }

  async claim(key: IdempotencyKey): Promise<IdempotencyClaim> {
    const row = this.idempotency.get(rowId(key));
    if (!row) {
      this.idempotency.set(rowId(key), { requestHash: key.requestHash, completed: false, result: null });
      return { kind: 'claimed' };
    }
    if (row.requestHash !== key.requestHash) throw new IdempotencyKeyReusedError(key.scope, key.key);
    return row.completed ? { kind: 'completed', result: row.result } : { kind: 'in_flight' };
  }

  async complete(key: IdempotencyKey, result: IdempotentResult): Promise<void> {
    this.idempotency.set(rowId(key), { requestHash: key.requestHash, completed: true, result });
  }

  async release(key: Pick<IdempotencyKey, 'scope' | 'key'>): Promise<void> {
    if (this.idempotency.get(rowId(key))?.completed === false) this.idempotency.delete(rowId(key));
  }
}

const rowId = (key: Pick<IdempotencyKey, 'scope' | 'key'>) => `${key.scope}\u0000${key.key}`;
