import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { JsonObject } from '@ordersource/event-store';

/**
 * Each view's health as the projector last saw it (API.md GET /projections). The projector
 * publishes, the query service reads; PostgreSQL holds it in both profiles because it is the
 * one store every service already has.
 */
export interface ProjectionStatus {
  name: string;
  /** The active generation of the view (bumped by each swap). */
  version: number;
  status: 'live' | 'rebuilding' | 'stalled';
  lagEvents: number;
  lagSeconds: number;
  rebuild?: JsonObject;
  /**
   * How many events the view's subscription holds parked, as its Subscription port lists them:
   * the parked_events table (embedded) or the dead-letter topic (distributed), the source of
   * GET /projections/{name}/parked. Read by the `events-parked` alert (parkedCounts).
   */
  parkedEvents?: number;
}

export class ProjectionStatusStore {
  constructor(private readonly pool: Pool) {}

  async publish(status: ProjectionStatus): Promise<void> {
    await this.pool.query(
      `INSERT INTO projection_status (name, version, status, lag_events, lag_seconds, rebuild, parked_events, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (name) DO UPDATE SET version = $2, status = $3, lag_events = $4, lag_seconds = $5, rebuild = $6, parked_events = $7, updated_at = now()`,
      [status.name, status.version, status.status, status.lagEvents, status.lagSeconds, status.rebuild ?? null, status.parkedEvents ?? 0],
    );
  }

  /** Views holding parked events, by name, as last published (a stale count still stands: the events stay parked while the projector is down). */
  async parkedCounts(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ name: string; parked_events: number }>('SELECT name, parked_events FROM projection_status WHERE parked_events > 0 ORDER BY name');
    return new Map(rows.map((row) => [row.name, row.parked_events]));
  }

  /**
   * Every view's last published status; one the projector has not refreshed for `staleAfterMs`
   * is reported `stalled` (the projector is down or stuck), whatever it said last.
   */
  async list(staleAfterMs = 30_000): Promise<ProjectionStatus[]> {
    const { rows } = await this.pool.query<{ name: string; version: number; status: ProjectionStatus['status']; lag_events: string; lag_seconds: number; rebuild: JsonObject | null; stale: boolean }>(
      `SELECT name, version, status, lag_events, lag_seconds, rebuild, updated_at < now() - make_interval(secs => $1) AS stale
         FROM projection_status ORDER BY name`,
      [staleAfterMs / 1000],
    );
    return rows.map((row) => ({
      name: row.name,
      version: row.version,
      status: row.stale ? 'stalled' : row.status,
      lagEvents: Number(row.lag_events),
      lagSeconds: row.lag_seconds,
      ...(row.rebuild ? { rebuild: row.rebuild } : {}),
    }));
  }
}

export class ProjectionStatus1796500000000 implements MigrationInterface {
  name = 'ProjectionStatus1796500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE IF NOT EXISTS projection_status (
      name text PRIMARY KEY,
      version integer NOT NULL,
      status text NOT NULL CHECK (status IN ('live', 'rebuilding', 'stalled')),
      lag_events bigint NOT NULL,
      lag_seconds double precision NOT NULL,
      rebuild jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ordersource_app') THEN
        GRANT SELECT, INSERT, UPDATE ON projection_status TO ordersource_app;
      END IF;
    END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS projection_status');
  }
}

/** The parked-event count each view's subscription reports (both profiles), for the `events-parked` alert. */
export class ProjectionStatusParked1796600000000 implements MigrationInterface {
  name = 'ProjectionStatusParked1796600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE projection_status ADD COLUMN IF NOT EXISTS parked_events integer NOT NULL DEFAULT 0');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE projection_status DROP COLUMN IF EXISTS parked_events');
  }
}

export const projectionStatusMigrations = [ProjectionStatus1796500000000, ProjectionStatusParked1796600000000];
