import { Client } from 'pg';
import { openNeighbourWriteTransaction, openWriteTransaction } from './open-write-transaction';
import { createTestDatabase, testServerUrl, type TestDatabase } from './test-database';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as T;
  } finally {
    await client.end();
  }
}

/** What a reader in `url` sees of the writer: its status, and whether its snapshot's xmin is held at or below it. */
function seenFrom(url: string, transactionId: string) {
  return query<{ status: string; held: boolean }>(
    url,
    `SELECT pg_xact_status($1::xid8) AS status, pg_snapshot_xmin(pg_current_snapshot()) <= $1::xid8 AS held`,
    [transactionId],
  );
}

describe('open write transactions', () => {
  let own: TestDatabase;

  beforeAll(async () => {
    own = await createTestDatabase('os_test_writer');
  });

  afterAll(async () => {
    await own?.drop();
  });

  it('holds a transaction id open in another database, which holds back the xmin here, and drops that database on close', async () => {
    const neighbour = await openNeighbourWriteTransaction('os_test_neighbour_probe');
    const { datname } = await query<{ datname: string }>(
      testServerUrl(),
      'SELECT datname FROM pg_stat_activity WHERE backend_xid::text = $1',
      [neighbour.transactionId],
    );
    try {
      expect(datname).toMatch(/^os_test_neighbour_probe_/);
      expect(await seenFrom(own.url, neighbour.transactionId)).toEqual({ status: 'in progress', held: true });
    } finally {
      await neighbour.close();
    }
    expect((await seenFrom(own.url, neighbour.transactionId)).status).toBe('aborted');
    expect(await query(testServerUrl(), 'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [datname])).toEqual({ n: 0 });
  });

  it('commits the transaction it holds open in the given database', async () => {
    const writer = await openWriteTransaction(own.url);
    try {
      expect(await seenFrom(own.url, writer.transactionId)).toEqual({ status: 'in progress', held: true });
      await writer.commit();
      expect((await seenFrom(own.url, writer.transactionId)).status).toBe('committed');
    } finally {
      await writer.close();
    }
  });
});
