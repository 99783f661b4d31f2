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
}

export class ProjectionStatusStore {
  constructor(private readonly pool: Pool) {}

  async publish(status: ProjectionStatus): Promise<void> {
    await this.pool.query(
      `INSERT INTO projection_status (name, version, status, lag_events, lag_seconds, rebuild, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (name) DO UPDATE SET version = $2, status = $3, lag_events = $4, lag_seconds = $5, rebuild = $6, updated_at = now()`,
      [status.name, status.version, status.status, status.lagEvents, status.lagSeconds, status.rebuild ?? null],
    );
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

export const projectionStatusMigrations = [ProjectionStatus1796500000000];
