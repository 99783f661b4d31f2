import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment deadlines (issue 13): one row per placed order, written from the log. The row is
 * the timer: it survives restarts and crashes, and any instance may take a due one (a lease,
 * claimed with SKIP LOCKED), so no in-memory timer is ever the source of truth.
 */
export class PaymentDeadlines1799130000100 implements MigrationInterface {
  name = 'PaymentDeadlines1799130000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payment_deadlines (
        order_id text PRIMARY KEY,
        placed_at timestamptz(3) NOT NULL,
        due_at timestamptz(3) NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'cancelled', 'refused', 'paid', 'closed')),
        claimed_by text,
        claimed_until timestamptz(3),
        attempts integer NOT NULL DEFAULT 0,
        outcome text,
        last_error text,
        settled_at timestamptz(3)
      )`);
    await queryRunner.query(`CREATE INDEX payment_deadlines_due ON payment_deadlines (due_at) WHERE state = 'pending'`);
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ordersource_app') THEN
          GRANT SELECT, INSERT, UPDATE ON payment_deadlines TO ordersource_app;
        END IF;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE payment_deadlines');
  }
}

export const processMigrations: (new () => MigrationInterface)[] = [PaymentDeadlines1799130000100];
