/**
 * Tables and expression indexes of one generation of a view, in schema `read_models`. The
 * migration and createShadow run the same statements, so a shadow always gets the indexes the
 * current code's queries need. Index expressions are built by the same functions the queries
 * use (sql-expressions.ts), or PostgreSQL would not match them.
 */
import { physicalName } from '../physical-names';
import type { CollectionDefinition, ViewDefinition } from '../read-store.port';
import { quoteIdentifier, sortExpression, valueExpression } from './sql-expressions';

export const SCHEMA = 'read_models';
export const POINTERS_TABLE = `${SCHEMA}.view_pointers`;

export function tableName(collection: string, generation: number): string {
  return `${SCHEMA}.${quoteIdentifier(physicalName(collection, generation))}`;
}

export function pointersDdl(): string {
  return `CREATE TABLE IF NOT EXISTS ${POINTERS_TABLE} (
    view text PRIMARY KEY,
    active integer NOT NULL,
    previous integer,
    last integer NOT NULL,
    generations integer[] NOT NULL
  )`;
}

export function generationDdl(view: ViewDefinition, generation: number): string[] {
  const head = tableName(view.head.name, generation);
  // prev_version carries each row's expected version into ON CONFLICT ... WHERE (EXCLUDED.*).
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${head} (
      id text COLLATE "C" PRIMARY KEY,
      version integer NOT NULL,
      prev_version integer NOT NULL,
      doc jsonb
    )`,
    ...indexDdl(view.head, generation),
  ];
  for (const collection of view.records) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${tableName(collection.name, generation)} (
        id text COLLATE "C" PRIMARY KEY,
        order_id text NOT NULL,
        doc jsonb NOT NULL
      )`,
      ...indexDdl(collection, generation),
    );
  }
  return statements;
}

function indexDdl(collection: CollectionDefinition, generation: number): string[] {
  const table = physicalName(collection.name, generation);
  return collection.indexes.map((index) => {
    const name = quoteIdentifier(`${table}_${[...index.equals, index.sortBy].join('_')}`.slice(0, 63));
    const columns = [...index.equals.map((field) => `(${valueExpression(field)})`), `(${sortExpression(collection, index.sortBy)})`, 'id'];
    return `CREATE INDEX IF NOT EXISTS ${name} ON ${tableName(collection.name, generation)} (${columns.join(', ')})`;
  });
}
