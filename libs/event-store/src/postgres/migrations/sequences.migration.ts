import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './create-app-role.migration';

/**
 * Named counters made on demand (issue 15: order numbers, one sequence per year). The services'
 * role may not create objects, so it calls this SECURITY DEFINER function, which creates the
 * sequence the first time a name is used. Two callers racing to create the same one: the
 * loser's CREATE waits for the winner's commit, fails on the catalog's unique index, and takes
 * the winner's sequence. A sequence never hands out a number twice, across connections,
 * workers and instances, and never rolls back (gaps are allowed; duplicates never happen).
 */
export class NamedSequences1800150000000 implements MigrationInterface {
  name = 'NamedSequences1800150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION named_sequence_next(p_name text) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        relation text := 'named_seq_' || p_name;
      BEGIN
        IF p_name !~ '^[a-z0-9_]{1,40}$' THEN
          RAISE EXCEPTION 'invalid sequence name %', p_name USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF to_regclass(relation) IS NULL THEN
          BEGIN
            EXECUTE format('CREATE SEQUENCE %I', relation);
          EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- a concurrent caller created it first
          END;
        END IF;
        RETURN nextval(relation::regclass);
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION named_sequence_next(text) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION named_sequence_next(text) TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION named_sequence_next(text)`);
  }
}
