import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Alert, AlertRuleName, FiringCondition, Severity } from '../alert';

interface AlertRow {
  alert_id: string;
  rule: AlertRuleName;
  subject: string | null;
  severity: Severity;
  state: 'firing' | 'resolved';
  summary: string;
  value: number | null;
  threshold: number | null;
  fired_at: string;
  resolved_at: string | null;
}

export interface AlertChanges {
  fired: Alert[];
  resolved: Alert[];
}

export interface AlertPageQuery {
  state?: 'firing' | 'resolved';
  rule?: string;
  limit: number;
  /** Keyset position: the last item of the previous page. */
  after?: { firedAt: string; alertId: string };
}

const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
const COLUMNS = `alert_id, rule, subject, severity, state, summary, value, threshold, ${utc('fired_at')}, ${utc('resolved_at')}`;

/** Durable alert state in PostgreSQL (tables in migrations.ts). */
export class PostgresAlertStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Makes the stored alerts of one rule match what holds now: a subject that newly holds fires
   * (once: while firing it is only refreshed), a firing subject that no longer holds resolves.
   * Each change and its webhook delivery commit together. `client` is the evaluator's own
   * connection when it has one (the leader's), else a pooled one.
   */
  async apply(rule: AlertRuleName, severity: Severity, holding: readonly FiringCondition[], now: Date, client?: PoolClient | { query: PoolClient['query'] }): Promise<AlertChanges> {
    const own = client ? undefined : await this.pool.connect();
    const db = (client ?? own) as PoolClient;
    try {
      await db.query('BEGIN');
      const { rows } = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE rule = $1 AND state = 'firing' FOR UPDATE`, [rule]);
      const firing = new Map(rows.map((row) => [row.subject ?? '', row]));
      const holdingBySubject = new Map(holding.map((condition) => [condition.subject ?? '', condition]));
      const changes: AlertChanges = { fired: [], resolved: [] };
      for (const [key, condition] of holdingBySubject) {
        const current = firing.get(key);
        if (current) {
          // Still firing: keep the figures fresh for GET /alerts, notify nobody.
          await db.query('UPDATE alerts SET summary = $2, value = $3, threshold = $4 WHERE alert_id = $1', [current.alert_id, condition.summary, condition.value ?? null, condition.threshold ?? null]);
          continue;
        }
        const alert: Alert = {
          alertId: randomUUID(),
          rule,
          severity,
          state: 'firing',
          subject: condition.subject,
          summary: condition.summary,
          ...(condition.value !== undefined ? { value: condition.value } : {}),
          ...(condition.threshold !== undefined ? { threshold: condition.threshold } : {}),
          firedAt: now.toISOString(),
        };
        await db.query(
          `INSERT INTO alerts (alert_id, rule, subject, severity, state, summary, value, threshold, fired_at, changed_at) VALUES ($1, $2, $3, $4, 'firing', $5, $6, $7, $8, $8)`,
          [alert.alertId, rule, alert.subject, severity, alert.summary, alert.value ?? null, alert.threshold ?? null, alert.firedAt],
        );
        await enqueue(db, alert);
        changes.fired.push(alert);
      }
      for (const [key, row] of firing) {
        if (holdingBySubject.has(key)) continue;
        const alert: Alert = { ...toAlert(row), state: 'resolved', resolvedAt: now.toISOString() };
        await db.query(`UPDATE alerts SET state = 'resolved', resolved_at = $2, changed_at = $2 WHERE alert_id = $1`, [row.alert_id, alert.resolvedAt]);
        await enqueue(db, alert);
        changes.resolved.push(alert);
      }
      await db.query('COMMIT');
      return changes;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      own?.release();
    }
  }

  /** Newest first by (firedAt, alertId). */
  async page(query: AlertPageQuery): Promise<{ items: Alert[]; hasMore: boolean }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.state) where.push(`state = ${param(query.state)}`);
    if (query.rule) where.push(`rule = ${param(query.rule)}`);
    if (query.after) where.push(`(fired_at, alert_id) < (${param(query.after.firedAt)}::timestamptz, ${param(query.after.alertId)}::uuid)`);
    const { rows } = await this.pool.query<AlertRow>(
      `SELECT ${COLUMNS} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY fired_at DESC, alert_id DESC LIMIT ${param(query.limit + 1)}`,
      values,
    );
    return { items: rows.slice(0, query.limit).map(toAlert), hasMore: rows.length > query.limit };
  }

  async firingCounts(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ rule: string; n: number }>(`SELECT rule, count(*)::int AS n FROM alerts WHERE state = 'firing' GROUP BY rule`);
    return new Map(rows.map((row) => [row.rule, row.n]));
  }
}

async function enqueue(db: { query: PoolClient['query'] }, alert: Alert): Promise<void> {
  await db.query('INSERT INTO alert_deliveries (alert_id, state, body) VALUES ($1, $2, $3)', [alert.alertId, alert.state, JSON.stringify(alert)]);
}

function toAlert(row: AlertRow): Alert {
  return {
    alertId: row.alert_id,
    rule: row.rule,
    severity: row.severity,
    state: row.state,
    subject: row.subject,
    summary: row.summary,
    ...(row.value !== null ? { value: row.value } : {}),
    ...(row.threshold !== null ? { threshold: row.threshold } : {}),
    firedAt: row.fired_at,
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
  };
}
