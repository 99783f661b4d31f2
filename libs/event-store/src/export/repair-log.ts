/**
 * The repairs log, read side: what `GET /admin/integrity` shows beside the chain's verdict.
 * Written only by repairStream (as the owner); the services' role may only read it.
 */
import type { Pool } from 'pg';
import type { RepairRecord } from './repair-stream';

export interface RepairLog {
  /** Newest first. */
  recent(options?: { streamId?: string; limit?: number }): Promise<RepairRecord[]>;
}

interface RepairRow {
  repair_id: string;
  stream_id: string;
  repaired_at: string;
  actor: string;
  export_file: string;
  export_digest: string;
  export_until: string;
  restored_versions: number[];
  removed_versions: number[];
  head_restored: boolean;
  reason: string;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export class PostgresRepairLog implements RepairLog {
  constructor(private readonly pool: Pool) {}

  async recent(options: { streamId?: string; limit?: number } = {}): Promise<RepairRecord[]> {
    const { rows } = await this.pool.query<RepairRow>(
      `SELECT repair_id::text AS repair_id, stream_id, to_char(repaired_at AT TIME ZONE 'UTC', ${ISO}) AS repaired_at, actor, export_file,
         export_digest, to_char(export_until AT TIME ZONE 'UTC', ${ISO}) AS export_until, restored_versions, removed_versions, head_restored, reason
       FROM repairs WHERE ($1::text IS NULL OR stream_id = $1) ORDER BY repaired_at DESC, repair_id LIMIT $2`,
      [options.streamId ?? null, options.limit ?? 50],
    );
    return rows.map((row) => ({
      repairId: row.repair_id,
      streamId: row.stream_id,
      repairedAt: row.repaired_at,
      actor: row.actor,
      exportFile: row.export_file,
      exportDigest: row.export_digest,
      exportUntil: row.export_until,
      restoredVersions: row.restored_versions,
      removedVersions: row.removed_versions,
      headRestored: row.head_restored,
      reason: row.reason,
    }));
  }
}
