import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key vault's tables, for the services' migration lists. Idempotent SQL, so a service whose
 * migrations table was lost can run it again. The services run as `ordersource_app`, which gets
 * only what the vault does: no UPDATE anywhere (a key is never rewritten, only deleted) and no
 * DELETE on vault_check (dropping the check would let a wrong master key register itself).
 */
export class PersonalDataVault1795000000000 implements MigrationInterface {
  readonly name = 'PersonalDataVault1795000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS customer_keys (
        customer_id text PRIMARY KEY,
        key_id uuid NOT NULL UNIQUE,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS erased_customers (
        customer_id text PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS vault_check (
        id smallint PRIMARY KEY CHECK (id = 1),
        sealed bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ordersource_app') THEN
          GRANT SELECT, INSERT, DELETE ON customer_keys, erased_customers TO ordersource_app;
          GRANT SELECT, INSERT ON vault_check TO ordersource_app;
        END IF;
      END
      $$`);
  }

  async down(): Promise<void> {
    // Dropping customer_keys would erase every customer's personal data for good.
    throw new Error('PersonalDataVault1795000000000 is not reversible: dropping customer_keys erases every customer; do it by hand if you mean it');
  }
}

export const personalDataMigrations = [PersonalDataVault1795000000000];
