/**
 * The read store on PostgreSQL: one table per collection and generation, the view as a jsonb
 * document. A batch is ONE statement (one round trip, its own transaction; issue 18): heads are
 * upserted with ON CONFLICT ... WHERE version = expected as the per-order guard (under READ
 * COMMITTED a concurrent applier's row lock makes the loser re-check against the committed
 * version), and the records of the orders that passed are upserted from the heads' RETURNING.
 * The statement holds the view's pointer row FOR SHARE, so a swap waits for in-flight writes and
 * no write lands in a generation that just went out: the active generation is remembered, and
 * the pointer row is re-read in the same statement that uses it (loadHeads, applyChanges), so a
 * generation that moved is noticed there, never trusted (the apply then writes nothing and
 * answers every order as a conflict, for the runner to re-plan from the new generation).
 * A planning load answers the heads this instance applied itself without a read (AppliedHeads,
 * issue 18); the guard makes that safe: an expected version above 0 only moves a head that
 * exists at that version (never inserts one), and a refused order's entry is forgotten.
 */
import type { JsonObject } from '@ordersource/event-store';
import type { Pool, PoolClient } from 'pg';
import { ViewGenerationError } from '../errors';
import { checkConditions, checkPage, checkQueryCollection, encodeCursor, valueAt, viewByName } from '../query';
import type {
  ApplyResult,
  CollectionQuery,
  GenerationOptions,
  OrderChangeSet,
  OrderHead,
  Page,
  PageQuery,
  PlanningHeadsOptions,
  ReadStore,
  ViewDefinition,
  ViewGenerations,
} from '../read-store.port';
import { AppliedHeads } from '../applied-heads';
import { generationDdl, pointersDdl, POINTERS_TABLE, tableName } from './ddl';
import { conditionsSql, sortCast, sortExpression, sortParameter } from './sql-expressions';

interface PointerRow {
  active: number;
  previous: number | null;
  generations: number[];
}

export class PostgresReadStore implements ReadStore {
  /** Per view, the active generation last read from its pointer row (the apply path's hint). */
  private readonly active = new Map<string, number>();
  private readonly applied = new AppliedHeads();

  constructor(
    private readonly pool: Pool,
    private readonly views: readonly ViewDefinition[],
  ) {}

  async ensureViews(): Promise<void> {
    await this.pool.query(pointersDdl());
    for (const view of this.views) {
      await this.pool.query(`INSERT INTO ${POINTERS_TABLE} (view, active, last, generations) VALUES ($1, 1, 1, '{1}') ON CONFLICT DO NOTHING`, [view.name]);
      const { active } = await this.generations(view.name);
      for (const statement of generationDdl(view, active)) await this.pool.query(statement);
    }
  }

  async applyChanges(view: string, changes: readonly OrderChangeSet[], options: GenerationOptions = {}): Promise<ApplyResult> {
    const definition = viewByName(this.views, view);
    if (new Set(changes.map((change) => change.orderId)).size !== changes.length) throw new TypeError('one change set per order and batch');
    const byCollection = new Map<string, { id: string; order_id: string; doc: JsonObject }[]>();
    for (const change of changes) {
      // A record the same change set deletes (a revert later in the batch) is not written: one
      // statement's CTEs do not see each other's rows, so the delete must win here, as it did after.
      const deleted = new Set((change.deletes ?? []).map((ref) => `${ref.collection}\u0000${ref.id}`));
      for (const record of change.records) {
        if (!definition.records.some((collection) => collection.name === record.collection)) throw new ViewGenerationError(`view ${view} has no collection ${record.collection}`);
        if (deleted.has(`${record.collection}\u0000${record.id}`)) continue;
        const rowsOf = byCollection.get(record.collection) ?? [];
        rowsOf.push({ id: record.id, order_id: change.orderId, doc: record.document });
        byCollection.set(record.collection, rowsOf);
      }
    }
    const deletesByCollection = new Map<string, { id: string; order_id: string }[]>();
    for (const change of changes) {
      for (const ref of change.deletes ?? []) {
        if (!definition.records.some((collection) => collection.name === ref.collection)) throw new ViewGenerationError(`view ${view} has no collection ${ref.collection}`);
        const idsOf = deletesByCollection.get(ref.collection) ?? [];
        idsOf.push({ id: ref.id, order_id: change.orderId });
        deletesByCollection.set(ref.collection, idsOf);
      }
    }
    const explicit = options.generation;
    const generation = explicit ?? (await this.activeGeneration(view));
    const heads = changes.map((change) => ({ id: change.orderId, version: change.version, prev_version: change.expectedVersion, doc: change.head }));
    const parameters: unknown[] = [view, JSON.stringify(heads)];
    // An explicit generation (a rebuild's shadow) only needs the lock; the active one must still be active.
    const pointer = explicit === undefined ? `SELECT 1 FROM ${POINTERS_TABLE} WHERE view = $1 AND active = $3 FOR SHARE` : `SELECT 1 FROM ${POINTERS_TABLE} WHERE view = $1 FOR SHARE`;
    if (explicit === undefined) parameters.push(generation);
    const records = [...byCollection].map(([collection, recordRows], index) => {
      parameters.push(JSON.stringify(recordRows));
      return `, records_${index} AS (
        INSERT INTO ${tableName(collection, generation)} (id, order_id, doc)
        SELECT r.id, r.order_id, r.doc FROM jsonb_to_recordset($${parameters.length}::jsonb) AS r(id text, order_id text, doc jsonb)
        WHERE r.order_id IN (SELECT id FROM heads)
        ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id, doc = EXCLUDED.doc)`;
    });
    // A revert's deletes (records of voided versions), for the orders whose head moved only; the
    // upserts above leave these ids out, so no two CTEs touch one row.
    const deletes = [...deletesByCollection].map(([collection, refs], index) => {
      parameters.push(JSON.stringify(refs));
      return `, deletes_${index} AS (
        DELETE FROM ${tableName(collection, generation)}
        WHERE id IN (SELECT d.id FROM jsonb_to_recordset($${parameters.length}::jsonb) AS d(id text, order_id text) WHERE d.order_id IN (SELECT id FROM heads)))`;
    });
    const text = `WITH pointer AS (${pointer}),
       heads AS (
         INSERT INTO ${tableName(view, generation)} AS head (id, version, prev_version, doc)
         SELECT id, version, prev_version, NULLIF(doc, 'null'::jsonb)
         FROM jsonb_to_recordset($2::jsonb) AS r(id text, version integer, prev_version integer, doc jsonb)
         WHERE EXISTS (SELECT 1 FROM pointer) AND (r.prev_version = 0 OR EXISTS (SELECT 1 FROM ${tableName(view, generation)} WHERE id = r.id))
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, prev_version = EXCLUDED.prev_version, doc = EXCLUDED.doc
         WHERE head.version = EXCLUDED.prev_version
         RETURNING id)${records.join('')}${deletes.join('')}
       SELECT (SELECT count(*) FROM pointer)::int AS pointer, ARRAY(SELECT id FROM heads) AS applied`;
    // A remembered generation that was dropped since has no table: as stale as a swapped one.
    const rows = await this.pool.query<{ pointer: number; applied: string[] }>(text, parameters).then(
      (result) => result.rows,
      (error: unknown) => {
        this.applied.forgetView(view);
        if (explicit === undefined && isUndefinedTable(error)) return [{ pointer: 0, applied: [] }];
        throw error;
      },
    );
    if (rows[0].pointer === 0) {
      if (explicit !== undefined) throw new ViewGenerationError(`view ${view} is not set up (ensureViews)`);
      // Swapped since the heads were loaded: nothing written; re-planned from the new generation.
      this.forgetGeneration(view);
      return { applied: [], conflicts: changes.map((change) => change.orderId) };
    }
    const applied = new Set(rows[0].applied);
    this.applied.record(view, generation, changes, applied);
    const result: ApplyResult = { applied: [], conflicts: [] };
    for (const change of changes) (applied.has(change.orderId) ? result.applied : result.conflicts).push(change.orderId);
    return result;
  }

  async loadHeads(view: string, orderIds: readonly string[], options: PlanningHeadsOptions = {}): Promise<Map<string, OrderHead>> {
    viewByName(this.views, view);
    const explicit = options.generation;
    if (explicit !== undefined) return this.applied.planningHeads(view, explicit, orderIds, options.reuseApplied, (missing) => this.selectHeads(view, missing, explicit));
    for (let attempt = 1; ; attempt++) {
      const generation = await this.activeGeneration(view);
      // The remembered generation is trusted here as the apply's hint only: its statement re-checks it.
      const heads = await this.applied.planningHeads(view, generation, orderIds, options.reuseApplied, (missing) => this.selectActiveHeads(view, missing, generation));
      if (heads) return heads;
      this.forgetGeneration(view);
      if (attempt >= 5) throw new ViewGenerationError(`view ${view}: the active generation kept moving (or its table is missing) while its heads were read`);
    }
  }

  /** The view's active generation moved (or may have): what this instance remembers of it goes. */
  private forgetGeneration(view: string): void {
    this.active.delete(view);
    this.applied.forgetView(view);
  }

  private async selectHeads(view: string, orderIds: readonly string[], generation: number): Promise<Map<string, OrderHead>> {
    const { rows } = await this.pool.query<{ id: string; version: number; doc: JsonObject | null }>(
      `SELECT id, version, doc FROM ${tableName(view, generation)} WHERE id = ANY($1::text[])`,
      [orderIds],
    );
    return new Map(rows.map((row) => [row.id, { version: row.version, document: row.doc }]));
  }

  /** selectHeads in the generation believed active; undefined if it is no longer (swapped, or dropped). */
  private async selectActiveHeads(view: string, orderIds: readonly string[], generation: number): Promise<Map<string, OrderHead> | undefined> {
    // The pointer row read beside the heads: a generation swapped since it was remembered shows here.
    const rows = await this.pool
      .query<{ active: number; id: string | null; version: number; doc: JsonObject | null }>(
        `SELECT p.active, h.id, h.version, h.doc FROM ${POINTERS_TABLE} p
         LEFT JOIN ${tableName(view, generation)} h ON h.id = ANY($2::text[])
         WHERE p.view = $1`,
        [view, orderIds],
      )
      .then(
        (result) => result.rows,
        (error: unknown) => {
          // Dropped since it was remembered: read the pointer again.
          if (isUndefinedTable(error)) return [{ active: -1, id: null, version: 0, doc: null }];
          throw error;
        },
      );
    // No pointer row at all: the next attempt's read of it throws that the view is not set up.
    if (rows.length === 0 || rows[0].active !== generation) return undefined;
    const heads = new Map<string, OrderHead>();
    for (const row of rows) if (row.id !== null) heads.set(row.id, { version: row.version, document: row.doc });
    return heads;
  }

  /** The active generation last seen; every statement that relies on it re-checks the pointer row. */
  private async activeGeneration(view: string): Promise<number> {
    const known = this.active.get(view);
    if (known !== undefined) return known;
    const { active } = await this.generations(view);
    this.active.set(view, active);
    return active;
  }

  async findById(query: CollectionQuery & { id: string }): Promise<JsonObject | null> {
    const { view, collection } = checkQueryCollection(this.views, query);
    const generation = await this.resolve(view.name, query.generation);
    const { rows } = await this.pool.query<{ doc: JsonObject | null }>(`SELECT doc FROM ${tableName(collection.name, generation)} WHERE id = $1`, [String(query.id)]);
    return rows[0]?.doc ?? null;
  }

  async findPage(query: PageQuery): Promise<Page> {
    const { view, collection } = checkQueryCollection(this.views, query);
    const { after } = checkPage(collection, query);
    const generation = await this.resolve(view.name, query.generation);
    const parameters: unknown[] = [];
    const where = ['doc IS NOT NULL', ...conditionsSql(collection, query.where ?? [], parameters)];
    const sort = sortExpression(collection, query.sortBy);
    const beyond = query.direction === 'asc' ? '>' : '<';
    if (after) {
      parameters.push(sortParameter(collection, query.sortBy, after[0]), after[1]);
      where.push(`(${sort}, id) ${beyond} ($${parameters.length - 1}::${sortCast(collection, query.sortBy)}, $${parameters.length}::text)`);
    }
    const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
    parameters.push(query.limit + 1);
    const { rows } = await this.pool.query<{ id: string; doc: JsonObject }>(
      `SELECT id, doc FROM ${tableName(collection.name, generation)} WHERE ${where.join(' AND ')}
       ORDER BY ${sort} ${direction}, id ${direction} LIMIT $${parameters.length}`,
      parameters,
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > query.limit ? encodeCursor(valueAt(last.doc, query.sortBy) as string | number, last.id) : null;
    return { items: items.map((row) => row.doc), nextCursor };
  }

  async count(query: CollectionQuery): Promise<number> {
    const { view, collection } = checkQueryCollection(this.views, query);
    checkConditions(collection, query.where);
    const generation = await this.resolve(view.name, query.generation);
    const parameters: unknown[] = [];
    const where = ['doc IS NOT NULL', ...conditionsSql(collection, query.where ?? [], parameters)];
    const { rows } = await this.pool.query<{ count: string }>(`SELECT count(*) AS count FROM ${tableName(collection.name, generation)} WHERE ${where.join(' AND ')}`, parameters);
    return Number(rows[0].count);
  }

  async createShadow(view: string): Promise<number> {
    const definition = viewByName(this.views, view);
    const { rows } = await this.pool.query<{ last: number }>(
      `UPDATE ${POINTERS_TABLE} SET last = last + 1, generations = array_append(generations, last + 1) WHERE view = $1 RETURNING last`,
      [view],
    );
    if (rows.length === 0) throw new ViewGenerationError(`view ${view} is not set up (ensureViews)`);
    for (const statement of generationDdl(definition, rows[0].last)) await this.pool.query(statement);
    return rows[0].last;
  }

  async swap(view: string, generation: number): Promise<ViewGenerations> {
    viewByName(this.views, view);
    const { rowCount } = await this.pool.query(
      `UPDATE ${POINTERS_TABLE} SET previous = active, active = $2 WHERE view = $1 AND $2 = ANY(generations) AND active <> $2`,
      [view, generation],
    );
    if (rowCount === 0) throw new ViewGenerationError(`${view}: generation ${generation} does not exist or is already active`);
    this.forgetGeneration(view);
    return this.generations(view);
  }

  async rollback(view: string): Promise<ViewGenerations> {
    viewByName(this.views, view);
    const { rowCount } = await this.pool.query(`UPDATE ${POINTERS_TABLE} SET previous = active, active = previous WHERE view = $1 AND previous IS NOT NULL`, [view]);
    if (rowCount === 0) throw new ViewGenerationError(`${view} has no previous generation to roll back to`);
    this.forgetGeneration(view);
    return this.generations(view);
  }

  async dropGeneration(view: string, generation: number): Promise<void> {
    const definition = viewByName(this.views, view);
    await this.transaction(async (client) => {
      const { rowCount } = await client.query(
        `UPDATE ${POINTERS_TABLE} SET generations = array_remove(generations, $2), previous = NULLIF(previous, $2) WHERE view = $1 AND active <> $2`,
        [view, generation],
      );
      if (rowCount === 0) throw new ViewGenerationError(`${view} generation ${generation} is active`);
      const tables = [definition.head, ...definition.records].map((collection) => tableName(collection.name, generation));
      await client.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
    });
  }

  async generations(view: string): Promise<ViewGenerations> {
    const { rows } = await this.pool.query<PointerRow>(`SELECT active, previous, generations FROM ${POINTERS_TABLE} WHERE view = $1`, [view]);
    if (rows.length === 0) throw new ViewGenerationError(`view ${view} is not set up (ensureViews)`);
    return { active: rows[0].active, previous: rows[0].previous, all: [...rows[0].generations].sort((a, b) => a - b) };
  }

  /** The pool belongs to whoever opened the database (openEventStoreDatabase). */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    // Nothing to release: closing the pool here would cut the event store off too.
  }

  private async resolve(view: string, generation?: number): Promise<number> {
    return generation ?? (await this.generations(view)).active;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function isUndefinedTable(error: unknown): boolean {
  return (error as { code?: string }).code === '42P01';
}
