/**
 * A second, independent MongoDB driver against the test server: Debian's pymongo, run with
 * /usr/bin/python3 (the python3 first on PATH may be a separate build without it), through the
 * idioms the read store uses. Runs only with ORDERSOURCE_CLIENT_SUITES set (CI installs pymongo
 * with .ci/install-clients.sh); then a missing pymongo fails the suite instead of skipping it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startMongoTestServer, type MongoTestServer } from '../server';

const PYTHON = process.env.ORDERSOURCE_PYMONGO_PYTHON ?? '/usr/bin/python3';

function python(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${PYTHON} ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe('pymongo against the Mongo test server', () => {
  let server: MongoTestServer;

  beforeAll(async () => {
    try {
      await python(['-c', 'import pymongo']);
    } catch (error) {
      throw new Error(`pymongo is not importable by ${PYTHON} but ORDERSOURCE_CLIENT_SUITES is set: run .ci/install-clients.sh (${String(error)})`);
    }
    server = await startMongoTestServer();
  });

  afterAll(() => server?.stop());

  it('runs the read store idioms: guarded upserts, unique keys, bulk writes, cursors, aggregation, a rename swap, BSON number types', async () => {
    const observed = JSON.parse(await python([join(__dirname, 'pymongo_idioms.py'), server.url]));

    expect(observed.server_version).toMatch(/^\d+\.\d+/);
    expect(observed.indexes).toEqual(['_id_', 'orderId_unique']);
    expect(observed.guarded).toEqual({ orderId: 'o-1', version: 3, status: 'v3', placedBy: 'c-1' });
    expect(observed.duplicate).toEqual({ code: 11000, keyValue: { orderId: 'o-1' } });
    expect(observed.find_one_and_update).toEqual({ version: 4 });
    expect(observed.bulk).toEqual({ inserted: 2, errors: [[1, 11000]] });
    expect(observed.count).toBe(200);
    expect(observed.count_total_over_1000).toBe(100);
    expect(observed.sorted_first).toEqual(['o-200', 'o-199', 'o-198']);
    expect(observed.iterated).toBe(200);
    expect(observed.aggregate).toEqual([{ sum: 150 }]);
    expect(observed.distinct_status).toEqual(['v3']);
    expect(observed.after_swap).toBe(5);
    expect(observed.collections).toEqual(['order_views']);
    expect(observed.unknown_command).toBe(59);
    expect(observed.after_delete).toBe(3);
    expect(observed.databases_after_drop).toBe(false);
    // What mongod answers: each number keeps the BSON type pymongo sent (1.0 came back as int 1,
    // 2**40 as a double); pymongo 3 reads an int64 as its Int64.
    expect(observed.types).toEqual({ double: ['float'], int: ['int'], long: ['long'], number: ['float', 'int', 'long'] });
    expect(observed.types_back).toEqual({ float: 'float', int: 'int', long: 'Int64' });
  });
});
