import { randomUUID } from 'node:crypto';
import { nextOrderNumbers, type OrderEvent } from '@ordersource/domain';
import { type EventStore, type JsonObject, type NamedSequences, type NewEvent, type NewStream, type NewStreamsResult } from '@ordersource/event-store';
import { LineRejection, parseImportLine, type ImportLine } from './import-line';
import { lineDigest } from './line-digest';
import { ndjsonLines } from './ndjson-lines';
import { decideHistory } from './order-history';

/**
 * Seals the personal fields of orders' events under their customers' keys (libs/personal-data),
 * a whole batch with one key lookup.
 */
export interface HistorySealer {
  sealHistories<E extends { readonly type: string; readonly data: object }>(histories: readonly { customerId: string; events: readonly E[] }[]): Promise<E[][]>;
}

/** Where histories go: the event store's batch of new streams, and a stream read for repeats. */
export type HistoryStore = Pick<EventStore, 'readStream'> & {
  appendToNewStreams(streams: NewStream[]): Promise<NewStreamsResult>;
};

export interface OrderImporterOptions {
  store: HistoryStore;
  sealer: HistorySealer;
  /** Where order numbers come from: imported orders are numbered in their `placedAt` year. */
  sequences: NamedSequences;
  /**
   * Keys the HMACs that derive an order id from a line without one and fingerprint each line:
   * lines carry names and addresses, and a plain hash in the log would confirm a guessed one.
   * Must stay the same across runs (derived from the master key) for re-runs to be idempotent.
   */
  digestKey: Buffer;
  /** Orders per transaction; default 200. */
  batchSize?: number;
  /** Batches being sealed and written at once; default 2 (one is written while the next is sealed). */
  concurrentBatches?: number;
  /** Rejections listed in the summary at most; the count goes on. Default 1000. */
  maxListedRejections?: number;
  now?: () => Date;
}

export interface ImportRun {
  /** Who runs the import (`admin:<key name>` over HTTP, `cli` from the CLI); events carry actor `import:<subject>`. */
  subject: string;
  importId?: string;
  correlationId?: string;
  /** Called after each line is settled (rate-limit it on the caller's side). */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  lines: number;
  imported: number;
  alreadyImported: number;
  rejected: number;
  bytesRead: number;
}

export interface Rejection {
  line: number;
  /** The rule broken: a decider rule (`order-not-paid`), `invalid-request`, `malformed-json`, ... */
  type: string;
  detail: string;
}

/** The answer of `POST /admin/imports` and the CLI's final line (API.md). */
export interface ImportSummary {
  importId: string;
  correlationId: string;
  lines: number;
  imported: number;
  /** Orders already in the log from an earlier run of the same lines: nothing appended. */
  alreadyImported: number;
  rejected: Rejection[];
  /** All rejections, also those beyond the listed ones. */
  rejectedCount: number;
  events: number;
}

function newEvent(event: OrderEvent, digest: string | undefined, customerId: string, { actor, summary }: { actor: string; summary: ImportSummary }): NewEvent {
  return {
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as unknown as JsonObject,
    occurredAt: event.occurredAt,
    metadata: {
      correlationId: summary.correlationId,
      causationId: summary.importId,
      actor,
      customerId,
      requestedAt: event.occurredAt,
      importId: summary.importId,
      ...(digest !== undefined ? { importDigest: digest } : {}),
    },
  };
}

/** `order-<id>`: the command path's stream name (apps/command-service orderStream). */
const orderStream = (orderId: string) => `order-${orderId}`;

interface PreparedOrder {
  line: number;
  orderId: string;
  streamId: string;
  customerId: string;
  digest: string;
  /** Parsed; write() draws its order number, decides its history and seals the batch. */
  source: ImportLine;
}

type Outcome = { kind: 'imported'; events: number } | { kind: 'already-imported' } | { kind: 'rejected'; rule: string; detail: string };

/**
 * The streaming core of the import (CLI and route): reads NDJSON lines as they arrive, runs each
 * order's whole history through the decider, seals it, and appends batches of orders as new
 * streams, one transaction per batch (a commit per order would cap the rate at the server's
 * flush rate). Only `batchSize * (concurrentBatches + 1)` orders are held at once: memory stays
 * constant whatever the file's size. Idempotent per order: a stream that exists is never
 * appended to; the first event carries the line's fingerprint, so a repeat of the same line is
 * told apart from another history under the same id (rejected).
 */
export class OrderImporter {
  private readonly batchSize: number;
  private readonly concurrentBatches: number;
  private readonly maxListed: number;
  private readonly now: () => Date;

  constructor(private readonly options: OrderImporterOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.concurrentBatches = options.concurrentBatches ?? 2;
    this.maxListed = options.maxListedRejections ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  async run(input: AsyncIterable<Buffer | string>, run: ImportRun, limitBytes?: number): Promise<ImportSummary> {
    const summary: ImportSummary = {
      importId: run.importId ?? randomUUID(),
      correlationId: run.correlationId ?? randomUUID(),
      lines: 0,
      imported: 0,
      alreadyImported: 0,
      rejected: [],
      rejectedCount: 0,
      events: 0,
    };
    const actor = `import:${run.subject}`;
    const now = this.now();
    let bytesRead = 0;
    const progress = () => run.onProgress?.({ lines: summary.lines, imported: summary.imported, alreadyImported: summary.alreadyImported, rejected: summary.rejectedCount, bytesRead });
    const record = (line: number, outcome: Outcome) => {
      if (outcome.kind === 'imported') {
        summary.imported++;
        summary.events += outcome.events;
      } else if (outcome.kind === 'already-imported') {
        summary.alreadyImported++;
      } else {
        summary.rejectedCount++;
        if (summary.rejected.length < this.maxListed) summary.rejected.push({ line, type: outcome.rule, detail: outcome.detail });
      }
      progress();
    };

    const writing = new Set<Promise<void>>();
    let failure: unknown;
    let batch: PreparedOrder[] = [];
    const flush = async () => {
      const full = batch;
      batch = [];
      if (full.length === 0) return;
      const task = this.write(full, { actor, now, summary }, record).then(
        () => undefined,
        (error: unknown) => {
          failure ??= error;
        },
      );
      writing.add(task);
      void task.finally(() => writing.delete(task));
      while (writing.size >= this.concurrentBatches) await Promise.race(writing);
    };

    for await (const { number, text, bytesRead: read } of ndjsonLines(input, limitBytes)) {
      if (failure) break;
      summary.lines++;
      bytesRead = read;
      const prepared = text === null ? ({ kind: 'rejected', rule: 'line-too-long', detail: 'The line is longer than 1 MiB.' } as const) : this.prepare(number, text);
      if ('kind' in prepared) {
        record(number, prepared);
        continue;
      }
      // One stream may be created once per transaction: a repeated line waits for the batch before it.
      if (batch.some((order) => order.streamId === prepared.streamId)) {
        await flush();
        await Promise.all(writing);
      }
      batch.push(prepared);
      if (batch.length >= this.batchSize) await flush();
    }
    if (!failure) await flush();
    await Promise.all(writing);
    if (failure) throw failure;
    summary.rejected.sort((a, b) => a.line - b.line);
    return summary;
  }

  /** Parses one line (synchronous); write() decides it once its order number is drawn. */
  private prepare(number: number, text: string): PreparedOrder | Outcome {
    let line: ImportLine;
    try {
      line = parseImportLine(text);
    } catch (error) {
      if (error instanceof LineRejection) return { kind: 'rejected', rule: error.rule, detail: error.detail };
      throw error;
    }
    const { orderId, digest } = lineDigest(line, this.options.digestKey);
    return { line: number, orderId, streamId: orderStream(orderId), customerId: line.customerId, digest, source: line };
  }

  /**
   * Draws the batch's order numbers (imported orders are numbered in their placedAt year; one round trip per year), decides
   * each history (a line that breaks a rule is rejected with its number), seals the batch with one
   * key lookup, appends it as new streams (one transaction) and settles each line.
   */
  private async write(batch: PreparedOrder[], context: { actor: string; now: Date; summary: ImportSummary }, record: (line: number, outcome: Outcome) => void): Promise<void> {
    const { actor, now, summary } = context;
    const numbers = await nextOrderNumbers(this.options.sequences, batch.map((order) => order.source.placedAt));
    const decided: { order: PreparedOrder; events: OrderEvent[] }[] = [];
    for (const [index, order] of batch.entries()) {
      try {
        const history = { orderId: order.orderId, actor, correlationId: summary.correlationId, importId: summary.importId, now, orderNumber: numbers[index] };
        decided.push({ order, events: decideHistory(order.source, history) });
      } catch (error) {
        if (!(error instanceof LineRejection)) throw error;
        record(order.line, { kind: 'rejected', rule: error.rule, detail: error.detail });
      }
    }
    if (decided.length === 0) return;
    const sealed = await this.options.sealer.sealHistories(decided.map(({ order, events }) => ({ customerId: order.customerId, events })));
    const valid = decided.map(({ order }, index) => ({
      order,
      stream: { streamId: order.streamId, events: sealed[index].map((event, position) => newEvent(event, position === 0 ? order.digest : undefined, order.customerId, context)) },
    }));
    const { existing } = await this.options.store.appendToNewStreams(valid.map(({ stream }) => stream));
    const present = new Set(existing);
    for (const { order, stream } of valid) {
      if (!present.has(order.streamId)) record(order.line, { kind: 'imported', events: stream.events.length });
    }
    for (const { order } of valid.filter(({ order }) => present.has(order.streamId))) {
      const [first] = await this.options.store.readStream(order.streamId, { toVersion: 1 });
      if (first?.metadata.importDigest === order.digest) record(order.line, { kind: 'already-imported' });
      else record(order.line, { kind: 'rejected', rule: 'order-already-exists', detail: `Order ${order.orderId} already exists with another history.` });
    }
  }
}
