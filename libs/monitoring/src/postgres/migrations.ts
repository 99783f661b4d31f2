import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@ordersource/event-store';

/**
 * Alert state and the webhook outbox (issue 12). One firing alert per (rule, subject) at most,
 * enforced by a partial unique index, so two evaluators that ever overlapped (a lost lock) still
 * cannot fire one subject twice. A delivery row is written in the transaction that changes the
 * alert, so a restart never loses a notification.
 */
export class CreateAlertTables1797000000000 implements MigrationInterface {
  name = 'CreateAlertTables1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE alerts (
        alert_id uuid PRIMARY KEY,
        rule text NOT NULL,
        subject text,
        severity text NOT NULL,
        state text NOT NULL CHECK (state IN ('firing', 'resolved')),
        summary text NOT NULL,
        value double precision,
        threshold double precision,
        fired_at timestamptz(3) NOT NULL,
        resolved_at timestamptz(3),
        changed_at timestamptz(3) NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX alerts_one_firing ON alerts (rule, coalesce(subject, '')) WHERE state = 'firing'`);
    await runner.query('CREATE INDEX alerts_newest ON alerts (fired_at DESC, alert_id DESC)');
    await runner.query(`
      CREATE TABLE alert_deliveries (
        delivery_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id uuid NOT NULL,
        state text NOT NULL,
        body jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        last_error text
      )`);
    await runner.query('CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE delivered_at IS NULL');
    await runner.query(`GRANT SELECT, INSERT, UPDATE ON alerts, alert_deliveries TO ${APP_ROLE}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE alert_deliveries, alerts');
  }
}

export const monitoringMigrations: (new () => MigrationInterface)[] = [CreateAlertTables1797000000000];
