import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './create-app-role.migration';

/**
 * The log. `position` is unique but NOT the read order: identity values are taken before
 * commit, so a later-numbered event can commit first (the lost-event bug of Marten's async daemon,
 * Eventuous and Emmett). readAll orders by (transaction_id, position) behind the read horizon (read.ts).
 */
export class CreateEventTables1764150000002 implements MigrationInterface {
  name = 'CreateEventTables1764150000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE streams (
        stream_id text PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 0),
        head_hash text,
        head_hmac text,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE events (
        position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        recorded_at timestamptz(3) NOT NULL,
        previous_hash text,
        hash text NOT NULL,
        PRIMARY KEY (stream_id, version)
      )`);
    await queryRunner.query(`CREATE INDEX events_log_order ON events (transaction_id, position)`);
    await queryRunner.query(`
      CREATE TABLE idempotency (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('in_flight', 'completed')),
        answer jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_expiry ON idempotency (expires_at)`);
    // Second line of defence behind the grants: even the owner cannot rewrite history by accident.
    await queryRunner.query(`
      CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT ON events TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON streams TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency, events, streams`);
    await queryRunner.query(`DROP FUNCTION events_are_append_only()`);
  }
}
