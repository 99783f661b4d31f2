import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@ordersource/event-store';

/**
 * Checkpoints of log readers (the relay and PostgreSQL-log subscriptions) and the events a
 * PostgreSQL-log subscription parked. Run through openEventStoreDatabase({ extraMigrations }).
 */
export class CreateMessagingTables1764150000501 implements MigrationInterface {
  name = 'CreateMessagingTables1764150000501';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging_checkpoints (
        name text PRIMARY KEY,
        cursor text NOT NULL,
        position bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE parked_events (
        subscription text NOT NULL,
        order_id text NOT NULL,
        version integer NOT NULL,
        event jsonb NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        waiting boolean NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription, order_id, version)
      )`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON messaging_checkpoints TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT, DELETE ON parked_events TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE parked_events, messaging_checkpoints');
  }
}

export const messagingMigrations: (new () => MigrationInterface)[] = [CreateMessagingTables1764150000501];
