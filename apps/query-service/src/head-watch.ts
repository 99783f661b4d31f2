import type { OrderHead, ViewProgress, ViewReader } from '@ordersource/read-models';

/** What a look found: the order's head, and the progress mark the look started at. */
export interface Look {
  head: OrderHead | undefined;
  mark: number;
}

interface Waiter {
  settle(outcome: Look | Error | undefined): void;
}

/**
 * Parked `X-Min-Version` reads, woken by the views' progress (issue 17: 50 parked reads, each
 * polling its order every 25 ms, raised the database to ~3,800 transactions a second; a
 * shared 25 ms poll still queried 40 times a second while anything waited). The projector
 * NOTIFYs after each committed batch with the orders it moved (`progress`); only then does
 * one `loadHeads` per view look at the parked orders among them, so the database work follows
 * the projector's batches, not the number of waiting requests, and nothing is read while
 * nothing moves. A lost notification costs at most `fallbackPollMs`: a slow shared poll
 * looks at every parked order meanwhile.
 */
export class HeadWatch {
  private readonly parked = new Map<string, Map<string, Set<Waiter>>>();
  /** Progress heard so far: a waiter that parks with an older mark may have missed its wake-up. */
  private heard = 0;
  private readonly due = new Map<string, Set<string> | 'all'>();
  private readonly looking = new Set<string>();
  private fallback: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<ViewReader, 'loadHeads'>,
    private readonly fallbackPollMs: number,
  ) {}

  /** Take it before reading a head yourself, and park with it: progress after it is never missed. */
  mark(): number {
    return this.heard;
  }

  /** A view moved (`undefined`: anything may have, e.g. the listener reconnected). */
  progress(progress: ViewProgress | undefined): void {
    this.heard += 1;
    if (!progress) {
      for (const view of this.parked.keys()) this.schedule(view, 'all');
      return;
    }
    const orders = this.parked.get(progress.view);
    if (!orders) return;
    if (!progress.orderIds) return this.schedule(progress.view, 'all');
    const concerned = progress.orderIds.filter((orderId) => orders.has(orderId));
    if (concerned.length > 0) this.schedule(progress.view, new Set(concerned));
  }

  /**
   * The order's head at the next look that concerns it, or undefined at `deadline` (the wait is
   * then unparked). Rejects if the look fails.
   */
  next(view: string, orderId: string, mark: number, deadline: number): Promise<Look | undefined> {
    return new Promise((resolve, reject) => {
      let orders = this.parked.get(view);
      if (!orders) this.parked.set(view, (orders = new Map()));
      const waiting = orders.get(orderId) ?? new Set<Waiter>();
      orders.set(orderId, waiting);
      const timer = setTimeout(() => waiter.settle(undefined), Math.max(0, deadline - Date.now()));
      const waiter: Waiter = {
        settle: (outcome) => {
          clearTimeout(timer);
          this.unpark(view, orderId, waiter);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      waiting.add(waiter);
      this.fallback ??= setTimeout(() => this.poll(), this.fallbackPollMs);
      if (mark !== this.heard) this.schedule(view, new Set([orderId]));
    });
  }

  private unpark(view: string, orderId: string, waiter: Waiter): void {
    const orders = this.parked.get(view);
    const waiting = orders?.get(orderId);
    if (!orders || !waiting?.delete(waiter)) return;
    if (waiting.size === 0) orders.delete(orderId);
    if (orders.size === 0) this.parked.delete(view);
    if (this.parked.size === 0) {
      clearTimeout(this.fallback);
      this.fallback = undefined;
    }
  }

  private poll(): void {
    this.fallback = undefined;
    for (const view of this.parked.keys()) this.schedule(view, 'all');
    if (this.parked.size > 0) this.fallback = setTimeout(() => this.poll(), this.fallbackPollMs);
  }

  private schedule(view: string, orderIds: Set<string> | 'all'): void {
    const already = this.due.get(view);
    if (already === 'all' || orderIds === 'all') this.due.set(view, 'all');
    else this.due.set(view, new Set([...(already ?? []), ...orderIds]));
    // One look per view at a time: progress heard while it runs is looked at right after it,
    // since the running look may have read before that commit was visible.
    if (!this.looking.has(view)) void this.look(view);
  }

  private async look(view: string): Promise<void> {
    this.looking.add(view);
    try {
      for (let due = this.take(view); due; due = this.take(view)) {
        const mark = this.heard;
        const orders = this.parked.get(view);
        const waiting = [...(orders?.entries() ?? [])]
          .filter(([orderId]) => due === 'all' || due.has(orderId))
          .map(([orderId, waiters]) => [orderId, [...waiters]] as const);
        if (waiting.length === 0) continue;
        let heads: Map<string, OrderHead> | Error;
        try {
          heads = await this.store.loadHeads(view, waiting.map(([orderId]) => orderId));
        } catch (error) {
          heads = error instanceof Error ? error : new Error(String(error));
        }
        for (const [orderId, waiters] of waiting) {
          for (const waiter of waiters) waiter.settle(heads instanceof Error ? heads : { head: heads.get(orderId), mark });
        }
      }
    } finally {
      this.looking.delete(view);
    }
  }

  private take(view: string): Set<string> | 'all' | undefined {
    const due = this.due.get(view);
    this.due.delete(view);
    return due;
  }
}
