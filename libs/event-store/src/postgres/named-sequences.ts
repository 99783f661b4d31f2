import type { Pool } from 'pg';
import type { NamedSequences, NaturalKey } from '../event-store.port';

/** NamedSequences on PostgreSQL sequences, created on first use (sequences.migration.ts). */
export class PostgresNamedSequences implements NamedSequences {
  constructor(private readonly database: { pool: Pool }) {}

  async next(name: string, key?: NaturalKey): Promise<number> {
    const result = await this.database.pool.query<{ n: string }>({
      name: 'es_named_sequence_next',
      text: 'SELECT named_sequence_next($1, $2, $3)::text AS n',
      values: [name, key?.field ?? null, key?.prefix ?? null],
    });
    return Number(result.rows[0].n);
  }
}
