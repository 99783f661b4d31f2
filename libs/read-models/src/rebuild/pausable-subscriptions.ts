/**
 * A SubscriptionSource decorator for the live projections: every batch of a `projection.<view>`
 * subscription runs under the view's pause lock (shared), so a rebuild can hold the live
 * handler for the few events before its swap (advisory-locks.ts). Other subscriptions (the
 * rebuild's own, the relay's) pass through untouched.
 */
import type { SubscribeOptions, Subscription, SubscriptionHandler, SubscriptionSource } from '@ordersource/messaging';
import type { Pool } from 'pg';
import { whileNotPaused } from './advisory-locks';

const LIVE_PREFIX = 'projection.';

export class PausableSubscriptions implements SubscriptionSource {
  constructor(
    private readonly source: SubscriptionSource,
    private readonly pool: Pool,
  ) {}

  subscribe(name: string, handler: SubscriptionHandler, options?: SubscribeOptions): Promise<Subscription> {
    if (!name.startsWith(LIVE_PREFIX)) return this.source.subscribe(name, handler, options);
    const view = name.slice(LIVE_PREFIX.length);
    return this.source.subscribe(name, (batch) => whileNotPaused(this.pool, view, () => handler(batch)), options);
  }
}
