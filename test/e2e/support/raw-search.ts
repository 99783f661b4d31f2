import { EJSON } from 'bson';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';

/**
 * Looks for strings where no route can hide them: every row of every table of the PostgreSQL
 * database cast to text, and every document of every collection of the MongoDB database.
 * Returns where each needle was found, as `table: needle`.
 */
export async function findInPostgres(pg: Client, needles: readonly string[]): Promise<string[]> {
  const { rows: tables } = await pg.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  if (tables.length < 5) throw new Error(`expected the services' tables, found ${tables.map((table) => table.name).join(', ')}`);
  const found: string[] = [];
  for (const { name } of tables) {
    const { rows } = await pg.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    for (const needle of needles) if (rows.some((row) => row.row.includes(needle))) found.push(`${name}: ${needle}`);
  }
  return found;
}

export async function findInMongo(url: string, needles: readonly string[]): Promise<string[]> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    const db = client.db();
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    if (collections.length < 4) throw new Error(`expected the views' collections, found ${collections.map((collection) => collection.name).join(', ')}`);
    const found: string[] = [];
    for (const { name } of collections) {
      const documents = (await db.collection(name).find({}).toArray()).map((document) => EJSON.stringify(document));
      for (const needle of needles) if (documents.some((document) => document.includes(needle))) found.push(`${name}: ${needle}`);
    }
    return found;
  } finally {
    await client.close();
  }
}
