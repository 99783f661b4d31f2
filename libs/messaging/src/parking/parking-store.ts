import type { EventMessage } from '@ordersource/contracts';
import type { ParkedEvent } from '../subscription.port';

export interface EventToPark {
  event: EventMessage;
  error: string;
  attempts: number;
  waiting: boolean;
}

/**
 * Where an adapter keeps parked events: the `parked_events` table for the PostgreSQL log, the
 * dead-letter topic for Kafka. Parking is idempotent by (order, version): a batch delivered
 * again after a crash parks nothing twice.
 */
export interface ParkingStore {
  /** Orders with at least one parked event: their later events must wait. */
  blockedOrders(): Promise<ReadonlySet<string>>;
  park(events: EventToPark[]): Promise<void>;
  list(): Promise<ParkedEvent[]>;
  /** One order's parked events in version order. */
  parkedOf(orderId: string): Promise<ParkedEvent[]>;
  /** Forgets the order's parked events up to `throughVersion`, letting later ones flow. */
  release(orderId: string, throughVersion: number): Promise<void>;
}
