import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { connectedServer, type ConnectedServer } from './test-support/connected-server';

describe('bulk writes and indexes through the real driver', () => {
  let connected: ConnectedServer;
  let db: Db;

  beforeAll(async () => {
    connected = await connectedServer();
    db = connected.client.db('bulk');
  });
  afterAll(() => connected.close());

  interface StockItem {
    _id: number;
    sku?: string;
    qty?: number;
    email?: string;
  }

  const operations: AnyBulkWriteOperation<StockItem>[] = [
    { insertOne: { document: { _id: 1, sku: 'a' } } },
    { insertOne: { document: { _id: 1, sku: 'duplicate' } } },
    { insertOne: { document: { _id: 2, sku: 'b' } } },
    { updateOne: { filter: { _id: 2 }, update: { $set: { qty: 3 } } } },
    { deleteOne: { filter: { _id: 1 } } },
  ];

  it('stops an ordered bulkWrite at the duplicate key and keeps what came before', async () => {
    const stock = db.collection<StockItem>('ordered');

    const failure = await stock.bulkWrite(operations, { ordered: true }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MongoBulkWriteError);
    const { writeErrors, insertedCount } = failure as MongoBulkWriteError;
    expect(insertedCount).toBe(1);
    expect((Array.isArray(writeErrors) ? writeErrors : [writeErrors]).map((error) => [error.index, error.code])).toEqual([[1, 11000]]);
    expect(await stock.find().toArray()).toEqual([{ _id: 1, sku: 'a' }]);
  });

  it('runs every operation of an unordered bulkWrite and reports the duplicate by index', async () => {
    const stock = db.collection<StockItem>('unordered');

    const failure = await stock.bulkWrite(operations, { ordered: false }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = failure as MongoBulkWriteError;
    const writeErrors = Array.isArray(bulkError.writeErrors) ? bulkError.writeErrors : [bulkError.writeErrors];
    expect(writeErrors.map((error) => [error.index, error.code])).toEqual([[1, 11000]]);
    expect([bulkError.insertedCount, bulkError.modifiedCount, bulkError.deletedCount]).toEqual([2, 1, 1]);
    expect(await stock.find().toArray()).toEqual([{ _id: 2, sku: 'b', qty: 3 }]);
  });

  it('rejects a duplicate of a unique compound key with code 11000, keyPattern and keyValue', async () => {
    const lines = db.collection('unique_compound');
    await lines.createIndex({ orderId: 1, sku: 1 }, { unique: true, name: 'order_line' });
    await lines.insertMany([{ orderId: 'o-1', sku: 'a' }, { orderId: 'o-1', sku: 'b' }, { orderId: 'o-2', sku: 'a' }]);

    const failure = await lines.insertOne({ orderId: 'o-1', sku: 'b' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MongoServerError);
    expect(failure).toMatchObject({
      code: 11000,
      keyPattern: { orderId: 1, sku: 1 },
      keyValue: { orderId: 'o-1', sku: 'b' },
    });
    expect((failure as Error).message).toMatch(/^E11000 duplicate key error collection: bulk.unique_compound index: order_line/);
    expect(await lines.countDocuments()).toBe(3);
  });

  it('rejects an update that would duplicate a unique key and leaves the document unchanged', async () => {
    const customers = db.collection<StockItem>('unique_update');
    await customers.createIndex({ email: 1 }, { unique: true });
    await customers.insertMany([{ _id: 1, email: 'a@x' }, { _id: 2, email: 'b@x' }]);

    await expect(customers.updateOne({ _id: 2 }, { $set: { email: 'a@x' } })).rejects.toMatchObject({ code: 11000 });
    expect(await customers.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b@x' });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const customers = db.collection('unique_build');
    await customers.insertMany([{ email: 'a@x' }, { email: 'a@x' }]);

    await expect(customers.createIndex({ email: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await customers.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('lists created indexes with their keys and options, and drops them by name', async () => {
    const orders = db.collection('listed_indexes');
    await orders.createIndexes([
      { key: { orderId: 1 }, unique: true },
      { key: { status: 1, placedAt: -1 }, name: 'by_status' },
    ]);

    const listed = await orders.listIndexes().toArray();
    await orders.dropIndex('by_status');

    expect(listed).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { orderId: 1 }, name: 'orderId_1', unique: true },
      { v: 2, key: { status: 1, placedAt: -1 }, name: 'by_status' },
    ]);
    expect((await orders.indexes()).map((index) => index.name)).toEqual(['_id_', 'orderId_1']);
    await expect(orders.dropIndex('by_status')).rejects.toMatchObject({ code: 27 });
  });

  it('treats creating an identical index again as a no-op but rejects the same key under another name', async () => {
    const orders = db.collection('repeat_index');
    await orders.createIndex({ orderId: 1 }, { unique: true });

    await expect(orders.createIndex({ orderId: 1 }, { unique: true })).resolves.toBe('orderId_1');
    await expect(orders.createIndex({ orderId: 1 }, { name: 'other' })).rejects.toMatchObject({ code: 85 });
  });
});
