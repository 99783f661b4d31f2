import { MongoServerError, ObjectId, type Db, type Document, type UpdateFilter } from 'mongodb';
import { connectedServer, type ConnectedServer } from './test-support/connected-server';
import { eventually } from '@ordersource/testing/eventually';

describe('document writes and reads through the real driver', () => {
  let connected: ConnectedServer;
  let db: Db;

  beforeAll(async () => {
    connected = await connectedServer();
    db = connected.client.db('crud');
  });
  afterAll(() => connected.close());

  it('round-trips documents with BSON types intact', async () => {
    const orders = db.collection('round_trip');
    const placedAt = new Date('2026-01-02T03:04:05.000Z');
    const { insertedId } = await orders.insertOne({ orderId: 'o-1', placedAt, lines: [{ sku: 'a', qty: 2 }], total: 12.5 });

    const stored = await orders.findOne({ _id: insertedId });

    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(stored).toEqual({ _id: insertedId, orderId: 'o-1', placedAt, lines: [{ sku: 'a', qty: 2 }], total: 12.5 });
  });

  it('gives an ObjectId _id to a document inserted without one', async () => {
    const orders = db.collection('server_ids');
    await orders.insertOne({ orderId: 'o-1' }, { forceServerObjectId: true });

    expect((await orders.findOne({ orderId: 'o-1' }))?._id).toBeInstanceOf(ObjectId);
  });

  it('updates one or many documents and reports matched and modified counts', async () => {
    const orders = db.collection('updates');
    await orders.insertMany([
      { orderId: 'o-1', status: 'placed' },
      { orderId: 'o-2', status: 'placed' },
      { orderId: 'o-3', status: 'shipped' },
    ]);

    const one = await orders.updateOne({ orderId: 'o-3' }, { $set: { status: 'shipped' } });
    const many = await orders.updateMany({ status: 'placed' }, { $set: { status: 'paid' }, $inc: { version: 1 } });

    expect([one.matchedCount, one.modifiedCount]).toEqual([1, 0]);
    expect([many.matchedCount, many.modifiedCount]).toEqual([2, 2]);
    expect(await orders.countDocuments({ status: 'paid', version: 1 })).toBe(2);
  });

  it('replaces a document but keeps its _id', async () => {
    const orders = db.collection('replacements');
    const { insertedId } = await orders.insertOne({ orderId: 'o-1', status: 'placed', note: 'x' });

    await orders.replaceOne({ orderId: 'o-1' }, { orderId: 'o-1', status: 'cancelled' });

    expect(await orders.findOne({ orderId: 'o-1' })).toEqual({ _id: insertedId, orderId: 'o-1', status: 'cancelled' });
  });

  it('upserts with the filter equality fields when nothing matches, and updates the next time', async () => {
    const tracking = db.collection('upserts');
    const update = { $inc: { events: 1 }, $setOnInsert: { firstSeen: 'e-1' } };

    const inserted = await tracking.updateOne({ orderId: 'o-9', tenant: { $eq: 't-1' } }, update, { upsert: true });
    const updated = await tracking.updateOne({ orderId: 'o-9', tenant: { $eq: 't-1' } }, update, { upsert: true });

    expect(inserted.upsertedCount).toBe(1);
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await tracking.findOne({ orderId: 'o-9' }, { projection: { _id: 0 } })).toEqual({
      orderId: 'o-9',
      tenant: 't-1',
      events: 2,
      firstSeen: 'e-1',
    });
  });

  it('leaves an existing document alone when the update only sets fields on insert', async () => {
    const tracking = db.collection('set_on_insert_only');
    await tracking.insertOne({ orderId: 'o-1', firstSeen: 'e-1' });

    const result = await tracking.updateOne({ orderId: 'o-1' }, { $setOnInsert: { firstSeen: 'e-2' } }, { upsert: true });

    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0 });
    expect((await tracking.findOne({ orderId: 'o-1' }))?.firstSeen).toBe('e-1');
  });

  it('applies unacknowledged (w: 0) writes, which get no reply', async () => {
    const audit = db.collection('unacknowledged');

    await audit.insertOne({ entry: 1 }, { writeConcern: { w: 0 } });

    await eventually('the audit entry is written', async () => (await audit.countDocuments({ entry: 1 })) === 1, { timeoutMs: 2000, everyMs: 10 });
  });

  it('updates array elements chosen by arrayFilters', async () => {
    const orders = db.collection('array_filters');
    await orders.insertOne({ orderId: 'o-1', lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }] });

    await orders.updateOne({ orderId: 'o-1' }, { $inc: { 'lines.$[line].qty': 10 } }, { arrayFilters: [{ 'line.sku': 'b' }] });

    expect((await orders.findOne({ orderId: 'o-1' }))?.lines).toEqual([{ sku: 'a', qty: 1 }, { sku: 'b', qty: 15 }]);
  });

  it('findOneAndUpdate returns the document after the update when asked', async () => {
    const orders = db.collection('find_and_modify');
    await orders.insertOne({ orderId: 'o-1', version: 1 });

    const before = await orders.findOneAndUpdate({ orderId: 'o-1' }, { $inc: { version: 1 } });
    const after = await orders.findOneAndUpdate({ orderId: 'o-1' }, { $inc: { version: 1 } }, { returnDocument: 'after' });
    const upserted = await orders.findOneAndUpdate(
      { orderId: 'o-2' },
      { $set: { version: 1 } },
      { upsert: true, returnDocument: 'after', projection: { _id: 0 } },
    );
    const replaced = await orders.findOneAndReplace({ orderId: 'o-1' }, { orderId: 'o-1', version: 3 }, { returnDocument: 'before' });
    const deleted = await orders.findOneAndDelete({ orderId: 'o-1' });

    expect(before?.version).toBe(1);
    expect(after?.version).toBe(3);
    expect(replaced?.version).toBe(3);
    expect(upserted).toEqual({ orderId: 'o-2', version: 1 });
    expect(deleted?.version).toBe(3);
    expect(await orders.countDocuments({})).toBe(1);
  });

  it('deletes one or many documents', async () => {
    const orders = db.collection('deletes');
    await orders.insertMany([{ status: 'a' }, { status: 'a' }, { status: 'a' }, { status: 'b' }]);

    const one = await orders.deleteOne({ status: 'a' });
    const many = await orders.deleteMany({ status: 'a' });

    expect([one.deletedCount, many.deletedCount]).toEqual([1, 2]);
    expect(await orders.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ status: 'b' }]);
  });

  it('rejects $inc on a string field with TypeMismatch and leaves the document alone', async () => {
    const orders = db.collection('type_mismatch');
    await orders.insertOne({ orderId: 'o-1', total: 'ten' });

    const failure = await orders.updateOne({ orderId: 'o-1' }, { $inc: { total: 1 } }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MongoServerError);
    expect(failure).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    expect((await orders.findOne({ orderId: 'o-1' }))?.total).toBe('ten');
  });

  it('rejects a change to _id with ImmutableField', async () => {
    const orders = db.collection('immutable_id');
    await orders.insertOne({ _id: new ObjectId(), orderId: 'o-1' });

    await expect(orders.updateOne({ orderId: 'o-1' }, { $set: { _id: new ObjectId() } })).rejects.toMatchObject({
      code: 66,
      codeName: 'ImmutableField',
    });
  });

  it('rejects $push onto a field that is not an array with BadValue', async () => {
    await db.collection('push_non_array').insertOne({ orderId: 'o-1', tags: 'urgent' });
    const orders = db.collection<{ orderId: string; tags: string[] }>('push_non_array');

    await expect(orders.updateOne({ orderId: 'o-1' }, { $push: { tags: 'late' } })).rejects.toMatchObject({ code: 2 });
  });

  it('rejects an unknown update modifier with FailedToParse, as mongod does', async () => {
    const orders = db.collection('unknown_modifier');
    await orders.insertOne({ orderId: 'o-1' });

    // The driver's types already reject unknown modifiers; the cast lets the server see one.
    const unknownModifier = { $frobnicate: { a: 1 } } as unknown as UpdateFilter<Document>;

    await expect(orders.updateOne({ orderId: 'o-1' }, unknownModifier)).rejects.toMatchObject({
      code: 9,
      codeName: 'FailedToParse',
    });
  });

  it('rejects an unknown query operator with BadValue', async () => {
    await expect(db.collection('unknown_operator').find({ a: { $nope: 1 } }).toArray()).rejects.toMatchObject({
      code: 2,
      codeName: 'BadValue',
    });
  });

  it('rejects an unknown command with CommandNotFound', async () => {
    await expect(db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });
});
