import { once } from 'node:events';
import { Client, Pool } from 'pg';
import { createDatabaseOn, createTestDatabase, databaseUrl, testServerUrl } from './index';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('test databases', () => {
  it('creates a fresh, empty, usable database per call and drops it, even with a connection still open', async () => {
    const [first, second] = await Promise.all([createTestDatabase('os_test_support'), createTestDatabase('os_test_support')]);
    expect(first.name).not.toBe(second.name);
    const client = new Client({ connectionString: first.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; tables: string }>(
      "SELECT current_database() AS db, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables",
    );
    expect(rows[0]).toEqual({ db: first.name, tables: '0' });
    client.on('error', () => undefined); // the drop below terminates this connection
    await first.drop();
    await second.drop();
    expect(await databaseExists(first.name)).toBe(false);
    expect(await databaseExists(second.name)).toBe(false);
  });

  it('lets connections a pool has just ended finish closing before it forces the rest: their clients see no error', async () => {
    // Before drop() waited, 3 in 20 such pools emitted FATAL 57P01 ("terminating connection due to
    // administrator command") after end() had resolved: uncaught, as nothing listens to a pool it ended.
    const errors: string[] = [];
    // Every client's 'end' (which follows any error it gets), so the test waits for each late answer, not a guessed time.
    const ended: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      const database = await createTestDatabase('os_test_support');
      const pool = new Pool({ connectionString: database.url, max: 3 });
      pool.on('error', (error) => errors.push(error.message));
      pool.on('connect', (client) => ended.push(once(client, 'end')));
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.01)')));
      expect(pool.totalCount).toBe(3);
      await pool.end();
      await database.drop();
      expect(await databaseExists(database.name)).toBe(false);
    }
    await Promise.all(ended);
    expect(ended).toHaveLength(60);
    expect(errors).toEqual([]);
  });

  it('names a database on any server by its own prefix and keeps the credentials of the server URL', async () => {
    const scratch = await createDatabaseOn(testServerUrl(), 'os_bench_probe');
    try {
      expect(scratch.name).toMatch(/^os_bench_probe_[0-9a-f]{12}$/);
      expect(await databaseExists(scratch.name)).toBe(true);
    } finally {
      await scratch.drop();
    }
    expect(databaseUrl('postgres://u:p@h:5/x?sslmode=disable', 'y')).toBe('postgres://u:p@h:5/y?sslmode=disable');
  });
});
