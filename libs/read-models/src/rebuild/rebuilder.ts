/**
 * Rebuilds read models from the log beside the live ones (issue 7): the projector service's
 * routes and the replay CLI both drive this. One rebuild per view cluster-wide (advisory lock);
 * a rebuild whose process died is resumed by the next start of that view, from its
 * subscription's checkpoint and its row in `rebuilds`.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ordersource/event-store';
import type { SubscriptionSource } from '@ordersource/messaging';
import type { Pool } from 'pg';
import { projections as defaultProjections } from '../projections';
import type { Projection } from '../projections/projection';
import type { ReadStore, ViewGenerations } from '../store/read-store.port';
import { RebuildLock } from './advisory-locks';
import { catchUpChangedOrders, logBoundNow } from './catch-up';
import { RebuildRecords, type RebuildRecord } from './rebuild-records';
import { RebuildInterrupted, RebuildRun, type RebuildProgress } from './rebuild-run';

export class UnknownViewError extends Error {
  override readonly name = 'UnknownViewError';
}

export class RebuildConflictError extends Error {
  override readonly name = 'RebuildConflictError';
}

export interface RebuilderOptions {
  /** The event store's pool (acts as ordersource_app): `rebuilds` rows and log queries. */
  pool: Pool;
  /** Owner's URL of the database: the lock connection. */
  url: string;
  /** A read store over `rebuildViews` (openRebuildStore). */
  store: ReadStore;
  eventStore: EventStore;
  /** The profile's subscription source, not the pausable one the live projections use. */
  source: SubscriptionSource;
  /** Default: the projections of this code version; a test may pass a fixed or buggy one. */
  projections?: Readonly<Record<string, Projection>>;
  /** Events per handler call of the rebuild subscription; default 5000 (readAll pages up to 10,000). */
  batchSize?: number;
  /** Slices of a batch applied at once (distinct orders); default 4. */
  parallelism?: number;
  /** Most differing ids kept; default 100. */
  diffCap?: number;
  pollMs?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface StartedRebuild {
  rebuildId: string;
  /** True when this continues a rebuild a dead process left running. */
  resumed: boolean;
  /** Settles with the final row; rejects only with RebuildInterrupted (shutdown). */
  done: Promise<RebuildRecord>;
}

export class Rebuilder {
  readonly records: RebuildRecords;
  private readonly runs = new Map<string, RebuildRun>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: RebuilderOptions) {
    this.records = new RebuildRecords(options.pool);
  }

  get views(): string[] {
    return Object.keys(this.projections);
  }

  /** Throws UnknownViewError, or RebuildConflictError while a rebuild of the view runs anywhere. */
  async start(view: string, options: { verifyOnly?: boolean } = {}): Promise<StartedRebuild> {
    const projection = this.projectionOf(view);
    const lock = await RebuildLock.tryAcquire(this.options.url, view);
    if (!lock) throw new RebuildConflictError(`a rebuild of ${view} is already running`);
    let run: RebuildRun;
    let resumed: boolean;
    try {
      const left = await this.records.unfinished(view);
      const generations = await this.options.store.generations(view);
      resumed = left !== undefined && generations.all.includes(left.generation) && left.generation !== generations.active;
      // Killed between the swap and its row's update: the swap happened.
      if (left && left.generation === generations.active) await this.records.setStatus(left.rebuildId, 'swapped');
      else if (left && !resumed) await this.records.fail(left.rebuildId, 'its shadow generation is gone');
      const record = resumed ? (left as RebuildRecord) : await this.createRebuild(view, generations, options.verifyOnly === true);
      run = new RebuildRun(
        {
          pool: this.options.pool,
          store: this.options.store,
          eventStore: this.options.eventStore,
          source: this.options.source,
          records: this.records,
          projection,
          lock,
          batchSize: this.options.batchSize ?? 5000,
          parallelism: this.options.parallelism ?? 4,
          diffCap: this.options.diffCap ?? 100,
          pollMs: this.options.pollMs ?? 50,
          log: this.options.log ?? (() => undefined),
        },
        record,
      );
    } catch (error) {
      await lock.release();
      throw error;
    }
    this.runs.set(view, run);
    const done = run.execute().finally(async () => {
      this.runs.delete(view);
      await lock.release();
    });
    const tracked = done.catch(() => undefined);
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return { rebuildId: run.rebuildId, resumed, done };
  }

  /** Progress of a rebuild running in this process, for the status publisher (synchronous). */
  active(view: string): RebuildProgress | undefined {
    return this.runs.get(view)?.progress();
  }

  /** The latest rebuild of the view, live figures when it runs here, else its row. */
  async status(view: string): Promise<RebuildProgress | undefined> {
    this.projectionOf(view);
    const running = this.active(view);
    if (running) return running;
    const row = await this.records.latest(view);
    if (!row) return undefined;
    return {
      rebuildId: row.rebuildId,
      view: row.view,
      status: row.status,
      processed: row.processed,
      total: row.total,
      eventsPerSecond: Math.round(row.eventsPerSecond),
      etaSeconds: row.etaSeconds,
      ...(row.differences !== null ? { differences: row.differences, differingIds: row.differingIds ?? [] } : {}),
    };
  }

  /**
   * Swaps the generation the last rebuild replaced back in; refused while a rebuild runs. The
   * generation coming back missed what the live projection wrote elsewhere since the swap, so
   * the orders changed since that rebuild's bound are brought up to date in it, still paused.
   */
  async rollback(view: string): Promise<ViewGenerations> {
    const projection = this.projectionOf(view);
    const lock = await RebuildLock.tryAcquire(this.options.url, view);
    if (!lock) throw new RebuildConflictError(`a rebuild of ${view} is running`);
    try {
      await lock.pauseLive();
      try {
        const generations = await this.options.store.rollback(view);
        const swapped = await this.records.latestSwapped(view);
        if (swapped) await catchUpChangedOrders(this.options.pool, this.options.eventStore, projection, this.options.store, generations.active, swapped.logBound);
        return generations;
      } finally {
        await lock.resumeLive();
      }
    } finally {
      await lock.release();
    }
  }

  /** Stops this process's rebuilds where they are; each resumes at the next start of its view. */
  async close(): Promise<void> {
    for (const run of this.runs.values()) run.interrupt();
    await Promise.all([...this.pending]);
  }

  private projectionOf(view: string): Projection {
    const projection = Object.hasOwn(this.projections, view) ? this.projections[view] : undefined;
    if (!projection) throw new UnknownViewError(`unknown projection "${view}"`);
    return projection;
  }

  private get projections(): Readonly<Record<string, Projection>> {
    return this.options.projections ?? defaultProjections;
  }

  /** The previous generation and stale shadows go now: the old view is kept until the next rebuild. */
  private async createRebuild(view: string, generations: ViewGenerations, verifyOnly: boolean): Promise<RebuildRecord> {
    const { store } = this.options;
    for (const generation of generations.all) if (generation !== generations.active) await store.dropGeneration(view, generation);
    const generation = await store.createShadow(view);
    const start = await logBoundNow(this.options.pool);
    return this.records.insert({ rebuildId: randomUUID(), view, generation, verifyOnly, logBound: start.bound, total: start.events });
  }
}

export { RebuildInterrupted };
