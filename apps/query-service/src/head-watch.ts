import type { OrderHead, ViewReader } from '@ordersource/read-models';

/**
 * Parked reads share one poll (issue 17: 50 parked `X-Min-Version` reads, each polling its own
 * order every 25 ms, raised the database to ~3,800 transactions a second). A read that must
 * wait asks for the next look at its order; every `pollMs` one `loadHeads` per view answers all
 * the orders then parked on it, so the load follows the number of views waited on, not the
 * number of waiting requests. With nothing parked, nothing polls.
 */
export class HeadWatch {
  private readonly parked = new Map<string, Map<string, ((head: OrderHead | undefined | Error) => void)[]>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ViewReader,
    private readonly pollMs: number,
  ) {}

  /** The order's head in the view at the next shared look (rejects if the look fails). */
  next(view: string, orderId: string): Promise<OrderHead | undefined> {
    return new Promise((resolve, reject) => {
      let orders = this.parked.get(view);
      if (!orders) this.parked.set(view, (orders = new Map()));
      const waiting = orders.get(orderId) ?? [];
      waiting.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      orders.set(orderId, waiting);
      this.timer ??= setTimeout(() => void this.look(), this.pollMs);
    });
  }

  private async look(): Promise<void> {
    const due = [...this.parked.entries()];
    this.parked.clear();
    await Promise.all(
      due.map(async ([view, orders]) => {
        let heads: Map<string, OrderHead> | Error;
        try {
          heads = await this.store.loadHeads(view, [...orders.keys()]);
        } catch (error) {
          heads = error instanceof Error ? error : new Error(String(error));
        }
        for (const [orderId, waiting] of orders) for (const wake of waiting) wake(heads instanceof Error ? heads : heads.get(orderId));
      }),
    );
    this.timer = this.parked.size > 0 ? setTimeout(() => void this.look(), this.pollMs) : undefined;
  }
}
