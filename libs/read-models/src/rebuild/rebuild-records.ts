/** The `rebuilds` rows (rebuild-migrations.ts): a rebuild's identity, progress and verdict. */
import type { Pool } from 'pg';

export type RebuildState = 'running' | 'verifying' | 'swapped' | 'verified' | 'failed';

export interface RebuildRecord {
  rebuildId: string;
  view: string;
  generation: number;
  status: RebuildState;
  verifyOnly: boolean;
  logBound: string;
  processed: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  differences: number | null;
  differingIds: string[] | null;
  liveCount: number | null;
  rebuiltCount: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

interface Row {
  rebuild_id: string;
  view: string;
  generation: number;
  status: RebuildState;
  verify_only: boolean;
  log_bound: string;
  processed: string;
  total: string;
  events_per_second: number;
  eta_seconds: number | null;
  differences: number | null;
  differing_ids: string[] | null;
  live_count: string | null;
  rebuilt_count: string | null;
  error: string | null;
  started_at: Date | string;
  finished_at: Date | string | null;
}

const COLUMNS = `rebuild_id, view, generation, status, verify_only, log_bound::text AS log_bound, processed, total, events_per_second, eta_seconds,
  differences, differing_ids, live_count, rebuilt_count, error, started_at, finished_at`;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function toRecord(row: Row): RebuildRecord {
  return {
    rebuildId: row.rebuild_id,
    view: row.view,
    generation: row.generation,
    status: row.status,
    verifyOnly: row.verify_only,
    logBound: row.log_bound,
    processed: Number(row.processed),
    total: Number(row.total),
    eventsPerSecond: row.events_per_second,
    etaSeconds: row.eta_seconds,
    differences: row.differences,
    differingIds: row.differing_ids,
    liveCount: row.live_count === null ? null : Number(row.live_count),
    rebuiltCount: row.rebuilt_count === null ? null : Number(row.rebuilt_count),
    error: row.error,
    startedAt: iso(row.started_at) as string,
    finishedAt: iso(row.finished_at),
  };
}

export interface NewRebuild {
  rebuildId: string;
  view: string;
  generation: number;
  verifyOnly: boolean;
  logBound: string;
  total: number;
}

export interface RebuildVerdict {
  differences: number;
  differingIds: string[];
  liveCount: number;
  rebuiltCount: number;
}

export class RebuildRecords {
  constructor(private readonly pool: Pool) {}

  async insert(rebuild: NewRebuild): Promise<RebuildRecord> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO rebuilds (rebuild_id, view, generation, status, verify_only, log_bound, total)
       VALUES ($1, $2, $3, 'running', $4, $5::xid8, $6) RETURNING ${COLUMNS}`,
      [rebuild.rebuildId, rebuild.view, rebuild.generation, rebuild.verifyOnly, rebuild.logBound, rebuild.total],
    );
    return toRecord(rows[0]);
  }

  /** The rebuild of this view that a killed process left running, if any. */
  async unfinished(view: string): Promise<RebuildRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rebuilds WHERE view = $1 AND status IN ('running', 'verifying')`, [view]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async latest(view: string): Promise<RebuildRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rebuilds WHERE view = $1 ORDER BY started_at DESC LIMIT 1`, [view]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async latestSwapped(view: string): Promise<RebuildRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rebuilds WHERE view = $1 AND status = 'swapped' ORDER BY started_at DESC LIMIT 1`, [view]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async progress(rebuildId: string, progress: { processed: number; total: number; eventsPerSecond: number; etaSeconds: number | null }): Promise<void> {
    await this.pool.query(`UPDATE rebuilds SET processed = $2, total = $3, events_per_second = $4, eta_seconds = $5, updated_at = now() WHERE rebuild_id = $1`, [
      rebuildId,
      progress.processed,
      progress.total,
      progress.eventsPerSecond,
      progress.etaSeconds,
    ]);
  }

  async setStatus(rebuildId: string, status: RebuildState, verdict?: RebuildVerdict): Promise<void> {
    const finished = status === 'swapped' || status === 'verified' || status === 'failed';
    await this.pool.query(
      `UPDATE rebuilds SET status = $2, updated_at = now(), finished_at = CASE WHEN $3 THEN now() ELSE finished_at END,
         eta_seconds = CASE WHEN $3 THEN 0 ELSE eta_seconds END,
         differences = COALESCE($4, differences), differing_ids = COALESCE($5::jsonb, differing_ids),
         live_count = COALESCE($6, live_count), rebuilt_count = COALESCE($7, rebuilt_count)
       WHERE rebuild_id = $1`,
      [rebuildId, status, finished, verdict?.differences ?? null, verdict ? JSON.stringify(verdict.differingIds) : null, verdict?.liveCount ?? null, verdict?.rebuiltCount ?? null],
    );
  }

  async fail(rebuildId: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE rebuilds SET status = 'failed', error = $2, updated_at = now(), finished_at = now() WHERE rebuild_id = $1`, [rebuildId, error.slice(0, 2000)]);
  }
}
