import type { CommandStartedEvent, Db } from 'mongodb';
import { connectedServer, type ConnectedServer } from './test-support/connected-server';

describe('queries, cursors and aggregation through the real driver', () => {
  let connected: ConnectedServer;
  let db: Db;
  const started: CommandStartedEvent[] = [];
  const seeded = Array.from({ length: 1000 }, (_, n) => ({ seq: n, status: ['placed', 'paid', 'shipped'][n % 3], total: n % 10 }));

  beforeAll(async () => {
    connected = await connectedServer();
    const monitored = await connected.newClient({ monitorCommands: true });
    monitored.on('commandStarted', (event) => started.push(event));
    db = monitored.db('queries');
    await db.collection('orders').insertMany(seeded.map((order) => ({ ...order })));
  });
  afterAll(() => connected.close());

  it('sorts, skips and limits', async () => {
    const page = await db
      .collection('orders')
      .find({ status: 'paid' }, { projection: { _id: 0, seq: 1 } })
      .sort({ seq: -1 })
      .skip(2)
      .limit(3)
      .toArray();

    expect(page).toEqual([{ seq: 991 }, { seq: 988 }, { seq: 985 }]);
  });

  it('pages 1,000 documents in batches of 100 through getMore', async () => {
    started.length = 0;

    const all = await db.collection('orders').find({}, { batchSize: 100 }).sort({ seq: 1 }).toArray();

    expect(all.map((order) => order.seq)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    const getMores = started.filter((event) => event.commandName === 'getMore');
    expect(getMores).toHaveLength(9);
    expect(getMores.every((event) => event.command.batchSize === 100)).toBe(true);
  });

  it('closes a cursor that is abandoned before its end', async () => {
    started.length = 0;
    const cursor = db.collection('orders').find({}, { batchSize: 10 });
    await cursor.next();

    await cursor.close();

    expect(started.map((event) => event.commandName)).toEqual(['find', 'killCursors']);
  });

  it('counts documents matching a filter, with skip and limit', async () => {
    const orders = db.collection('orders');

    expect(await orders.countDocuments({ status: 'shipped' })).toBe(333);
    expect(await orders.countDocuments({ status: 'shipped' }, { skip: 300, limit: 50 })).toBe(33);
    expect(await orders.countDocuments({ status: 'unknown' })).toBe(0);
    expect(await orders.estimatedDocumentCount()).toBe(1000);
  });

  it('aggregates with $match, $group, $sort, $project and $limit', async () => {
    const totals = await db
      .collection('orders')
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $group: { _id: '$status', revenue: { $sum: '$total' }, orders: { $sum: 1 } } },
        { $sort: { revenue: -1 } },
        { $project: { _id: 0, status: '$_id', revenue: 1, orders: 1 } },
        { $limit: 2 },
      ])
      .toArray();
    const [{ n }] = await db.collection('orders').aggregate([{ $match: { status: 'paid' } }, { $count: 'n' }]).toArray();

    const expected = ['placed', 'paid', 'shipped']
      .map((status) => {
        const matching = seeded.filter((order) => order.status === status && order.total >= 5);
        return { status, revenue: matching.reduce((sum, order) => sum + order.total, 0), orders: matching.length };
      })
      .sort((left, right) => right.revenue - left.revenue)
      .slice(0, 2);
    expect(totals).toEqual(expected);
    expect(n).toBe(333);
  });

  it('leaves stored documents untouched by pipeline stages that add fields', async () => {
    const carts = db.collection('carts');
    await carts.insertOne({ cartId: 'c-1', totals: { items: 2 } });

    await carts.aggregate([{ $set: { 'totals.discount': 5 } }, { $addFields: { flagged: true } }]).toArray();

    expect(await carts.findOne({ cartId: 'c-1' }, { projection: { _id: 0 } })).toEqual({ cartId: 'c-1', totals: { items: 2 } });
  });

  it('joins another collection with $lookup', async () => {
    const customers = db.collection<{ _id: string; name: string }>('customers');
    const invoices = db.collection('invoices');
    await customers.insertOne({ _id: 'c-1', name: 'Ada' });
    await invoices.insertMany([{ customerId: 'c-1', amount: 3 }, { customerId: 'c-1', amount: 4 }]);

    const [joined] = await customers
      .aggregate([{ $lookup: { from: 'invoices', localField: '_id', foreignField: 'customerId', as: 'invoices' } }])
      .toArray();

    expect(joined.invoices.map((invoice: { amount: number }) => invoice.amount)).toEqual([3, 4]);
  });

  it('returns distinct values, unwinding arrays', async () => {
    const tags = db.collection('tags');
    await tags.insertMany([{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: 'd' }, {}]);

    expect((await tags.distinct('tags')).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await db.collection('orders').distinct('status', { total: 0 })).sort()).toEqual(['paid', 'placed', 'shipped']);
  });

  it('finds nothing in a collection that does not exist', async () => {
    expect(await db.collection('missing').find({}).toArray()).toEqual([]);
    expect(await db.collection('missing').countDocuments()).toBe(0);
  });
  it('answers _id lookups (equality, $eq, $in) exactly as a full scan would, through updates and deletes', async () => {
    const heads = db.collection<{ _id: string; v: number; kind?: string }>('heads');
    await heads.insertMany([{ _id: 'a', v: 1, kind: 'x' }, { _id: 'b', v: 1 }, { _id: 'c', v: 1, kind: 'x' }]);
    // Natural (insertion) order whatever the order of the $in list; the rest of the filter applies.
    expect((await heads.find({ _id: { $in: ['c', 'zz', 'a', 'b'] } }).toArray()).map((d) => d._id)).toEqual(['a', 'b', 'c']);
    expect((await heads.find({ _id: { $in: ['c', 'a', 'b'] }, kind: 'x' }).toArray()).map((d) => d._id)).toEqual(['a', 'c']);
    expect(await heads.findOne({ _id: { $eq: 'b' } })).toEqual({ _id: 'b', v: 1 });
    // A replace guarded by a version (the read store's pattern) sees the current document only.
    expect((await heads.replaceOne({ _id: 'b', v: 1 }, { v: 2 })).modifiedCount).toBe(1);
    expect((await heads.replaceOne({ _id: 'b', v: 1 }, { v: 3 })).modifiedCount).toBe(0);
    expect(await heads.findOne({ _id: 'b' })).toEqual({ _id: 'b', v: 2 });
    await heads.deleteOne({ _id: 'a' });
    expect(await heads.countDocuments({ _id: { $in: ['a', 'b', 'c'] } })).toBe(2);
    expect((await heads.find({ _id: { $in: ['a', 'b', 'c'] } }).toArray()).map((d) => d._id)).toEqual(['b', 'c']);
  });
});
