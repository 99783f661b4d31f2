/**
 * Applies a batch of events to one projection's view, whatever transport delivered them: any
 * mix of orders, duplicates, and orders interleaved in any way. Per order, events at or below
 * the view's version are duplicates and skipped; the rest must continue the version without a
 * hole. A hole is never papered over: the order's events before it are applied, the rest are
 * returned as a ProjectionGapError so the caller can refetch the stream or park the order.
 */
import { Upcasting, type EventStore, type JsonObject, type RecordedEvent } from '@ordersource/event-store';
import { type Projection } from './projections/projection';
import { orderIdOf, orderStreamId, orderUpcasters } from '@ordersource/domain';
import type { GenerationOptions, OrderChangeSet, OrderHead, RecordDocument, ViewWriter } from './store/read-store.port';
import { foldWithReverts, revertedHead, revertOf } from './reverts';

export class ProjectionGapError extends Error {
  override readonly name = 'ProjectionGapError';
  constructor(
    readonly projection: string,
    readonly orderId: string,
    /** The version the view needs next. */
    readonly expected: number,
    /** The lowest version that was delivered instead. */
    readonly got: number,
  ) {
    super(`${projection}: order ${orderId} needs version ${expected} next, got ${got}`);
  }
}

/** Thrown when concurrent appliers kept moving an order's head for every retry. */
export class ProjectionContentionError extends Error {
  override readonly name = 'ProjectionContentionError';
}

export interface ProjectionRunStats {
  projection: string;
  /** Events applied (each at most once per view, across all concurrent appliers). */
  applied: number;
  /** Events at or below the view's version (redeliveries), skipped. */
  duplicates: number;
  /** Orders that had at least one event applied. */
  orders: number;
  /** Change sets refused because another applier moved the head first; recomputed. */
  retries: number;
  gaps: ProjectionGapError[];
}

export interface RunOptions extends GenerationOptions {
  /** Recomputations per order after concurrent appliers won; default 5. */
  maxRetries?: number;
  /**
   * Where an order's events before a revert are read (the event store): a revert restores the
   * head as it stood at its target (./reverts.ts), which the view's current head cannot tell.
   */
  history?: Pick<EventStore, 'readStream'>;
}

export async function runProjection(projection: Projection, store: ViewWriter, events: readonly RecordedEvent[], options: RunOptions = {}): Promise<ProjectionRunStats> {
  const stats: ProjectionRunStats = { projection: projection.name, applied: 0, duplicates: 0, orders: 0, retries: 0, gaps: [] };
  let pending = groupByOrder(events);
  const earlier = await eventsBeforeReverts(projection, pending, options.history);
  // Per order: a retry re-plans from the new head, so only its last plan's gap counts.
  const gaps = new Map<string, ProjectionGapError>();
  for (let attempt = 0; pending.size > 0; attempt += 1) {
    if (attempt > (options.maxRetries ?? 5)) {
      throw new ProjectionContentionError(`${projection.name}: orders ${[...pending.keys()].join(', ')} kept moving under concurrent appliers`);
    }
    // What this process applied last is reused; the apply's guard refuses it if another writer moved on.
    const heads = await store.loadHeads(projection.name, [...pending.keys()], { generation: options.generation, reuseApplied: true });
    const changeSets: OrderChangeSet[] = [];
    for (const [orderId, orderEvents] of pending) {
      const planned = planOrder(projection, orderId, orderEvents, heads.get(orderId), earlier.get(orderId) ?? []);
      gaps.delete(orderId);
      if (planned.gap) gaps.set(orderId, planned.gap);
      if (planned.changeSet) changeSets.push(planned.changeSet);
    }
    const result = changeSets.length > 0 ? await store.applyChanges(projection.name, changeSets, options) : { applied: [], conflicts: [] };
    for (const orderId of result.applied) {
      const changeSet = changeSets.find((candidate) => candidate.orderId === orderId) as OrderChangeSet;
      stats.applied += changeSet.version - changeSet.expectedVersion;
      stats.orders += 1;
    }
    stats.retries += result.conflicts.length;
    pending = new Map(result.conflicts.map((orderId) => [orderId, pending.get(orderId) as RecordedEvent[]]));
  }
  stats.gaps = [...gaps.values()];
  const gapped = stats.gaps.reduce((sum, gap) => sum + countFrom(events, gap), 0);
  stats.duplicates = events.length - stats.applied - gapped;
  return stats;
}

/** Throws the first gap of a run, for callers that cannot act on a partial batch. */
export function assertNoGaps(stats: ProjectionRunStats): void {
  if (stats.gaps.length > 0) throw stats.gaps[0];
}

/**
 * Every view folds events as the domain knows them now (OrderPlaced v1 reads as v2), whatever
 * delivered them: the PostgreSQL log, Kafka (which carries the stored form, docs/events.md),
 * a rebuild or a gap filled from the store. Stored bytes are never touched.
 */
const currentShape = new Upcasting(orderUpcasters);

interface OrderPlan {
  changeSet?: OrderChangeSet;
  gap?: ProjectionGapError;
}

function planOrder(projection: Projection, orderId: string, events: readonly RecordedEvent[], head: OrderHead | undefined, earlier: readonly RecordedEvent[]): OrderPlan {
  const from = head?.version ?? 0;
  let version = from;
  let document: JsonObject | null = head?.document ?? null;
  const records = new Map<string, RecordDocument>();
  const deletes = new Map<string, { collection: string; id: string }>();
  // Each event upcast once; what a revert folds again (the events before it, read for it, and
  // this batch's) only when the batch holds one: reverts are rare.
  const current = events.map((event) => currentShape.apply(event));
  let seen: RecordedEvent[] | undefined;
  let gap: ProjectionGapError | undefined;
  for (const event of current) {
    if (event.version <= version) continue;
    if (event.version !== version + 1) {
      gap = new ProjectionGapError(projection.name, orderId, version + 1, event.version);
      break;
    }
    const step = projection.evolve(document, event);
    const revert = revertOf(event);
    if (revert) {
      seen ??= [...earlier.map((past) => currentShape.apply(past)), ...current];
      const atTarget = foldWithReverts(
        seen.filter((candidate) => candidate.version <= revert.toVersion),
        (past: JsonObject | null, pastEvent: RecordedEvent) => projection.evolve(past, pastEvent).head,
      );
      document = revertedHead(atTarget, event.version);
      for (const ref of projection.voidedRecords?.(orderId, revert.voidedVersions) ?? []) {
        records.delete(`${ref.collection}\u0000${ref.id}`);
        deletes.set(`${ref.collection}\u0000${ref.id}`, ref);
      }
    } else {
      document = step.head;
    }
    for (const record of step.records) records.set(`${record.collection}\u0000${record.id}`, record);
    version = event.version;
  }
  const changeSet =
    version > from
      ? { orderId, expectedVersion: from, version, head: document, records: [...records.values()], ...(deletes.size > 0 ? { deletes: [...deletes.values()] } : {}) }
      : undefined;
  return { changeSet, gap };
}

/**
 * Per order whose delivered events hold a revert: its events before the first one, from the
 * event store. Reverts are rare, so this read is too; a caller without the store cannot apply one.
 */
async function eventsBeforeReverts(projection: Projection, pending: ReadonlyMap<string, RecordedEvent[]>, history: RunOptions['history']): Promise<Map<string, RecordedEvent[]>> {
  const earlier = new Map<string, RecordedEvent[]>();
  for (const [orderId, events] of pending) {
    const first = events.find((event) => revertOf(event) !== null);
    if (!first || first.version <= 1) continue;
    // A batch from the start of the stream (a rebuild, a test) already holds what the fold needs.
    const delivered = new Set(events.map((event) => event.version));
    if (Array.from({ length: first.version - 1 }, (_, index) => index + 1).every((version) => delivered.has(version))) continue;
    if (!history) throw new Error(`${projection.name}: order ${orderId} was reverted at version ${first.version}; applying it needs the event store (RunOptions.history)`);
    earlier.set(orderId, await history.readStream(orderStreamId(orderId), { fromVersion: 1, toVersion: first.version - 1 }));
  }
  return earlier;
}

/** Per order, events in version order with repeats of the same version dropped. */
function groupByOrder(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const byOrder = new Map<string, Map<number, RecordedEvent>>();
  for (const event of events) {
    const orderId = orderIdOf(event.streamId);
    const versions = byOrder.get(orderId) ?? new Map<number, RecordedEvent>();
    if (!versions.has(event.version)) versions.set(event.version, event);
    byOrder.set(orderId, versions);
  }
  // Sorted by order id so concurrent appliers lock rows in one order (no deadlocks).
  return new Map([...byOrder.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([orderId, versions]) => [orderId, [...versions.values()].sort((a, b) => a.version - b.version)]));
}

function countFrom(events: readonly RecordedEvent[], gap: ProjectionGapError): number {
  return events.filter((event) => orderIdOf(event.streamId) === gap.orderId && event.version >= gap.got).length;
}

export interface FilledGap {
  orderId: string;
  from: number;
  to: number;
}

/**
 * runProjection over delivered events, filling each transport gap (e.g. a replayed dead
 * letter's successors) from the event store, the source of truth, as far as the delivered
 * events reach; a gap the store cannot fill either is thrown, never papered over.
 */
export async function runProjectionFillingGaps(
  projection: Projection,
  store: ViewWriter,
  eventStore: Pick<EventStore, 'readStream'>,
  delivered: readonly RecordedEvent[],
  options: RunOptions = {},
): Promise<{ applied: number; filled: FilledGap[] }> {
  options = { ...options, history: options.history ?? eventStore };
  const stats = await runProjection(projection, store, delivered, options);
  let applied = stats.applied;
  const filled: FilledGap[] = [];
  for (const gap of stats.gaps) {
    const streamId = orderStreamId(gap.orderId);
    const to = Math.max(...delivered.filter((event) => event.streamId === streamId).map((event) => event.version));
    const missing = await eventStore.readStream(streamId, { fromVersion: gap.expected, toVersion: to });
    const again = await runProjection(projection, store, missing, options);
    if (again.gaps.length > 0) throw again.gaps[0];
    applied += again.applied;
    filled.push({ orderId: gap.orderId, from: gap.expected, to });
  }
  return { applied, filled };
}
