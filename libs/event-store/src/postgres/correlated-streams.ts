import type { Pool } from 'pg';
import type { CorrelatedStream, CorrelatedStreams } from '../event-store.port';

/**
 * Streams holding events of one correlation id (a batch revert's input, issue 13). A scan of
 * the metadata, not an index: batch reverts are rare admin operations, and an index on every
 * event's correlation id would cost each append more than the scan costs the admin.
 */
export class PostgresCorrelatedStreams implements CorrelatedStreams {
  constructor(private readonly pool: Pool) {}

  async streamsWithCorrelation(correlationId: string): Promise<CorrelatedStream[]> {
    const { rows } = await this.pool.query<{ stream_id: string; first_version: number }>(
      `SELECT stream_id, min(version)::int AS first_version FROM events WHERE metadata->>'correlationId' = $1 GROUP BY stream_id ORDER BY stream_id`,
      [correlationId],
    );
    return rows.map((row) => ({ streamId: row.stream_id, firstVersion: row.first_version }));
  }
}
