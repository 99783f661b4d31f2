import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchProjections } from './projection.bench';

describe('benchProjections', () => {
  it('measures each adapter beside the raw-insert floor of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchProjections(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('queries');
      expect(result.rows.map((row) => row.unit)).toEqual(['events/s', 'events/s', 'rows/s']);
      const floor = result.rows[2].value;
      expect(floor).toBeGreaterThan(0);
      for (const row of result.rows.slice(0, 2)) expect(row).toMatchObject({ value: expect.any(Number), floor, ratio: expect.any(Number) });
    } finally {
      await mongo.stop();
    }
  });
});
