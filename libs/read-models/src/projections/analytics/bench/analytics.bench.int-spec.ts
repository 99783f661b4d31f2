import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchAnalyticsProjection } from './analytics.bench';

describe('benchAnalyticsProjection', () => {
  it('measures the analytics projection on each adapter beside its own store raw-write floor of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchAnalyticsProjection(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('analytics');
      expect(result.rows.map((row) => row.unit)).toEqual(['events/s', 'rows/s', 'ms', 'rows/s', 'events/s', 'rows/s', 'ms', 'rows/s']);
      // Each adapter against its own store's floor (raw pg, then the raw mongodb driver).
      for (const [measured, floorIndex] of [
        [[0, 1], 3],
        [[4, 5], 7],
      ] as const) {
        const floor = result.rows[floorIndex].value;
        expect(floor).toBeGreaterThan(0);
        for (const row of measured.map((index) => result.rows[index])) expect(row).toMatchObject({ value: expect.any(Number), floor, ratio: expect.any(Number) });
      }
    } finally {
      await mongo.stop();
    }
  });
});
