import type { JsonObject, JsonValue } from '@ordersource/event-store';
import { AUDIT_EVENTS } from '../../projections/audit/audit.projection';
import { InvalidQueryError } from '../errors';
import type { Condition, PageQuery } from '../read-store.port';
import { freshId, isoAt, placeChange, type ReadStoreSubject } from './fixtures';

export function queryContract(store: ReadStoreSubject): void {
  async function placeOrders(customerId: string, minutes: number[]): Promise<string[]> {
    const changes = minutes.map((minute) => placeChange(freshId(), customerId, isoAt(minute)));
    await store().applyChanges('order-tracking', changes);
    return changes.map((change) => change.orderId);
  }

  async function allPages(query: PageQuery, between?: (pageNumber: number) => Promise<void>): Promise<JsonObject[]> {
    const items: JsonObject[] = [];
    let cursor: string | undefined;
    for (let pageNumber = 0; ; pageNumber += 1) {
      const page = await store().findPage({ ...query, cursor });
      items.push(...page.items);
      if (!page.nextCursor) return items;
      cursor = page.nextCursor;
      await between?.(pageNumber);
    }
  }

  it('pages newest first by (placedAt, id), ties included, without repeating or skipping', async () => {
    const customerId = freshId();
    // Three orders share each minute, so pages must cut inside ties on the tie-breaker.
    const ids = await placeOrders(customerId, [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
    const items = await allPages({ view: 'order-tracking', where: [{ field: 'customerId', op: 'eq', value: customerId }], sortBy: 'placedAt', direction: 'desc', limit: 2 });
    const keys = items.map((item) => `${item.placedAt}|${item.orderId}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(new Set(items.map((item) => item.orderId))).toEqual(new Set(ids));
    expect(items).toHaveLength(ids.length);
  });

  it('never repeats or skips an order while others are added between pages', async () => {
    const customerId = freshId();
    const ids = await placeOrders(customerId, [10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const added: string[] = [];
    const items = await allPages({ view: 'order-tracking', where: [{ field: 'customerId', op: 'eq', value: customerId }], sortBy: 'placedAt', direction: 'desc', limit: 2 }, async (pageNumber) => {
      // Newer (already passed), older (still ahead) and equal-time orders arrive between pages.
      added.push(...(await placeOrders(customerId, [95 + pageNumber, 5 + pageNumber, 50])));
    });
    const seen = items.map((item) => item.orderId as string);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    for (const id of seen) expect([...ids, ...added]).toContain(id);
  });

  it('pages ascending on a numeric key with an equality filter', async () => {
    const orderId = freshId();
    const records = [3, 1, 10, 2].map((version) => ({ collection: AUDIT_EVENTS, id: `${orderId}:${version}`, document: { orderId, version, type: 'T', actor: 'x', recordedAt: isoAt(version) } }));
    await store().applyChanges('audit', [{ orderId, expectedVersion: 0, version: 10, head: null, records }]);
    const items = await allPages({ view: 'audit', collection: AUDIT_EVENTS, where: [{ field: 'orderId', op: 'eq', value: orderId }], sortBy: 'version', direction: 'asc', limit: 3 });
    // Numeric, not string, order: 10 after 3.
    expect(items.map((item) => item.version)).toEqual([1, 2, 3, 10]);
  });

  it('filters by equality, lists and time ranges, and counts the same way', async () => {
    const actor = freshId();
    const orderId = freshId();
    const records = ['A', 'B', 'C', 'A', 'B'].map((type, index) => ({ collection: AUDIT_EVENTS, id: `${orderId}:${index}`, document: { orderId, version: index + 1, type, actor, recordedAt: isoAt(index * 10) } }));
    await store().applyChanges('audit', [{ orderId, expectedVersion: 0, version: 5, head: null, records }]);
    const base = { view: 'audit', collection: AUDIT_EVENTS };
    const where = [
      { field: 'actor', op: 'eq' as const, value: actor },
      { field: 'type', op: 'in' as const, values: ['A', 'C'] },
      { field: 'recordedAt', op: 'gte' as const, value: isoAt(10) },
      { field: 'recordedAt', op: 'lt' as const, value: isoAt(40) },
    ];
    const page = await store().findPage({ ...base, where, sortBy: 'recordedAt', direction: 'asc', limit: 10 });
    expect(page.items.map((item) => [item.type, item.version])).toEqual([
      ['C', 3],
      ['A', 4],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(await store().count({ ...base, where })).toBe(2);
    expect(await store().count({ ...base, where: [{ field: 'actor', op: 'eq', value: actor }] })).toBe(5);
  });

  it('treats hostile filter values as literals', async () => {
    const hostile = `' OR 1=1 --${freshId()}`;
    const [orderId] = await placeOrders(hostile, [1]);
    const query = { view: 'order-tracking', sortBy: 'placedAt', direction: 'desc' as const, limit: 10 };
    expect((await store().findPage({ ...query, where: [{ field: 'customerId', op: 'eq', value: hostile }] })).items.map((item) => item.orderId)).toEqual([orderId]);
    const hostileValues: JsonValue[] = [{ $gt: '' }, '{"$gt": ""}', { $ne: null }, ['x'], { $where: 'true' }];
    for (const value of hostileValues) {
      const where: Condition[] = [{ field: 'customerId', op: 'eq', value }];
      expect(await store().findPage({ ...query, where })).toEqual({ items: [], nextCursor: null });
      expect(await store().count({ view: 'order-tracking', where })).toBe(0);
    }
    expect(await store().count({ view: 'order-tracking', where: [{ field: 'customerId', op: 'in', values: [{ $gt: '' }, { $exists: true }] }] })).toBe(0);
    expect(await store().findById({ view: 'order-tracking', id: { $gt: '' } as unknown as string })).toBeNull();
  });

  it('refuses undeclared fields, wrongly typed bounds, bad limits and forged cursors', async () => {
    const query = { view: 'order-tracking', sortBy: 'placedAt', direction: 'desc' as const, limit: 10 };
    await expect(store().findPage({ ...query, where: [{ field: 'doc; DROP TABLE x', op: 'eq', value: 1 }] })).rejects.toThrow(InvalidQueryError);
    await expect(store().findPage({ ...query, sortBy: '$where' })).rejects.toThrow(InvalidQueryError);
    await expect(store().findPage({ ...query, where: [{ field: 'placedAt', op: 'gt', value: { $gt: '' } as unknown as string }] })).rejects.toThrow(InvalidQueryError);
    await expect(store().findPage({ ...query, limit: 0 })).rejects.toThrow(InvalidQueryError);
    await expect(store().findPage({ ...query, cursor: 'not-a-cursor' })).rejects.toThrow(InvalidQueryError);
    await expect(store().findPage({ ...query, cursor: Buffer.from('[{"$gt":""},"x"]').toString('base64url') })).rejects.toThrow(InvalidQueryError);
  });
}
