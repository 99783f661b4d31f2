import type { EventStore } from '@ordersource/event-store';
import { PAYMENT_RECORDS, type Condition, type ReadStore } from '@ordersource/read-models';
import type { IntegritySignal, OrderSignals, PaymentAttempt, PaymentSignals, ProjectionHealth, ProjectionSignals, WaitingOrder } from '../signals.port';

/** Enough for any real backlog; a rule never pages through a whole view. */
const MAX_SCANNED = 20_000;
const PAGE = 1000;

async function scan(store: ReadStore, query: { view: string; collection?: string; where: Condition[]; sortBy: string }, keep: (item: Record<string, unknown>) => boolean) {
  const kept: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await store.findPage({ ...query, direction: 'asc', limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const item of page.items) if (keep(item as Record<string, unknown>)) kept.push(item as Record<string, unknown>);
    scanned += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && scanned < MAX_SCANNED);
  return kept;
}

/**
 * The order-tracking view as OrderSignals: by status, placed before the cut-off (an order that
 * changed since placing was placed earlier still, so the view's (status, placedAt) index
 * narrows the scan), then by when the order last changed.
 */
export function orderSignalsFromViews(store: ReadStore): OrderSignals {
  return {
    async waitingOrders(statuses, changedBefore) {
      const cutOff = changedBefore.toISOString();
      const waiting: WaitingOrder[] = [];
      for (const status of statuses) {
        const items = await scan(store, { view: 'order-tracking', where: [{ field: 'status', op: 'eq', value: status }, { field: 'placedAt', op: 'lt', value: cutOff }], sortBy: 'placedAt' }, () => true);
        for (const item of items) {
          const since = lastChange(item);
          if (since < cutOff) waiting.push({ orderId: String(item.orderId), status, since });
        }
      }
      return waiting;
    },
  };
}

/** Scans come late with their own time: the order last changed at its latest event or scan. */
function lastChange(item: Record<string, unknown>): string {
  const updatedAt = String(item.updatedAt ?? item.placedAt);
  const scanAt = (item.shipment as { lastCheckpoint?: { at?: string } | null } | undefined)?.lastCheckpoint?.at;
  return scanAt && scanAt > updatedAt ? scanAt : updatedAt;
}

/** The payments view's records as PaymentSignals. */
export function paymentSignalsFromViews(store: ReadStore): PaymentSignals {
  return {
    async attemptsSince(since) {
      const items = await scan(
        store,
        { view: 'payments', collection: PAYMENT_RECORDS, where: [{ field: 'at', op: 'gte', value: since.toISOString() }], sortBy: 'at' },
        (item) => item.kind === 'authorization' || item.kind === 'failure',
      );
      return items.map((item): PaymentAttempt => ({ method: (item.method as string | null) ?? null, result: item.kind === 'failure' ? 'failed' : 'authorized' }));
    },
  };
}

/**
 * Projection health and parked events from the projector's published status: each view's
 * subscription counts its parked events where its adapter keeps them (the parked_events table
 * embedded, the dead-letter topic distributed), as GET /projections/{name}/parked lists them.
 */
export function projectionSignals(status: { list(): Promise<ProjectionHealth[]>; parkedCounts(): Promise<Map<string, number>> }): ProjectionSignals {
  return {
    projections: () => status.list(),
    parkedEvents: () => status.parkedCounts(),
  };
}

export function integritySignal(store: Pick<EventStore, 'verifyIntegrity'>): IntegritySignal {
  return {
    async firstBrokenOrder() {
      const report = await store.verifyIntegrity();
      return report.ok || !report.firstBroken ? null : report.firstBroken.streamId.replace(/^order-/, '');
    },
  };
}
