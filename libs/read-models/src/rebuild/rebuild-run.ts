/**
 * One rebuild of one view, from its row in `rebuilds` (new or left running by a killed
 * process) to `swapped`, `verified` or `failed`. Steps: replay the log into the shadow through a
 * subscription of its own; once it has delivered the log below the bound observed at start,
 * observe a new bound and catch up to it; diff online; then either stop (verify-only) or pause
 * the live projection, bring the orders changed since the bound up to date, swap, resume.
 */
import type { EventStore, RecordedEvent } from '@ordersource/event-store';
import { fromEventMessage, type EventMessage, type Subscription, type SubscriptionSource } from '@ordersource/messaging';
import type { Pool } from 'pg';
import { runProjectionFillingGaps } from '../projection-runner';
import type { Projection } from '../projections/projection';
import type { ReadStore } from '../store/read-store.port';
import type { RebuildLock } from './advisory-locks';
import { catchUpChangedOrders, logBoundNow } from './catch-up';
import type { RebuildRecord, RebuildRecords, RebuildState } from './rebuild-records';
import { diffGenerations, type ViewDiff } from './view-diff';

export interface RebuildRunContext {
  pool: Pool;
  store: ReadStore;
  eventStore: EventStore;
  source: SubscriptionSource;
  records: RebuildRecords;
  projection: Projection;
  lock: RebuildLock;
  batchSize: number;
  /** Slices of a batch applied concurrently. */
  parallelism: number;
  diffCap: number;
  pollMs: number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** Thrown inside a run stopped by its process's shutdown: the row stays running, to resume. */
export class RebuildInterrupted extends Error {
  override readonly name = 'RebuildInterrupted';
}

export interface RebuildProgress {
  rebuildId: string;
  view: string;
  status: RebuildState;
  processed: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  differences?: number;
  differingIds?: string[];
}

export class RebuildRun {
  private processed: number;
  private total: number;
  private status: RebuildState;
  private subscription?: Subscription;
  private failure?: unknown;
  private stopping = false;
  private diff?: ViewDiff;
  private readonly runStartedAt = Date.now();
  private readonly processedAtRunStart: number;

  constructor(
    private readonly context: RebuildRunContext,
    private record: RebuildRecord,
  ) {
    this.processed = record.processed;
    this.total = record.total;
    this.status = record.status;
    this.processedAtRunStart = record.processed;
  }

  get rebuildId(): string {
    return this.record.rebuildId;
  }

  progress(): RebuildProgress {
    const rate = this.rate();
    const remaining = Math.max(0, this.total - this.processed);
    return {
      rebuildId: this.record.rebuildId,
      view: this.record.view,
      status: this.status,
      processed: this.processed,
      total: this.total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: this.status === 'running' ? (rate > 0 ? Math.ceil(remaining / rate) : null) : 0,
      ...(this.diff ? { differences: this.diff.differences, differingIds: this.diff.differingIds } : {}),
    };
  }

  /** Stops at the next step; the row stays `running`/`verifying` so a restart resumes it. */
  interrupt(): void {
    this.stopping = true;
  }

  async execute(): Promise<RebuildRecord> {
    const { context, record } = this;
    const { view, generation } = record;
    try {
      this.subscription = await context.source.subscribe(`rebuild.${view}.${record.rebuildId}`, (batch) => this.apply(batch), { batchSize: context.batchSize });
      await this.waitUntil(() => this.processed >= this.total);
      // The log kept growing meanwhile: observe its head again and catch up with that too.
      const later = await logBoundNow(context.pool);
      this.total = Math.max(this.total, this.processed, later.events);
      await this.waitUntil(() => this.processed >= this.total);
      await this.saveProgress();
      context.log('rebuild caught up with the log', { view, rebuildId: record.rebuildId, processed: this.processed });
      await this.setStatus('verifying');
      const generations = await context.store.generations(view);
      this.diff = await diffGenerations(context.store, context.projection.view, generations.active, generation, { cap: context.diffCap });
      context.log('rebuild diff', { view, rebuildId: record.rebuildId, ...this.diff, differingIds: this.diff.differingIds.slice(0, 10) });
      if (this.stopping) throw new RebuildInterrupted('rebuild interrupted by shutdown');
      if (record.verifyOnly) {
        await this.stopSubscription();
        await context.store.dropGeneration(view, generation);
        await this.setStatus('verified');
      } else {
        // Swept from the bound at the start, not the later one: on Kafka the count can be
        // reached while one partition still lags another (or with redelivered duplicates), but
        // not by more than the whole rebuild's duration.
        await this.swapWithLivePaused(record.logBound);
        await this.stopSubscription();
        await this.setStatus('swapped');
      }
      context.log('rebuild finished', { view, rebuildId: record.rebuildId, status: this.status, processed: this.processed });
    } catch (error) {
      await this.stopSubscription();
      if (error instanceof RebuildInterrupted) throw error;
      this.status = 'failed';
      await context.records.fail(record.rebuildId, error instanceof Error ? error.message : String(error));
      const generations = await context.store.generations(view).catch(() => undefined);
      if (generations && generations.active !== generation) await context.store.dropGeneration(view, generation).catch(() => undefined);
      context.log('rebuild failed', { view, rebuildId: record.rebuildId, error: String(error) });
    }
    this.record = (await context.records.latest(view)) ?? record;
    return this.record;
  }

  private async swapWithLivePaused(bound: string): Promise<void> {
    const { context, record } = this;
    const pausedAt = Date.now();
    await context.lock.pauseLive();
    try {
      const caughtUp = await catchUpChangedOrders(context.pool, context.eventStore, context.projection, context.store, record.generation, bound);
      await context.store.swap(record.view, record.generation);
      context.log('rebuild swapped', { view: record.view, rebuildId: record.rebuildId, generation: record.generation, caughtUp, pausedMs: Date.now() - pausedAt });
    } finally {
      await context.lock.resumeLive();
    }
  }

  /**
   * The subscription's handler. It never throws: a rebuild event that fails must not be parked
   * (the shadow would silently miss it); the run fails instead, and the view stays as it was.
   */
  private async apply(batch: readonly EventMessage[]): Promise<void> {
    if (this.failure) return;
    try {
      // Orders are independent: a batch is applied in a few slices by order at once, so the
      // read store's round trips overlap (the subscription itself hands batches one at a time).
      const slices = sliceByOrder(batch.map(fromEventMessage), this.context.parallelism);
      await Promise.all(
        slices.map(async (events) => {
          // A transport gap (e.g. a replayed dead letter) is filled from the event store, as live does.
          await runProjectionFillingGaps(this.context.projection, this.context.store, this.context.eventStore, events, { generation: this.record.generation });
        }),
      );
      this.processed += batch.length;
      if (this.processed > this.total && this.status === 'running') this.total = this.processed;
      await this.saveProgress();
    } catch (error) {
      this.failure = error;
    }
  }

  private async waitUntil(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.failure) throw this.failure;
      if (this.stopping) throw new RebuildInterrupted('rebuild interrupted by shutdown');
      await new Promise((resolve) => setTimeout(resolve, this.context.pollMs));
    }
    if (this.failure) throw this.failure;
  }

  private rate(): number {
    const seconds = (Date.now() - this.runStartedAt) / 1000;
    return seconds > 0 ? (this.processed - this.processedAtRunStart) / seconds : 0;
  }

  private async saveProgress(): Promise<void> {
    const progress = this.progress();
    await this.context.records.progress(this.record.rebuildId, { processed: this.processed, total: this.total, eventsPerSecond: progress.eventsPerSecond, etaSeconds: progress.etaSeconds });
  }

  private async setStatus(status: RebuildState): Promise<void> {
    this.status = status;
    await this.context.records.setStatus(this.record.rebuildId, status, this.diff);
  }

  private async stopSubscription(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop().catch(() => undefined);
  }
}

function sliceByOrder(events: RecordedEvent[], slices: number): RecordedEvent[][] {
  if (slices <= 1) return [events];
  const out: RecordedEvent[][] = Array.from({ length: slices }, () => []);
  const slot = new Map<string, number>();
  for (const event of events) {
    let index = slot.get(event.streamId);
    if (index === undefined) {
      index = slot.size % slices;
      slot.set(event.streamId, index);
    }
    out[index].push(event);
  }
  return out.filter((slice) => slice.length > 0);
}
