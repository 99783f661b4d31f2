import type { Db } from 'mongodb';
import { connectedServer, type ConnectedServer } from './test-support/connected-server';

describe('collections and databases through the real driver', () => {
  let connected: ConnectedServer;
  let db: Db;

  beforeAll(async () => {
    connected = await connectedServer();
    db = connected.client.db('namespaces');
  });
  afterAll(() => connected.close());

  it('renames a shadow collection over its target with dropTarget, which no reader sees half-done', async () => {
    const live = db.collection('order_tracking');
    const shadow = db.collection('order_tracking_shadow');
    await live.insertMany(Array.from({ length: 50 }, (_, n) => ({ orderId: `old-${n}` })));
    await shadow.createIndex({ orderId: 1 }, { unique: true });
    await shadow.insertMany(Array.from({ length: 80 }, (_, n) => ({ orderId: `new-${n}` })));
    const reader = (await connected.newClient()).db('namespaces').collection('order_tracking');

    const reads = Array.from({ length: 40 }, () => reader.countDocuments());
    await shadow.rename('order_tracking', { dropTarget: true });
    const counts = await Promise.all(reads);

    expect(counts.every((count) => count === 50 || count === 80)).toBe(true);
    expect(await live.countDocuments({ orderId: /^new-/ })).toBe(80);
    expect(await live.countDocuments()).toBe(80);
    expect((await live.indexes()).map((index) => index.name)).toEqual(['_id_', 'orderId_1']);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name);
    expect(names).not.toContain('order_tracking_shadow');
  });

  it('refuses to rename over an existing collection without dropTarget', async () => {
    await db.collection('rename_source').insertOne({ a: 1 });
    await db.collection('rename_target').insertOne({ b: 1 });

    await expect(db.renameCollection('rename_source', 'rename_target')).rejects.toMatchObject({ code: 48 });
    expect(await db.collection('rename_target').findOne({}, { projection: { _id: 0 } })).toEqual({ b: 1 });
  });

  it('reports NamespaceNotFound when renaming a collection that does not exist', async () => {
    await expect(db.renameCollection('no_such_collection', 'anything')).rejects.toMatchObject({ code: 26 });
  });

  it('creates, lists with a filter, and drops collections', async () => {
    await db.createCollection('created_explicitly');
    await expect(db.createCollection('created_explicitly')).rejects.toMatchObject({ code: 48 });

    const listed = await db.listCollections({ name: 'created_explicitly' }).toArray();
    const dropped = await db.collection('created_explicitly').drop();

    expect(listed).toEqual([expect.objectContaining({ name: 'created_explicitly', type: 'collection' })]);
    expect(dropped).toBe(true);
    expect(await db.listCollections({ name: 'created_explicitly' }).toArray()).toEqual([]);
  });

  it('creates a collection implicitly on the first insert or upsert, but not on an update that matches nothing', async () => {
    await db.collection('implicit_insert').insertOne({ a: 1 });
    await db.collection('implicit_upsert').updateOne({ a: 1 }, { $set: { b: 1 } }, { upsert: true });
    await db.collection('no_op_update').updateOne({ a: 1 }, { $set: { b: 1 } });
    await db.collection('no_op_find_and_modify').findOneAndUpdate({ a: 1 }, { $set: { b: 1 } });

    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name);

    expect(names).toEqual(expect.arrayContaining(['implicit_insert', 'implicit_upsert']));
    expect(names).not.toEqual(expect.arrayContaining(['no_op_update']));
    expect(names).not.toEqual(expect.arrayContaining(['no_op_find_and_modify']));
  });

  it('drops a whole database, which then no longer lists', async () => {
    const scratch = connected.client.db('scratch_db');
    await scratch.collection('a').insertOne({ x: 1 });
    await scratch.collection('b').insertOne({ x: 1 });
    const before = await connected.client.db('admin').admin().listDatabases();

    await scratch.dropDatabase();

    const after = await connected.client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(before.databases.map((entry) => entry.name)).toContain('scratch_db');
    expect(after.databases.map((entry) => entry.name)).not.toContain('scratch_db');
    expect(await scratch.listCollections().toArray()).toEqual([]);
    expect(await scratch.collection('a').countDocuments()).toBe(0);
  });

  it('answers ping, buildInfo and hello as a writable standalone', async () => {
    const admin = connected.client.db('admin').admin();

    await expect(admin.ping()).resolves.toMatchObject({ ok: 1 });
    await expect(admin.buildInfo()).resolves.toMatchObject({ ok: 1, version: '7.0.0' });
    await expect(admin.command({ hello: 1 })).resolves.toMatchObject({ ok: 1, isWritablePrimary: true, maxWireVersion: 21 });
  });
});
