import { APP_ROLE } from '@ordersource/event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `rebuilds` table (issue 7): one row per rebuild, its progress and verdict. The row is what
 * lets a killed rebuild resume: the subscription keeps its own checkpoint (messaging_checkpoints
 * or the consumer group's offsets); this row remembers which shadow generation and which
 * subscription name belong to it, and the log bound its catch-up is measured against.
 * Run through openEventStoreDatabase({ extraMigrations }) after the event store's migrations.
 */
export class CreateRebuilds1797000000000 implements MigrationInterface {
  name = 'CreateRebuilds1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS rebuilds (
        rebuild_id uuid PRIMARY KEY,
        view text NOT NULL,
        generation integer NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'verifying', 'swapped', 'verified', 'failed')),
        verify_only boolean NOT NULL,
        -- pg_snapshot_xmin when the rebuild began: the log below it is what the live view can hold.
        log_bound xid8 NOT NULL,
        processed bigint NOT NULL DEFAULT 0,
        total bigint NOT NULL,
        events_per_second double precision NOT NULL DEFAULT 0,
        eta_seconds double precision,
        differences integer,
        differing_ids jsonb,
        live_count bigint,
        rebuilt_count bigint,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX IF NOT EXISTS rebuilds_by_view ON rebuilds (view, started_at DESC)');
    // At most one unfinished rebuild per view, whatever the advisory lock says.
    await queryRunner.query(`CREATE UNIQUE INDEX IF NOT EXISTS rebuilds_one_unfinished ON rebuilds (view) WHERE status IN ('running', 'verifying')`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON rebuilds TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS rebuilds');
  }
}

export const rebuildMigrations: (new () => MigrationInterface)[] = [CreateRebuilds1797000000000];
