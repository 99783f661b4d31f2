import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './create-app-role.migration';

/**
 * Named counters made on demand (issue 15: order numbers, one sequence per year). The services'
 * role may not create objects, so it calls this SECURITY DEFINER function, which creates the
 * sequence the first time a name is used. Two callers racing to create the same one: the
 * loser's CREATE waits for the winner's commit, fails on the catalog's unique index, and takes
 * the winner's sequence. A sequence never hands out a number twice, across connections,
 * workers and instances, and never rolls back (gaps are allowed; duplicates never happen).
 *
 * A counter behind a natural key kept in event data (`p_field`, values `<p_prefix><digits>`)
 * starts after the highest value the log already holds: a store restored from an export
 * (which carries events, not sequences) never hands out a number its events already use.
 * That one scan of the log happens when the sequence is created, never again.
 */
export class NamedSequences1800150000000 implements MigrationInterface {
  name = 'NamedSequences1800150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION named_sequence_next(p_name text, p_field text DEFAULT NULL, p_prefix text DEFAULT NULL) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        relation text := 'named_seq_' || p_name;
        highest bigint := 0;
      BEGIN
        IF p_name !~ '^[a-z0-9_]{1,40}$' THEN
          RAISE EXCEPTION 'invalid sequence name %', p_name USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF (p_field IS NULL) <> (p_prefix IS NULL) OR p_field !~ '^[A-Za-z][A-Za-z0-9]{0,39}$' OR p_prefix !~ '^[A-Za-z0-9-]{1,40}$' THEN
          RAISE EXCEPTION 'invalid natural key % %', p_field, p_prefix USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF to_regclass(relation) IS NULL THEN
          IF p_field IS NOT NULL THEN
            SELECT coalesce(max((regexp_match(data->>p_field, '^' || p_prefix || '([0-9]{1,18})$'))[1]::bigint), 0) INTO highest
              FROM events WHERE data->>p_field LIKE p_prefix || '%';
          END IF;
          BEGIN
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', relation, highest + 1);
          EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- a concurrent caller created it first
          END;
        END IF;
        RETURN nextval(relation::regclass);
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION named_sequence_next(text, text, text) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION named_sequence_next(text, text, text) TO ${APP_ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION named_sequence_next(text, text, text)`);
  }
}
