import { createHmac, randomUUID } from 'node:crypto';
import type { OrderEvent } from '@ordersource/domain';
import { WrongExpectedVersionError, isDuplicateAppend, type EventStore, type JsonObject, type NewEvent } from '@ordersource/event-store';
import canonicalize from 'canonicalize';
import { LineRejection, parseImportLine, type ImportLine } from './import-line';
import { ndjsonLines } from './ndjson-lines';
import { decideHistory } from './order-history';

/** Seals the personal fields of one order's events under its customer's key (libs/personal-data). */
export interface HistorySealer {
  sealEvents<E extends { readonly type: string; readonly data: object }>(customerId: string, events: readonly E[]): Promise<E[]>;
}

export interface OrderImporterOptions {
  store: Pick<EventStore, 'appendToStream' | 'readStream'>;
  sealer: HistorySealer;
  /**
   * Keys the HMACs that derive an order id from a line without one and fingerprint each line:
   * lines carry names and addresses, and a plain hash in the log would confirm a guessed one.
   * Must stay the same across runs (derived from the master key) for re-runs to be idempotent.
   */
  digestKey: Buffer;
  /** Orders appended at once (each its own transaction); default 16. */
  concurrency?: number;
  /** Rejections listed in the summary at most; the count goes on. Default 1000. */
  maxListedRejections?: number;
  now?: () => Date;
}

export interface ImportRun {
  /** Key subject of the caller; events carry actor `import:<subject>`. */
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

/** `order-<id>`: the command path's stream name (apps/command-service orderStream). */
const orderStream = (orderId: string) => `order-${orderId}`;

/**
 * The streaming core of the import (CLI and route): reads NDJSON lines as they arrive, runs each
 * order's whole history through the decider, seals it, and appends it as a new stream in one
 * transaction, with up to `concurrency` orders in flight (the only buffering: memory stays
 * constant whatever the file's size). Idempotent per order: an order's stream is created with
 * 'no_stream', so a re-run finds it and appends nothing; the first event carries the line's
 * fingerprint so the same id with other content is told apart and rejected.
 */
export class OrderImporter {
  private readonly concurrency: number;
  private readonly maxListed: number;
  private readonly now: () => Date;

  constructor(private readonly options: OrderImporterOptions) {
    this.concurrency = options.concurrency ?? 16;
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
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let bytesRead = 0;
    const reject = (line: number, type: string, detail: string) => {
      summary.rejectedCount++;
      if (summary.rejected.length < this.maxListed) summary.rejected.push({ line, type, detail });
    };
    const settle = () => run.onProgress?.({ lines: summary.lines, imported: summary.imported, alreadyImported: summary.alreadyImported, rejected: summary.rejectedCount, bytesRead });

    for await (const line of ndjsonLines(input, limitBytes)) {
      if (failure) break;
      summary.lines++;
      bytesRead = line.bytesRead;
      if (line.text === null) {
        reject(line.number, 'line-too-long', 'The line is longer than 1 MiB.');
        settle();
        continue;
      }
      const text = line.text;
      const task = this.importLine(text, { actor, now, summary })
        .then(
          (outcome) => {
            if (outcome.kind === 'imported') {
              summary.imported++;
              summary.events += outcome.events;
            } else if (outcome.kind === 'already-imported') summary.alreadyImported++;
            else reject(line.number, outcome.rule, outcome.detail);
          },
          (error: unknown) => {
            failure ??= error;
          },
        )
        .finally(() => {
          inFlight.delete(task);
          settle();
        });
      inFlight.add(task);
      if (inFlight.size >= this.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
    summary.rejected.sort((a, b) => a.line - b.line);
    return summary;
  }

  private async importLine(
    text: string,
    { actor, now, summary }: { actor: string; now: Date; summary: ImportSummary },
  ): Promise<{ kind: 'imported'; events: number } | { kind: 'already-imported' } | { kind: 'rejected'; rule: string; detail: string }> {
    let line: ImportLine;
    let events: OrderEvent[];
    let orderId: string;
    try {
      line = parseImportLine(text);
      orderId = line.orderId ?? this.derivedOrderId(line);
      events = decideHistory(line, { orderId, actor, correlationId: summary.correlationId, importId: summary.importId, now });
    } catch (error) {
      if (error instanceof LineRejection) return { kind: 'rejected', rule: error.rule, detail: error.detail };
      throw error;
    }
    const digest = this.digest('line', { ...line, orderId });
    const sealed = await this.options.sealer.sealEvents(line.customerId, events);
    const toAppend: NewEvent[] = sealed.map((event, index) => ({
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data as unknown as JsonObject,
      occurredAt: event.occurredAt,
      metadata: {
        correlationId: summary.correlationId,
        causationId: summary.importId,
        actor,
        customerId: line.customerId,
        requestedAt: events[index].occurredAt,
        importId: summary.importId,
        ...(index === 0 ? { importDigest: digest } : {}),
      },
    }));
    const streamId = orderStream(orderId);
    try {
      const result = await this.options.store.appendToStream(streamId, 'no_stream', toAppend);
      if (isDuplicateAppend(result)) return { kind: 'already-imported' };
      return { kind: 'imported', events: toAppend.length };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    const [first] = await this.options.store.readStream(streamId, { toVersion: 1 });
    if (first?.metadata.importDigest === digest) return { kind: 'already-imported' };
    return { kind: 'rejected', rule: 'order-already-exists', detail: `Order ${orderId} already exists with another history.` };
  }

  /** A UUID (RFC 9562 version 8: custom) from the line's content, the same on every run. */
  private derivedOrderId(line: ImportLine): string {
    const hex = this.digest('order-id', line).slice(0, 32).split('');
    hex[12] = '8';
    hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    const id = hex.join('');
    return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  }

  private digest(purpose: string, value: object): string {
    return createHmac('sha256', this.options.digestKey).update(`${purpose}\n${canonicalize(value) ?? ''}`).digest('hex');
  }
}
