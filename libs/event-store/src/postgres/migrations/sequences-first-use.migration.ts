import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NamedSequencesMany1800160000000 } from './sequences-many.migration';

/**
 * A counter's first use, raced: `named_sequence_next_many` as sequences-many.migration.ts made it
 * checked `to_regclass`, created the sequence, and on a concurrent creator's unique violation went
 * on to `nextval` -- whose lookup could still miss the sequence the other caller had just committed
 * (42P01 "relation does not exist"; two command-service instances placing the year's first orders
 * at once answered a few of them 503). Now the first use is serialised by a transaction-scoped
 * advisory lock on the sequence's name: a caller that finds no sequence takes the lock, looks again,
 * and creates it only if it is still missing; a caller that waited sees the committed sequence.
 * The lock is taken only on that path, never once the counter exists. The rest of the function is
 * unchanged.
 */
export class NamedSequencesFirstUse1800170000000 implements MigrationInterface {
  name = 'NamedSequencesFirstUse1800170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION named_sequence_next_many(p_name text, p_count integer, p_field text DEFAULT NULL, p_prefix text DEFAULT NULL) RETURNS bigint[]
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET client_min_messages = warning AS $$
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
          PERFORM pg_advisory_xact_lock(hashtextextended(relation, 1800170000000));
          -- pg_class under this statement's own snapshot, taken after the lock: it sees a sequence
          -- a caller we waited for committed, where to_regclass's cache may not yet.
          IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = relation AND relnamespace = 'public'::regnamespace) THEN
            IF p_field IS NOT NULL THEN
              SELECT coalesce(max((regexp_match(data->>p_field, '^' || p_prefix || '([0-9]{1,18})$'))[1]::bigint), 0) INTO highest
                FROM events WHERE data->>p_field LIKE p_prefix || '%';
            END IF;
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', relation, highest + 1);
          ELSE
            -- A no-op whose lock on the schema brings this backend's catalog cache up to date, so
            -- the nextval lookup below finds the sequence.
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', relation);
          END IF;
        END IF;
        SELECT array_agg(n ORDER BY n) INTO drawn FROM (SELECT nextval(relation::regclass) AS n FROM generate_series(1, p_count)) AS numbers;
        RETURN drawn;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION named_sequence_next(text, text, text)`);
    await queryRunner.query(`DROP FUNCTION named_sequence_next_many(text, integer, text, text)`);
    await new NamedSequencesMany1800160000000().up(queryRunner);
  }
}
