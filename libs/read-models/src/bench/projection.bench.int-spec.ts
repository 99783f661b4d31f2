import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { testServerUrl } from '@ordersource/testing/postgres';
import { benchProjections } from './projection.bench';

describe('benchProjections', () => {
  it('measures each adapter beside its own store raw-write floors of the same run', async () => {
    const mongo = await startMongoTestServer();
    try {
      const result = await benchProjections(testServerUrl(), mongo.url, { orders: 20 });
      expect(result.section).toBe('queries');
      // Per adapter: events/s and view rows/s against the store's generic floor, view rows/s
      // against the same rows written raw; then the two floors themselves.
      const perStore = ['events/s', 'rows/s', 'rows/s', 'rows/s', 'rows/s'];
      expect(result.rows.map((row) => row.unit)).toEqual([...perStore, ...perStore]);
      for (const [first, driver] of [
        [0, 'pg'],
        [5, 'mongodb driver'],
      ] as const) {
        const [generic, sameRows] = [result.rows[first + 3], result.rows[first + 4]];
        expect(generic.name).toMatch(new RegExp(`^floor: raw ${driver}`));
        expect(sameRows.name).toMatch(/^floor: the same view (rows|documents)/);
        for (const floor of [generic, sameRows]) expect(floor.value).toBeGreaterThan(0);
        for (const row of result.rows.slice(first, first + 2)) expect(row).toMatchObject({ value: expect.any(Number), floor: generic.value, ratio: expect.any(Number) });
        expect(result.rows[first + 2]).toMatchObject({ value: result.rows[first + 1].value, floor: sameRows.value, ratio: expect.any(Number) });
      }
      // A batch writes one head per order and view (an order's events in it fold into one) plus records.
      expect(result.rows[1].name).toMatch(/\([1-9]\.\d per event\)/);
    } finally {
      await mongo.stop();
    }
  });
});
