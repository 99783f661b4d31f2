import { randomBytes } from 'node:crypto';
import { orderEventTypes } from '@ordersource/domain';
// Test support in a test file: the root depConstraints do not yet exempt *.int-spec.ts.
import { eventually } from '@ordersource/testing/eventually';
import { createTestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { createPersonalDataVault } from '../create-personal-data-vault';
import { ERASED, type SealedValue } from '../envelope';
import type { PersonalDataVault } from '../personal-data-vault';
import { personalFieldsOf } from '../personal-fields';
import { everyEventOf, personalStringsOf } from '../specs/support/sealing-fixtures';
import { columnsContaining, openVaultDatabase, type VaultDatabase } from '../specs/support/vault-database';

interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

let database: VaultDatabase;
let vault: PersonalDataVault;

beforeAll(async () => {
  database = await openVaultDatabase(await createTestDatabase('os_pd'));
  vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey: randomBytes(32) });
  // Stand-ins for the event log and a read model: both keep only what sealing handed them.
  await database.dataSource.query('CREATE TABLE events (customer_id text, type text, data jsonb)');
  await database.dataSource.query('CREATE TABLE order_views (customer_id text, doc jsonb)');
});

afterAll(() => database.close());

async function placeEveryEvent(customerId: string, marker: string) {
  const plain = everyEventOf(customerId, marker);
  for (const type of orderEventTypes) {
    const sealed = await vault.sealEventData(customerId, type, plain[type]);
    await database.dataSource.query('INSERT INTO events VALUES ($1, $2, $3)', [customerId, type, sealed]);
    if (type === 'OrderPlaced') await database.dataSource.query('INSERT INTO order_views VALUES ($1, $2)', [customerId, { customerId, shippingAddress: (sealed as unknown as { shippingAddress: SealedValue }).shippingAddress }]);
  }
  return plain;
}

async function storedEventsOf(customerId: string): Promise<StoredEvent[]> {
  return database.dataSource.query('SELECT type, data FROM events WHERE customer_id = $1', [customerId]);
}

async function viewAddressOf(customerId: string): Promise<unknown> {
  const [{ doc }] = await database.dataSource.query('SELECT doc FROM order_views WHERE customer_id = $1', [customerId]);
  return (await vault.openEventData('OrderPlaced', doc)).shippingAddress;
}

describe('personal data vault on PostgreSQL', () => {
  it('erases a forgotten customer everywhere, keeps other customers readable, and leaves no plaintext in any column', async () => {
    const a = await placeEveryEvent('customer-a', 'MarkerAlpha7');
    const b = await placeEveryEvent('customer-b', 'MarkerBravo7');
    expect((await vault.openEvents(await storedEventsOf('customer-a'))).map((e) => e.data)).toEqual(orderEventTypes.map((t) => a[t]));
    expect(await viewAddressOf('customer-a')).toEqual(a.OrderPlaced.shippingAddress);
    // The search itself must be able to find things: the customer id is stored in plain.
    expect(await columnsContaining(database.dataSource, 'customer-a')).toEqual(expect.arrayContaining(['public.events.customer_id', 'public.customer_keys.customer_id']));

    expect(await vault.forgetCustomer('customer-a')).toEqual({ customerId: 'customer-a', erasedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/) });

    for (const { type, data } of await vault.openEvents(await storedEventsOf('customer-a'))) {
      const original = a[type as keyof typeof a] as Record<string, unknown>;
      for (const field of Object.keys(original)) expect(data[field]).toEqual(personalFieldsOf(type).includes(field) ? ERASED : original[field]);
    }
    expect(await viewAddressOf('customer-a')).toBe(ERASED);
    expect((await vault.openEvents(await storedEventsOf('customer-b'))).map((e) => e.data)).toEqual(orderEventTypes.map((t) => b[t]));
    expect(await viewAddressOf('customer-b')).toEqual(b.OrderPlaced.shippingAddress);
    for (const secret of [...personalStringsOf(a), 'MarkerAlpha7']) expect(await columnsContaining(database.dataSource, secret)).toEqual([]);
  });

  it('looks up the keys of many events in one query', async () => {
    await placeEveryEvent('customer-c', 'MarkerCharlie7');
    await placeEveryEvent('customer-d', 'MarkerDelta7');
    const events = [...(await storedEventsOf('customer-c')), ...(await storedEventsOf('customer-d'))];
    const query = jest.spyOn(database.dataSource, 'query');
    try {
      const opened = await vault.openEvents(events);
      expect(opened.find((e) => e.type === 'PaymentFailed')?.data.reason).toContain('MarkerCharlie7');
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
  });

  it('seals a batch of histories (50 orders of 30 customers, 20 of them new) with one statement for their keys', async () => {
    await vault.sealEventData('batch-old-0', 'PaymentFailed', { orderId: 'o', reason: 'warm' });
    const customers = Array.from({ length: 30 }, (_, i) => (i < 10 ? `batch-old-${i}` : `batch-new-${i}`));
    for (const customer of customers.slice(1, 10)) await vault.sealEventData(customer, 'PaymentFailed', { orderId: 'o', reason: 'warm' });
    const histories = Array.from({ length: 50 }, (_, i) => ({
      customerId: customers[i % 30],
      events: [{ type: 'OrderCancelled', data: { orderId: `o-${i}`, reason: `reason ${i}`, authorizationVoided: false } }],
    }));
    const query = jest.spyOn(database.dataSource, 'query');
    let sealed;
    try {
      sealed = await vault.sealHistories(histories);
      // One statement: the 20 new customers' keys inserted, the other 10 read.
      expect(query).toHaveBeenCalledTimes(1);
    } finally {
      query.mockRestore();
    }
    const keyIds = sealed.map(([event]) => (event.data.reason as unknown as SealedValue).keyId);
    for (let i = 0; i < 50; i++) expect(keyIds[i]).toBe(keyIds[i % 30]);
    expect(new Set(keyIds).size).toBe(30);
    const opened = await vault.openEvents(sealed.flat());
    expect(opened.map((event) => (event.data as { reason: string }).reason)).toEqual(histories.map(({ events }) => events[0].data.reason));
  });

  it('seals two concurrent batches of the same new customers in opposite orders without a deadlock (5 rounds of 2 x 500 customers)', async () => {
    let rounds = 0;
    for (let round = 0; round < 5; round++) {
      const customers = Array.from({ length: 500 }, (_, i) => `crossed-${round}-${i}`);
      const batch = (ids: string[]) => ids.map((customerId) => ({ customerId, events: [{ type: 'OrderCancelled', data: { orderId: `o-${customerId}`, reason: 'crossed', authorizationVoided: false } }] }));
      const [forward, backward] = await Promise.all([vault.sealHistories(batch(customers)), vault.sealHistories(batch([...customers].reverse()))]);
      const keyOf = (sealed: typeof forward) => sealed.map(([event]) => (event.data.reason as unknown as SealedValue).keyId);
      expect(keyOf(forward)).toEqual(keyOf(backward).reverse());
      rounds++;
    }
    expect(rounds).toBe(5);
  });

  it('gives sixteen concurrent first orders of one customer the same key', async () => {
    const sealed = await Promise.all(
      Array.from({ length: 16 }, (_, i) => vault.sealEventData('customer-race', 'PaymentFailed', { orderId: `order-${i}`, reason: `reason ${i}` })),
    );
    expect(new Set(sealed.map((data) => data.reason.keyId)).size).toBe(1);
    const [{ n }] = await database.dataSource.query("SELECT count(*)::int AS n FROM customer_keys WHERE customer_id = 'customer-race'");
    expect(n).toBe(1);
    const opened = await vault.openEvents(sealed.map((data) => ({ type: 'PaymentFailed', data })));
    expect(opened.map((e) => e.data.reason)).toEqual(sealed.map((_, i) => `reason ${i}`));
  });

  it('seals with the new key when a forget commits while the lookup waits on its delete (never the forgotten key)', async () => {
    const old = (await vault.sealEventData('customer-forget-race', 'PaymentFailed', { orderId: 'o1', reason: 'before' })).reason.keyId;
    // A forget's delete, held open in another session: the next lookup's insert waits on it.
    const forgetting = new Client({ connectionString: database.db.url });
    await forgetting.connect();
    try {
      await forgetting.query('BEGIN');
      await forgetting.query("DELETE FROM customer_keys WHERE customer_id = 'customer-forget-race'");
      const sealing = vault.sealEventData('customer-forget-race', 'PaymentFailed', { orderId: 'o2', reason: 'after' });
      await eventually('the lookup to wait on the delete', async () => {
        // In this transaction pg_stat_activity keeps the backends it listed first: read afresh.
        await forgetting.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await forgetting.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO customer_keys%'",
        );
        return rows[0].n === 1;
      });
      await forgetting.query('COMMIT');
      const sealed = await sealing;
      const [{ key_id }] = await database.dataSource.query("SELECT key_id::text AS key_id FROM customer_keys WHERE customer_id = 'customer-forget-race'");
      expect(sealed.reason.keyId).not.toBe(old);
      expect(sealed.reason.keyId).toBe(key_id);
      expect((await vault.openEvents([{ type: 'PaymentFailed', data: sealed }]))[0].data.reason).toBe('after');
    } finally {
      await forgetting.end();
    }
  });

  it('forgets idempotently, and gives a later order of the same customer a new key', async () => {
    const before = await vault.sealEventData('customer-e', 'OrderCancelled', { orderId: 'o1', reason: 'first reason', authorizationVoided: false });
    const first = await vault.forgetCustomer('customer-e');
    expect(await vault.forgetCustomer('customer-e')).toEqual(first);
    expect(await vault.isErased('customer-e')).toBe(true);

    const after = await vault.sealEventData('customer-e', 'OrderCancelled', { orderId: 'o2', reason: 'second reason', authorizationVoided: false });
    expect(after.reason.keyId).not.toBe(before.reason.keyId);
    expect(await vault.isErased('customer-e')).toBe(false);
    const opened = await vault.openEvents([
      { type: 'OrderCancelled', data: before },
      { type: 'OrderCancelled', data: after },
    ]);
    expect(opened.map((e) => e.data.reason)).toEqual([ERASED, 'second reason']);

    const second = await vault.forgetCustomer('customer-e');
    expect(Date.parse(second.erasedAt)).toBeGreaterThanOrEqual(Date.parse(first.erasedAt));
    expect(await vault.isErased('customer-e')).toBe(true);
    const [{ n }] = await database.dataSource.query("SELECT count(*)::int AS n FROM erased_customers WHERE customer_id = 'customer-e'");
    expect(n).toBe(1);
  });

  it('records the erasure of a customer it never held a key for', async () => {
    expect(await vault.isErased('customer-unknown')).toBe(false);
    const erasure = await vault.forgetCustomer('customer-unknown');
    expect(erasure.customerId).toBe('customer-unknown');
    expect(await vault.isErased('customer-unknown')).toBe(true);
  });
});
