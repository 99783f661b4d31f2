import type { Pool } from 'pg';
import type { NamedSequences, NaturalKey } from '../event-store.port';

/** NamedSequences on PostgreSQL sequences, created on first use (sequences.migration.ts, sequences-many.migration.ts). */
export class PostgresNamedSequences implements NamedSequences {
  constructor(private readonly database: { pool: Pool }) {}

  async next(name: string, key?: NaturalKey): Promise<number> {
    const [n] = await this.nextMany(name, 1, key);
    return n;
  }

  async nextMany(name: string, count: number, key?: NaturalKey): Promise<number[]> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid count ${count}`);
    if (count === 0) return [];
    const result = await this.database.pool.query<{ n: string[] }>({
      name: 'es_named_sequence_next_many',
      text: 'SELECT named_sequence_next_many($1, $2, $3, $4)::text[] AS n',
      values: [name, count, key?.field ?? null, key?.prefix ?? null],
    });
    return result.rows[0].n.map(Number);
  }
}
