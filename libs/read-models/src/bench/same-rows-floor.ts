/**
 * A second, stricter floor per store (issue 18): the very rows a projection run wrote, batch by
 * batch as it wrote them, upserted with the raw driver into a fresh generation of the same views
 * (the same tables or collections, with the same indexes), with no head read, no version guard
 * and every document prepared before the clock starts. The generic floors (raw-insert-floor.ts)
 * write tiny documents into a bare table; this one shows what the projection's own documents
 * and indexes cost written raw.
 */
import type { JsonObject } from '@ordersource/event-store';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Pool } from 'pg';
import type { OrderChangeSet, ViewGenerationAdmin } from '../store/read-store.port';
import { physicalName } from '../store/physical-names';
import { escapeKeys, HEAD_EMPTY, HEAD_VERSION } from '../store/mongo/mongo-documents';
import type { StoredDocument } from '../store/mongo/mongo-filters';
import { tableName } from '../store/postgres/ddl';

/** The change sets one applyChanges call got applied. */
export interface WrittenBatch {
  view: string;
  changes: OrderChangeSet[];
}

export function rowsIn(batches: readonly WrittenBatch[]): number {
  return batches.reduce((sum, batch) => sum + batch.changes.reduce((rows, change) => rows + 1 + change.records.length, 0), 0);
}

async function shadows(store: ViewGenerationAdmin, batches: readonly WrittenBatch[]): Promise<Map<string, number>> {
  const generations = new Map<string, number>();
  for (const view of new Set(batches.map((batch) => batch.view))) generations.set(view, await store.createShadow(view));
  return generations;
}

/** Rows per second: per batch, one multi-row INSERT ... ON CONFLICT DO UPDATE per table. */
export async function pgSameRowsFloor(pool: Pool, store: ViewGenerationAdmin, batches: readonly WrittenBatch[]): Promise<number> {
  const generations = await shadows(store, batches);
  const statements = batches.flatMap(({ view, changes }) => {
    const generation = generations.get(view) as number;
    const heads = changes.map((change) => [change.orderId, change.version, change.expectedVersion, change.head === null ? null : JSON.stringify(change.head)]);
    const records = new Map<string, unknown[][]>();
    for (const change of changes) {
      for (const record of change.records) records.set(record.collection, [...(records.get(record.collection) ?? []), [record.id, change.orderId, JSON.stringify(record.document)]]);
    }
    return [
      upsert(tableName(view, generation), ['id', 'version', 'prev_version', 'doc'], heads),
      ...[...records].map(([collection, rows]) => upsert(tableName(collection, generation), ['id', 'order_id', 'doc'], rows)),
    ];
  });
  const client = await pool.connect();
  try {
    const started = process.hrtime.bigint();
    for (const statement of statements) await client.query(statement.text, statement.values);
    return rowsIn(batches) / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    client.release();
  }
}

function upsert(table: string, columns: string[], rows: unknown[][]): { text: string; values: unknown[] } {
  const tuples = rows.map((_, row) => `(${columns.map((column, index) => `$${row * columns.length + index + 1}${column === 'doc' ? '::jsonb' : ''}`).join(', ')})`);
  const updates = columns.filter((column) => column !== 'id').map((column) => `${column} = EXCLUDED.${column}`);
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`, values: rows.flat() };
}

/** Documents per second: per batch, one unordered bulkWrite of upserting replaceOnes per collection. */
export async function mongoSameRowsFloor(db: Db, store: ViewGenerationAdmin, batches: readonly WrittenBatch[]): Promise<number> {
  const generations = await shadows(store, batches);
  const writes = batches.flatMap(({ view, changes }) => {
    const generation = generations.get(view) as number;
    const byCollection = new Map<string, AnyBulkWriteOperation<StoredDocument>[]>();
    const add = (collection: string, _id: string, fields: JsonObject) => {
      const operations = byCollection.get(collection) ?? [];
      operations.push({ replaceOne: { filter: { _id }, replacement: { ...fields, _id } as StoredDocument, upsert: true } });
      byCollection.set(collection, operations);
    };
    for (const change of changes) {
      for (const record of change.records) add(record.collection, record.id, escapeKeys(record.document) as JsonObject);
      add(view, change.orderId, { ...(change.head === null ? { [HEAD_EMPTY]: true } : (escapeKeys(change.head) as JsonObject)), [HEAD_VERSION]: change.version });
    }
    return [...byCollection].map(([collection, operations]) => ({ collection: db.collection<StoredDocument>(physicalName(collection, generation)), operations }));
  });
  const started = process.hrtime.bigint();
  for (const { collection, operations } of writes) await collection.bulkWrite(operations, { ordered: false });
  return rowsIn(batches) / (Number(process.hrtime.bigint() - started) / 1e9);
}
