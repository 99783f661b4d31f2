import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchRebuild } from './rebuild.bench';

describe('benchRebuild', () => {
  it('measures each adapter beside the raw-insert floor of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchRebuild(testServerUrl(), mongo.url, { orders: Number(process.env.REBUILD_BENCH_ORDERS ?? 100) });
      if (process.env.REBUILD_BENCH_ORDERS) console.log(JSON.stringify(result, null, 1));
      expect(result.section).toBe('rebuild');
      expect(result.rows.map((row) => row.unit)).toEqual(['events/s', 'events/s', 'events/s', 'events/s', 'rows/s']);
      const floor = result.rows[4].value;
      expect(floor).toBeGreaterThan(0);
      for (const row of result.rows.slice(0, 4)) expect(row).toMatchObject({ value: expect.any(Number), floor, ratio: expect.any(Number) });
      for (const row of result.rows.slice(0, 4)) expect(row.value).toBeGreaterThan(0);
    } finally {
      await mongo.stop();
    }
  }, 120_000);
});
