import type { MigrationInterface, QueryRunner } from 'typeorm';

export const APP_ROLE = 'ordersource_app';

/**
 * The services' role: NOLOGIN, entered with `-c role=` at connection start. Roles are
 * cluster-wide while advisory locks are per database, so two databases migrating at once can
 * both see the role missing; the loser's duplicate_object/unique_violation is swallowed.
 */
export class CreateAppRole1764150000001 implements MigrationInterface {
  name = 'CreateAppRole1764150000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          BEGIN
            CREATE ROLE ${APP_ROLE} NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
        -- A non-superuser owner must be a member to switch to the role.
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           AND NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
          BEGIN
            EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
      END $$`);
  }

  async down(): Promise<void> {
    // The role is shared by every ordersource database on the server: never dropped here.
  }
}
