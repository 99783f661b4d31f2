import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { PostgresEventStore, PostgresNamedSequences, openEventStoreDatabase, type EventStoreDatabase } from '@ordersource/event-store';
import { createPersonalDataVault, isSealedValue, personalDataMigrations, type PersonalDataVault } from '@ordersource/personal-data';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import canonicalize from 'canonicalize';
import { importDigestKey } from './digest-key';
import { parseImportLine } from './import-line';
import { OrderImporter } from './order-importer';
import { deliveredOrderLine, ndjson } from './testing/import-lines';

describe('the order import on PostgreSQL', () => {
  let db: TestDatabase;
  let database: EventStoreDatabase;
  let store: PostgresEventStore;
  let vault: PersonalDataVault;
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    db = await createTestDatabase('os_import');
    database = await openEventStoreDatabase({ url: db.url, chainKey: randomBytes(32), extraMigrations: personalDataMigrations, poolSize: 8 });
    store = new PostgresEventStore(database);
    vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey });
  });

  afterAll(async () => {
    await store.notificationsSent();
    await database.close();
    await db.drop();
  });

  const importer = () => new OrderImporter({ store, sealer: vault, sequences: new PostgresNamedSequences(database), digestKey: importDigestKey(masterKey), batchSize: 40, concurrentBatches: 2 });
  const eventCount = async () => Number((await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n);

  const good = deliveredOrderLine({ orderId: '5d9f1c2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f' });
  const withoutId = deliveredOrderLine({ customerId: 'cust-import-2' }, '2026-03-03T10:00:00.000Z');
  const shipsUnpaid = { ...deliveredOrderLine({ customerId: 'cust-import-3' }), steps: [{ command: 'ship', at: '2026-03-02T10:00:00.000Z', carrier: 'DHL', trackingNumber: 'T', warehouse: 'W' }] };
  const refundsTooMuch = {
    ...deliveredOrderLine({ customerId: 'cust-import-4' }),
    steps: [...deliveredOrderLine().steps, { command: 'refund', at: '2026-03-05T00:00:00.000Z', amount: 5000, reason: 'broken' }],
  };
  const file = ndjson([good, shipsUnpaid, '', '{not json', withoutId, refundsTooMuch, { ...good, orderId: undefined, currency: 'eur' }, good]);

  it('imports the legal lines, rejects each illegal one with its line number and rule, and a re-run appends nothing', async () => {
    const first = await importer().run(Readable.from([Buffer.from(file)]), { subject: 'admin' });
    // The last line repeats the first: the same order, appended once.
    expect(first).toMatchObject({ lines: 7, imported: 2, alreadyImported: 1, rejectedCount: 4, events: 14 });
    expect(first.rejected.map(({ line, type }) => ({ line, type }))).toEqual([
      { line: 2, type: 'order-not-paid' },
      { line: 4, type: 'malformed-json' },
      { line: 6, type: 'refund-exceeds-captured' },
      { line: 7, type: 'invalid-request' },
    ]);
    expect(first.rejected[3].detail).toContain('currency');
    expect(await eventCount()).toBe(14);

    const history = await store.readStream(`order-${good.orderId}`);
    expect(history.map((event) => event.occurredAt)).toEqual([
      '2026-03-02T09:15:00.000Z',
      '2026-03-02T09:16:00.000Z',
      '2026-03-02T09:17:00.000Z',
      '2026-03-02T19:15:00.000Z',
      '2026-03-02T20:55:00.000Z',
      '2026-03-02T20:05:00.000Z',
      '2026-03-03T18:35:00.000Z',
    ]);
    for (const event of history) expect(event.metadata).toMatchObject({ actor: 'import:admin', correlationId: first.correlationId, causationId: first.importId });
    expect(isSealedValue(history[0].data.shippingAddress)).toBe(true);
    expect(isSealedValue(history[6].data.receivedBy)).toBe(true);
    expect(JSON.stringify(history)).not.toContain('Analytical Lane');
    expect((await vault.openEvents(history))[0].data.shippingAddress).toMatchObject({ line1: '12 Analytical Lane' });
    // The fingerprint is the HMAC of the line's RFC 8785 form, as the `canonicalize` package writes
    // it (earlier runs' digests): a faster canonical writer must not change it.
    const fingerprint = createHmac('sha256', importDigestKey(masterKey)).update(`line\n${canonicalize(parseImportLine(JSON.stringify(good)))}`).digest('hex');
    expect(history[0].metadata.importDigest).toBe(fingerprint);

    const again = await importer().run(Readable.from([Buffer.from(file)]), { subject: 'admin' });
    expect(again).toMatchObject({ lines: 7, imported: 0, alreadyImported: 3, rejectedCount: 4 });
    expect(again.correlationId).not.toBe(first.correlationId);
    expect(await eventCount()).toBe(14);
  });

  it('rejects a line whose orderId is already in the log with another history', async () => {
    const before = await eventCount();
    const changed = { ...good, items: [{ sku: 'SKU-OTHER', quantity: 1, unitPrice: 100 }], steps: [] };
    const summary = await importer().run(Readable.from([Buffer.from(ndjson([changed]))]), { subject: 'admin' });
    expect(summary.rejected).toEqual([{ line: 1, type: 'order-already-exists', detail: expect.stringContaining(good.orderId as string) }]);
    expect(await eventCount()).toBe(before);
  });

  it('reads a large input in small chunks with a bounded number of orders held at once', async () => {
    const lines = Array.from({ length: 300 }, (_, index) => deliveredOrderLine({ customerId: `cust-bulk-${index % 37}` }, new Date(Date.UTC(2026, 1, 1) + index * 3_600_000).toISOString()));
    const text = ndjson(lines);
    const chunks = Array.from({ length: Math.ceil(text.length / 997) }, (_, index) => Buffer.from(text.slice(index * 997, (index + 1) * 997)));
    let maxPending = 0;
    let settled = 0;
    const summary = await importer().run(Readable.from(chunks), {
      subject: 'ops',
      onProgress: (progress) => {
        settled++;
        maxPending = Math.max(maxPending, progress.lines - progress.imported - progress.rejected - progress.alreadyImported);
      },
    });
    expect(summary).toMatchObject({ lines: 300, imported: 300, rejectedCount: 0 });
    expect(settled).toBe(300);
    // batchSize 40, two batches being written and one being filled.
    expect(maxPending).toBeLessThanOrEqual(120);
  });

  it('numbers imported orders in their placedAt year and keeps the channel a line names (default web)', async () => {
    const years = [2023, 2024, 2024, 2025];
    const lines = years.map((year, index) => ({
      ...deliveredOrderLine({ customerId: `cust-numbered-${index}` }, `${year}-06-0${index + 1}T10:00:00.000Z`),
      steps: [],
      ...(index % 2 === 0 ? { channel: 'marketplace' } : {}),
    }));
    const summary = await importer().run(Readable.from([Buffer.from(ndjson(lines))]), { subject: 'admin' });
    expect(summary).toMatchObject({ lines: 4, imported: 4, rejectedCount: 0 });
    const placed = (await database.pool.query<{ data: { orderNumber: string; channel: string; customerId: string }; schema_version: number }>(
      `SELECT data, schema_version FROM events WHERE type = 'OrderPlaced' AND data->>'customerId' LIKE 'cust-numbered-%' ORDER BY data->>'customerId'`,
    )).rows;
    expect(placed.map((row) => row.schema_version)).toEqual([2, 2, 2, 2]);
    expect(placed.map((row) => row.data.channel)).toEqual(['marketplace', 'web', 'marketplace', 'web']);
    placed.forEach((row, index) => expect(row.data.orderNumber).toMatch(new RegExp(`^OS-${years[index]}-\\d{6}$`)));
    expect(new Set(placed.map((row) => row.data.orderNumber)).size).toBe(4);
  });
});
