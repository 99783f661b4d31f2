import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchProjections } from './projection.bench';

describe('benchProjections', () => {
  it('measures each adapter beside its own store raw-write floor of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchProjections(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('queries');
      // Per adapter: events/s and view rows/s, each against that store's floor; then the floor itself.
      expect(result.rows.map((row) => row.unit)).toEqual(['events/s', 'rows/s', 'rows/s', 'events/s', 'rows/s', 'rows/s']);
      expect(result.rows[2].name).toMatch(/^floor: raw pg /);
      expect(result.rows[5].name).toMatch(/^floor: raw mongodb driver/);
      for (const [measured, floorRow] of [
        [result.rows.slice(0, 2), result.rows[2]],
        [result.rows.slice(3, 5), result.rows[5]],
      ] as const) {
        expect(floorRow.value).toBeGreaterThan(0);
        for (const row of measured) expect(row).toMatchObject({ value: expect.any(Number), floor: floorRow.value, ratio: expect.any(Number) });
      }
      // A batch writes one head per order and view (an order's events in it fold into one) plus records.
      expect(result.rows[1].name).toMatch(/\([1-9]\.\d per event\)/);
    } finally {
      await mongo.stop();
    }
  });
});
