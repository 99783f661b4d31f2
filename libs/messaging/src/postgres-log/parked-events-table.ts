import type { ClientBase, Pool } from 'pg';
import type { EventToPark, ParkingStore } from '../parking/parking-store';
import type { ParkedEvent } from '../subscription.port';

interface ParkedRow {
  subscription: string;
  order_id: string;
  version: number;
  event: ParkedEvent['event'];
  error: string;
  attempts: number;
  waiting: boolean;
  parked_at: Date;
}

/** Parked events of one subscription in the `parked_events` table, written by its active reader. */
export class ParkedEventsTable implements ParkingStore {
  private blocked: Set<string> | undefined;

  constructor(
    private readonly subscription: string,
    /** Reads: any instance may list. */
    private readonly pool: Pool,
    /** Writes go through the active reader's lock connection, fenced like its checkpoint. */
    private readonly client: () => ClientBase,
  ) {}

  async blockedOrders(): Promise<ReadonlySet<string>> {
    if (!this.blocked) {
      const { rows } = await this.client().query<{ order_id: string }>('SELECT DISTINCT order_id FROM parked_events WHERE subscription = $1', [this.subscription]);
      this.blocked = new Set(rows.map((row) => row.order_id));
    }
    return this.blocked;
  }

  async park(events: EventToPark[]): Promise<void> {
    if (events.length === 0) return;
    await this.client().query(
      `INSERT INTO parked_events (subscription, order_id, version, event, error, attempts, waiting)
       SELECT $1, e->>'orderId', (e->>'version')::int, e->'event', e->>'error', (e->>'attempts')::int, (e->>'waiting')::boolean
       FROM jsonb_array_elements($2::jsonb) AS e
       ON CONFLICT (subscription, order_id, version) DO NOTHING`,
      [this.subscription, JSON.stringify(events.map((e) => ({ ...e, orderId: e.event.orderId, version: e.event.version })))],
    );
    const blocked = await this.blockedOrders();
    for (const entry of events) (blocked as Set<string>).add(entry.event.orderId);
  }

  async list(): Promise<ParkedEvent[]> {
    const { rows } = await this.pool.query<ParkedRow>('SELECT * FROM parked_events WHERE subscription = $1 ORDER BY order_id, version', [this.subscription]);
    return rows.map(toParked);
  }

  async parkedOf(orderId: string): Promise<ParkedEvent[]> {
    const { rows } = await this.pool.query<ParkedRow>('SELECT * FROM parked_events WHERE subscription = $1 AND order_id = $2 ORDER BY version', [
      this.subscription,
      orderId,
    ]);
    return rows.map(toParked);
  }

  async release(orderId: string, throughVersion: number): Promise<void> {
    const { rows } = await this.client().query<{ left: number }>(
      `WITH gone AS (DELETE FROM parked_events WHERE subscription = $1 AND order_id = $2 AND version <= $3)
       SELECT count(*)::int AS left FROM parked_events WHERE subscription = $1 AND order_id = $2 AND version > $3`,
      [this.subscription, orderId, throughVersion],
    );
    if (rows[0].left === 0) (await this.blockedOrders() as Set<string>).delete(orderId);
  }

  /** A new leader reads the table afresh: another instance may have parked or released meanwhile. */
  forget(): void {
    this.blocked = undefined;
  }
}

function toParked(row: ParkedRow): ParkedEvent {
  return {
    subscription: row.subscription,
    orderId: row.order_id,
    version: row.version,
    event: row.event,
    error: row.error,
    attempts: row.attempts,
    waiting: row.waiting,
    parkedAt: new Date(row.parked_at).toISOString(),
  };
}
