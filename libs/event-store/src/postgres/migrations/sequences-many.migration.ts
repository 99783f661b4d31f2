import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from './create-app-role.migration';
import { NamedSequences1800150000000 } from './sequences.migration';

/**
 * Many numbers of a named counter in one round trip (issue 12: the import numbers a batch of
 * orders at once). `named_sequence_next_many` holds the rules of sequences.migration.ts (names,
 * natural keys, made on first use, a counter behind a natural key starts after the highest value
 * the log holds); `named_sequence_next` becomes the one-number case of it, so there is one way.
 * The numbers are distinct and increasing within a call, not necessarily contiguous (another
 * caller may draw in between).
 */
export class NamedSequencesMany1800160000000 implements MigrationInterface {
  name = 'NamedSequencesMany1800160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION named_sequence_next_many(p_name text, p_count integer, p_field text DEFAULT NULL, p_prefix text DEFAULT NULL) RETURNS bigint[]
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        relation text := 'named_seq_' || p_name;
        highest bigint := 0;
        drawn bigint[];
      BEGIN
        IF p_name !~ '^[a-z0-9_]{1,40}$' THEN
          RAISE EXCEPTION 'invalid sequence name %', p_name USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF (p_field IS NULL) <> (p_prefix IS NULL) OR p_field !~ '^[A-Za-z][A-Za-z0-9]{0,39}$' OR p_prefix !~ '^[A-Za-z0-9-]{1,40}$' THEN
          RAISE EXCEPTION 'invalid natural key % %', p_field, p_prefix USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_count IS NULL OR p_count < 1 OR p_count > 10000 THEN
          RAISE EXCEPTION 'invalid count %', p_count USING ERRCODE = 'invalid_parameter_value';
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
        SELECT array_agg(n ORDER BY n) INTO drawn FROM (SELECT nextval(relation::regclass) AS n FROM generate_series(1, p_count)) AS numbers;
        RETURN drawn;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION named_sequence_next_many(text, integer, text, text) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION named_sequence_next_many(text, integer, text, text) TO ${APP_ROLE}`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION named_sequence_next(p_name text, p_field text DEFAULT NULL, p_prefix text DEFAULT NULL) RETURNS bigint
      LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ SELECT (named_sequence_next_many(p_name, 1, p_field, p_prefix))[1] $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The one-number function as sequences.migration.ts made it.
    await queryRunner.query(`DROP FUNCTION named_sequence_next(text, text, text)`);
    await new NamedSequences1800150000000().up(queryRunner);
    await queryRunner.query(`DROP FUNCTION named_sequence_next_many(text, integer, text, text)`);
  }
}
