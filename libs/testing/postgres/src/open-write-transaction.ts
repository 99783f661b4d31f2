import { Client } from 'pg';
import { createTestDatabase } from './test-database';

/**
 * A connection inside a transaction that has taken a transaction id. Ids are cluster-wide, so
 * until it ends it holds back the snapshot xmin of every database on the server, not only its own.
 */
export interface OpenWriteTransaction {
  transactionId: string;
  commit(): Promise<void>;
  /** Ends the connection (an open transaction rolls back) and drops what was created for it. */
  close(): Promise<void>;
}

/** A write transaction open in the database at `url`, from this call until commit() or close(). */
export async function openWriteTransaction(url: string): Promise<OpenWriteTransaction> {
  return openWriter(url, () => Promise.resolve());
}

/**
 * A write transaction open in another, fresh database on the test server: what a neighbour
 * suite or a bulk import on CI's shared PostgreSQL looks like from this database (issue 16).
 */
export async function openNeighbourWriteTransaction(prefix = 'os_test_neighbour'): Promise<OpenWriteTransaction> {
  const neighbour = await createTestDatabase(prefix);
  try {
    return await openWriter(neighbour.url, () => neighbour.drop());
  } catch (error) {
    await neighbour.drop();
    throw error;
  }
}

async function openWriter(url: string, afterClose: () => Promise<void>): Promise<OpenWriteTransaction> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let transactionId: string;
  try {
    await client.query('BEGIN');
    // A transaction takes its id at its first write, or when asked for it.
    transactionId = (await client.query<{ id: string }>('SELECT pg_current_xact_id()::text AS id')).rows[0].id;
  } catch (error) {
    await client.end();
    throw error;
  }
  return {
    transactionId,
    commit: () => client.query('COMMIT').then(() => undefined),
    close: () => client.end().then(afterClose),
  };
}
