import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './create-app-role.migration';

/**
 * Tamper repair (issue 13). The append-only trigger gains one way through: a transaction of a
 * role other than the services' that sets `ordersource.repair = 'on'` (SET LOCAL, so it ends
 * with the transaction). Only the repair tool does that, as the owner. The services' role has
 * no UPDATE/DELETE grant on `events` in the first place, and the trigger refuses it even if
 * it sets the flag, so the guarantees the services rely on are unchanged.
 * Every repair is recorded in `repairs`, which the services may read but never write.
 */
export class EventRepairs1799130000000 implements MigrationInterface {
  name = 'EventRepairs1799130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'TRUNCATE' AND current_setting('ordersource.repair', true) = 'on' AND current_user <> '${APP_ROLE}' THEN
          RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TABLE repairs (
        repair_id uuid PRIMARY KEY,
        stream_id text NOT NULL,
        repaired_at timestamptz(3) NOT NULL DEFAULT now(),
        actor text NOT NULL,
        export_file text NOT NULL,
        export_digest text NOT NULL,
        export_until timestamptz(3) NOT NULL,
        restored_versions integer[] NOT NULL,
        removed_versions integer[] NOT NULL,
        head_restored boolean NOT NULL,
        reason text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX repairs_recent ON repairs (repaired_at DESC)`);
    await queryRunner.query(`GRANT SELECT ON repairs TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE repairs`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }
}
