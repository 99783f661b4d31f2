/**
 * The read store on PostgreSQL: one table per collection and generation, the view as a jsonb
 * document. A batch is one transaction: heads are upserted in one statement whose
 * ON CONFLICT ... WHERE version = expected is the per-order guard (under READ COMMITTED a
 * concurrent applier's row lock makes the loser re-check against the committed version), then
 * the records of the orders that passed. The apply holds the view's pointer row FOR SHARE, so a
 * swap waits for in-flight writes and no write lands in a generation that just went out.
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
  ReadStore,
  ViewDefinition,
  ViewGenerations,
} from '../read-store.port';
import { generationDdl, pointersDdl, POINTERS_TABLE, tableName } from './ddl';
import { conditionsSql, sortCast, sortExpression, sortParameter } from './sql-expressions';

interface PointerRow {
  active: number;
  previous: number | null;
  generations: number[];
}

export class PostgresReadStore implements ReadStore {
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
    return this.transaction(async (client) => {
      const pointer = await client.query<{ active: number }>(`SELECT active FROM ${POINTERS_TABLE} WHERE view = $1 FOR SHARE`, [view]);
      if (pointer.rowCount === 0) throw new ViewGenerationError(`view ${view} is not set up (ensureViews)`);
      const generation = options.generation ?? pointer.rows[0].active;
      const heads = changes.map((change) => ({ id: change.orderId, version: change.version, prev_version: change.expectedVersion, doc: change.head }));
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO ${tableName(view, generation)} AS head (id, version, prev_version, doc)
         SELECT id, version, prev_version, NULLIF(doc, 'null'::jsonb)
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, version integer, prev_version integer, doc jsonb)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, prev_version = EXCLUDED.prev_version, doc = EXCLUDED.doc
         WHERE head.version = EXCLUDED.prev_version
         RETURNING id`,
        [JSON.stringify(heads)],
      );
      const applied = new Set(rows.map((row) => row.id));
      const byCollection = new Map<string, { id: string; order_id: string; doc: JsonObject }[]>();
      const deletes = new Map<string, string[]>();
      for (const change of changes.filter((candidate) => applied.has(candidate.orderId))) {
        for (const ref of change.deletes ?? []) {
          if (!definition.records.some((collection) => collection.name === ref.collection)) throw new ViewGenerationError(`view ${view} has no collection ${ref.collection}`);
          deletes.set(ref.collection, [...(deletes.get(ref.collection) ?? []), ref.id]);
        }
        for (const record of change.records) {
          if (!definition.records.some((collection) => collection.name === record.collection)) throw new ViewGenerationError(`view ${view} has no collection ${record.collection}`);
          const rowsOf = byCollection.get(record.collection) ?? [];
          rowsOf.push({ id: record.id, order_id: change.orderId, doc: record.document });
          byCollection.set(record.collection, rowsOf);
        }
      }
      for (const [collection, recordRows] of byCollection) {
        await client.query(
          `INSERT INTO ${tableName(collection, generation)} (id, order_id, doc)
           SELECT id, order_id, doc FROM jsonb_to_recordset($1::jsonb) AS r(id text, order_id text, doc jsonb)
           ON CONFLICT (id) DO UPDATE SET order_id = EXCLUDED.order_id, doc = EXCLUDED.doc`,
          [JSON.stringify(recordRows)],
        );
      }
      for (const [collection, ids] of deletes) await client.query(`DELETE FROM ${tableName(collection, generation)} WHERE id = ANY($1::text[])`, [ids]);
      const result: ApplyResult = { applied: [], conflicts: [] };
      for (const change of changes) (applied.has(change.orderId) ? result.applied : result.conflicts).push(change.orderId);
      return result;
    });
  }

  async loadHeads(view: string, orderIds: readonly string[], options: GenerationOptions = {}): Promise<Map<string, OrderHead>> {
    viewByName(this.views, view);
    const generation = await this.resolve(view, options.generation);
    const { rows } = await this.pool.query<{ id: string; version: number; doc: JsonObject | null }>(
      `SELECT id, version, doc FROM ${tableName(view, generation)} WHERE id = ANY($1::text[])`,
      [orderIds],
    );
    return new Map(rows.map((row) => [row.id, { version: row.version, document: row.doc }]));
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
    return this.generations(view);
  }

  async rollback(view: string): Promise<ViewGenerations> {
    viewByName(this.views, view);
    const { rowCount } = await this.pool.query(`UPDATE ${POINTERS_TABLE} SET previous = active, active = previous WHERE view = $1 AND previous IS NOT NULL`, [view]);
    if (rowCount === 0) throw new ViewGenerationError(`${view} has no previous generation to roll back to`);
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
