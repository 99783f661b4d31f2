import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchAnalyticsProjection } from './analytics.bench';

describe('benchAnalyticsProjection', () => {
  it('measures the analytics projection on each adapter beside its own store raw-write floors of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchAnalyticsProjection(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('analytics');
      const perStore = ['events/s', 'rows/s', 'rows/s', 'ms', 'rows/s', 'rows/s'];
      expect(result.rows.map((row) => row.unit)).toEqual([...perStore, ...perStore]);
      // Each adapter against its own store's floors: the generic one (raw pg, then the raw
      // mongodb driver) for events/s and rows/s, and the same rows written raw.
      for (const first of [0, 6]) {
        const [generic, sameRows] = [result.rows[first + 4], result.rows[first + 5]];
        for (const floor of [generic, sameRows]) expect(floor.value).toBeGreaterThan(0);
        for (const row of result.rows.slice(first, first + 2)) expect(row).toMatchObject({ value: expect.any(Number), floor: generic.value, ratio: expect.any(Number) });
        expect(result.rows[first + 2]).toMatchObject({ floor: sameRows.value, ratio: expect.any(Number) });
      }
    } finally {
      await mongo.stop();
    }
  });
});
