import { APP_ROLE } from '@ordersource/event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { readModelViews } from '../../projections';
import { generationDdl, pointersDdl, POINTERS_TABLE, SCHEMA } from './ddl';

/**
 * The read models' schema, owned by the services' role: views are disposable (rebuilt from the
 * log), and a rebuild must create, swap and drop generations at run time. The events table stays
 * in `public`, where the app role still cannot update or delete anything.
 * Run after the event store's migrations (which create the role): pass `readModelMigrations` as
 * `extraMigrations` to openEventStoreDatabase.
 */
export class CreateReadModels1796000000000 implements MigrationInterface {
  name = 'CreateReadModels1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA} AUTHORIZATION ${APP_ROLE}`);
    // Created as the app role so it owns (and may later drop) every generation's tables.
    await queryRunner.query(`SET LOCAL ROLE ${APP_ROLE}`);
    await queryRunner.query(pointersDdl());
    for (const view of readModelViews) {
      await queryRunner.query(`INSERT INTO ${POINTERS_TABLE} (view, active, last, generations) VALUES ($1, 1, 1, '{1}') ON CONFLICT DO NOTHING`, [view.name]);
      for (const statement of generationDdl(view, 1)) await queryRunner.query(statement);
    }
    await queryRunner.query('RESET ROLE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  }
}

export const readModelMigrations: (new () => MigrationInterface)[] = [CreateReadModels1796000000000];
