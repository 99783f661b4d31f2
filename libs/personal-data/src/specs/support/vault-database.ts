import { DataSource } from 'typeorm';
import { personalDataMigrations } from '../../postgres/migrations';

/** What `createTestDatabase()` answers (imported by the suites: test support is theirs to use). */
interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface VaultDatabase {
  db: FreshDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A fresh database on the test server, migrated like a service would (unless told not to). */
export async function openVaultDatabase(db: FreshDatabase, options: { migrate?: boolean } = {}): Promise<VaultDatabase> {
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: personalDataMigrations }).initialize();
  if (options.migrate ?? true) await dataSource.runMigrations();
  return {
    db,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}

/**
 * Every `schema.table.column` of the database's own tables whose text form contains `needle`,
 * as text or as the hex of its UTF-8 bytes (how bytea columns print).
 */
export async function columnsContaining(dataSource: DataSource, needle: string): Promise<string[]> {
  const columns = await dataSource.query<{ table_schema: string; table_name: string; column_name: string }[]>(
    `SELECT c.table_schema, c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const literal = `%${needle.replace(/[\\%_]/g, '\\$&')}%`;
  const hex = `%${Buffer.from(needle, 'utf8').toString('hex')}%`;
  const hits: string[] = [];
  for (const { table_schema, table_name, column_name } of columns) {
    const [{ n }] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${quote(table_schema)}.${quote(table_name)} WHERE ${quote(column_name)}::text ILIKE $1 OR ${quote(column_name)}::text ILIKE $2`,
      [literal, hex],
    );
    if (n > 0) hits.push(`${table_schema}.${table_name}.${column_name}`);
  }
  return hits;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
