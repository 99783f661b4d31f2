import { documentMatches, type Condition, type OrderHead, type ViewProgress, type ViewReader } from '@ordersource/read-models';

/** What a look found: the order's head, and the progress mark the look started at. */
export interface Look {
  head: OrderHead | undefined;
  mark: number;
}

interface Waiter {
  settle(outcome: Look | Error | undefined): void;
}

/**
 * What a parked search heard: the id of an order a look found meeting its conditions, or
 * `search-again` when progress named no orders (or came before it parked): then only the
 * caller's own query can tell.
 */
export type SearchOutcome = { orderId: string } | 'search-again';

interface Searcher {
  where: readonly Condition[];
  settle(outcome: SearchOutcome | Error | undefined): void;
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
 *
 * A read that knows its order only by a field of the document (GET /orders/by-number/{n}:
 * the number comes back from POST /orders before the view has the order, and no progress can
 * name an order id the reader does not know) parks as a search: the same look also loads
 * every order a batch moved and matches their documents against the search's conditions.
 */
export class HeadWatch {
  private readonly parked = new Map<string, Map<string, Set<Waiter>>>();
  private readonly searching = new Map<string, Set<Searcher>>();
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
      this.searchAgain(...this.searching.keys());
      return;
    }
    const orders = this.parked.get(progress.view);
    const searching = this.searching.has(progress.view);
    if (!progress.orderIds) {
      if (orders) this.schedule(progress.view, 'all');
      return this.searchAgain(progress.view);
    }
    // A search cannot tell which order it waits for: any order the batch moved may be it.
    const concerned = searching ? progress.orderIds : progress.orderIds.filter((orderId) => orders?.has(orderId));
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

  /**
   * The id of an order of the view whose document meets `where`, at the next look at the orders
   * a batch moved; `search-again` (see SearchOutcome); undefined at `deadline`. `mark`: taken
   * before the caller's own query. Rejects if the look fails.
   */
  search(view: string, where: readonly Condition[], mark: number, deadline: number): Promise<SearchOutcome | undefined> {
    // Progress since the caller's query may have named the order; which ones it named is gone.
    if (mark !== this.heard) return Promise.resolve('search-again');
    return new Promise((resolve, reject) => {
      const searchers = this.searching.get(view) ?? new Set<Searcher>();
      this.searching.set(view, searchers);
      const timer = setTimeout(() => searcher.settle(undefined), Math.max(0, deadline - Date.now()));
      const searcher: Searcher = {
        where,
        settle: (outcome) => {
          clearTimeout(timer);
          searchers.delete(searcher);
          if (searchers.size === 0 && this.searching.get(view) === searchers) this.searching.delete(view);
          this.stopFallbackWhenIdle();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      searchers.add(searcher);
      this.fallback ??= setTimeout(() => this.poll(), this.fallbackPollMs);
    });
  }

  private unpark(view: string, orderId: string, waiter: Waiter): void {
    const orders = this.parked.get(view);
    const waiting = orders?.get(orderId);
    if (!orders || !waiting?.delete(waiter)) return;
    if (waiting.size === 0) orders.delete(orderId);
    if (orders.size === 0) this.parked.delete(view);
    this.stopFallbackWhenIdle();
  }

  private stopFallbackWhenIdle(): void {
    if (this.parked.size > 0 || this.searching.size > 0) return;
    clearTimeout(this.fallback);
    this.fallback = undefined;
  }

  private searchAgain(...views: string[]): void {
    for (const view of views) for (const searcher of [...(this.searching.get(view) ?? [])]) searcher.settle('search-again');
  }

  private poll(): void {
    this.fallback = undefined;
    for (const view of this.parked.keys()) this.schedule(view, 'all');
    this.searchAgain(...this.searching.keys());
    if (this.parked.size > 0 || this.searching.size > 0) this.fallback = setTimeout(() => this.poll(), this.fallbackPollMs);
  }

  private schedule(view: string, orderIds: Set<string> | 'all'): void {
    const already = this.due.get(view);
    if (already === 'all' || orderIds === 'all') {
      this.due.set(view, 'all');
      // The orders a batch named are lost in 'all': a search can only look again itself.
      if (orderIds !== 'all') this.searchAgain(view);
    } else this.due.set(view, new Set([...(already ?? []), ...orderIds]));
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
        // 'all' names no orders: searches were told to search again when it was scheduled.
        const moved = due === 'all' ? [] : [...due];
        const searchers = moved.length > 0 ? [...(this.searching.get(view) ?? [])] : [];
        const looked = new Set([...waiting.map(([orderId]) => orderId), ...(searchers.length > 0 ? moved : [])]);
        if (looked.size === 0) continue;
        let heads: Map<string, OrderHead> | Error;
        try {
          heads = await this.store.loadHeads(view, [...looked]);
        } catch (error) {
          heads = error instanceof Error ? error : new Error(String(error));
        }
        for (const [orderId, waiters] of waiting) {
          for (const waiter of waiters) waiter.settle(heads instanceof Error ? heads : { head: heads.get(orderId), mark });
        }
        for (const searcher of searchers) {
          if (heads instanceof Error) {
            searcher.settle(heads);
            continue;
          }
          const found = moved.find((orderId) => {
            const document = heads.get(orderId)?.document;
            return document && documentMatches(document, searcher.where);
          });
          if (found) searcher.settle({ orderId: found });
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
