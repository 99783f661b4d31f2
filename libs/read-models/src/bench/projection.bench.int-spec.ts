import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchProjections } from './projection.bench';

describe('benchProjections', () => {
  it('measures each adapter beside the raw-insert floor of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchProjections(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('queries');
      // Per adapter: events/s and view rows/s, each against the floor; then the floor itself.
      expect(result.rows.map((row) => row.unit)).toEqual(['events/s', 'rows/s', 'events/s', 'rows/s', 'rows/s']);
      const floor = result.rows[4].value;
      expect(floor).toBeGreaterThan(0);
      for (const row of result.rows.slice(0, 4)) expect(row).toMatchObject({ value: expect.any(Number), floor, ratio: expect.any(Number) });
      // A batch writes one head per order and view (an order's events in it fold into one) plus records.
      expect(result.rows[1].name).toMatch(/\([1-9]\.\d per event\)/);
    } finally {
      await mongo.stop();
    }
  });
});
