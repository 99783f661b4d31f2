/**
 * What the rules read, as small ports owned by them (STYLE.md): adapters over the views, the
 * projection status, the parking tables, the event store and the forecast plug in here.
 */

/** An order waiting in one status, as the order-tracking view holds it. */
export interface WaitingOrder {
  orderId: string;
  status: string;
  /** When the order last changed (business time): it has waited since then. */
  since: string;
}

export interface OrderSignals {
  /** Orders in one of `statuses` that have not changed since before `changedBefore`. */
  waitingOrders(statuses: readonly string[], changedBefore: Date): Promise<WaitingOrder[]>;
}

export interface PaymentAttempt {
  method: string | null;
  result: 'authorized' | 'failed';
}

export interface PaymentSignals {
  /** Authorizations and failures that happened at or after `since`. */
  attemptsSince(since: Date): Promise<PaymentAttempt[]>;
}

export interface ProjectionHealth {
  name: string;
  status: 'live' | 'rebuilding' | 'stalled';
  lagSeconds: number;
}

export interface ProjectionSignals {
  projections(): Promise<ProjectionHealth[]>;
  /** Parked events per projection (subscription); projections without any may be absent. */
  parkedEvents(): Promise<Map<string, number>>;
}

export interface IntegritySignal {
  /** The order whose chain is broken first, or null when the log verifies. */
  firstBrokenOrder(): Promise<string | null>;
}

/** The forecast of one complete hour next to what happened in it. */
export interface HourForecast {
  /** Start of the hour, ISO 8601 UTC. */
  hour: string;
  actual: number;
  expected: number;
  lower95: number;
  upper95: number;
}

/**
 * "Forecast the last complete hour": orders placed in the hour before `now`'s hour, and the 95%
 * band of a forecast trained on the history before that hour. Null while there is too little
 * history to forecast.
 */
export interface VolumeForecast {
  lastCompleteHour(now: Date): Promise<HourForecast | null>;
}
