import { Double, Long, MongoClient, MongoServerError, type Db } from 'mongodb';
import { startMongoTestServer, type MongoTestServer } from './server';
import { connectedServer, type ConnectedServer } from './test-support/connected-server';

const codeOf = (error: unknown) => (error instanceof MongoServerError ? error.code : error);

describe('where the test server follows MongoDB rather than mingo, and refuses what it cannot honour', () => {
  let connected: ConnectedServer;
  let db: Db;

  beforeAll(async () => {
    connected = await connectedServer();
    db = connected.client.db('fidelity');
  });
  afterAll(() => connected.close());

  it('$gte and $lte null match null and missing fields alike; $gt and $lt null match nothing', async () => {
    const docs = db.collection('nulls');
    await docs.insertMany([{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: 1 }, { _id: 4, a: 'x' }] as never);
    const ids = async (filter: object) => (await docs.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ a: { $gte: null } })).toEqual([1, 2]);
    expect(await ids({ a: { $lte: null } })).toEqual([1, 2]);
    expect(await ids({ $or: [{ a: { $gte: null } }, { a: 1 }] })).toEqual([1, 2, 3]);
    expect(await ids({ a: { $gt: null } })).toEqual([]);
    expect(await ids({ a: { $lt: null } })).toEqual([]);
  });

  it('$type tells int, long and double apart as BSON does, and the types come back as they were sent', async () => {
    const docs = db.collection('types');
    await docs.insertMany([
      { _id: 'int', n: 5 },
      { _id: 'double', n: 1.5 },
      { _id: 'whole-double', n: new Double(2) },
      { _id: 'long', n: Long.fromNumber(7) },
      { _id: 'big-long', n: Long.fromString('9007199254740993') },
      { _id: 'string', n: '5' },
      { _id: 'array', n: [new Double(3), 'x'] },
      { _id: 'nested', m: { n: Long.fromNumber(8) } },
      { _id: 'missing' },
    ] as never);
    const ids = async (filter: object) => (await docs.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    const tried: Array<[object, string[]]> = [
      [{ n: { $type: 'int' } }, ['int']],
      [{ n: { $type: 16 } }, ['int']],
      [{ n: { $type: 'double' } }, ['array', 'double', 'whole-double']],
      [{ n: { $type: 1 } }, ['array', 'double', 'whole-double']],
      [{ n: { $type: 'long' } }, ['big-long', 'long']],
      [{ n: { $type: 18 } }, ['big-long', 'long']],
      [{ n: { $type: ['int', 'long'] } }, ['big-long', 'int', 'long']],
      [{ n: { $type: 'number' } }, ['array', 'big-long', 'double', 'int', 'long', 'whole-double']],
      [{ n: { $type: 'string' } }, ['array', 'string']],
      [{ n: { $type: 'array' } }, ['array']],
      [{ 'm.n': { $type: 'long' } }, ['nested']],
      [{ n: { $not: { $type: 'number' } } }, ['missing', 'nested', 'string']],
      // Equality is by value across the numeric types, as before.
      [{ n: 2 }, ['whole-double']],
      [{ n: { $in: [7, 5] } }, ['int', 'long']],
    ];
    for (const [filter, expected] of tried) expect({ filter, found: await ids(filter) }).toEqual({ filter, found: expected });
    expect(tried).toHaveLength(14);
    const matched = await docs.aggregate([{ $match: { n: { $type: 'long' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(matched.map((d) => d._id)).toEqual(['big-long', 'long']);

    const typeOf = async (id: string) => {
      const found = await docs.findOne({ _id: id } as never, { promoteValues: false });
      return (found?.n as { _bsontype?: string })?._bsontype ?? typeof found?.n;
    };
    expect({ int: await typeOf('int'), double: await typeOf('double'), wholeDouble: await typeOf('whole-double'), long: await typeOf('long'), bigLong: await typeOf('big-long') }).toEqual({
      int: 'Int32',
      double: 'Double',
      wholeDouble: 'Double',
      long: 'Long',
      bigLong: 'Long',
    });
    // $set stores the operand's type; an operator that writes a plain number there drops it.
    await docs.updateOne({ _id: 'int' } as never, { $set: { n: new Double(4) } });
    expect(await typeOf('int')).toBe('Double');
    await docs.updateOne({ _id: 'whole-double' } as never, { $set: { n: 6 } });
    expect(await typeOf('whole-double')).toBe('Int32');
    expect(await ids({ n: { $type: 'double' } })).toEqual(['array', 'double', 'int']);
    await expect(docs.find({ n: { $type: 'float' } }).toArray().catch(codeOf)).resolves.toBe(2);
    await expect(docs.find({ n: { $type: 100 } }).toArray().catch(codeOf)).resolves.toBe(2);
  });

  it('refuses operators that touch one path twice with 40 ConflictingUpdateOperators', async () => {
    const docs = db.collection('conflicts');
    await docs.insertOne({ _id: 'c', a: { b: 1 }, n: 1 } as never);
    for (const update of [{ $set: { n: 2 }, $inc: { n: 1 } }, { $set: { a: 1 }, $unset: { 'a.b': '' } }, { $set: { x: 1 }, $setOnInsert: { x: 2 } }]) {
      await expect(docs.updateOne({ _id: 'c' } as never, update).catch(codeOf)).resolves.toBe(40);
    }
    expect(await docs.findOne({ _id: 'c' } as never)).toEqual({ _id: 'c', a: { b: 1 }, n: 1 });
  });

  it('refuses index keys MongoDB refuses (67), and text, geo and TTL indexes and collations it does not have (238)', async () => {
    const docs = db.collection('indexes');
    for (const key of [{ a: 0 }, { a: 'sideways' }, { a: true }]) {
      await expect(docs.createIndex(key as never).catch(codeOf)).resolves.toBe(67);
    }
    await expect(docs.createIndex({ body: 'text' }).catch(codeOf)).resolves.toBe(238);
    await expect(docs.createIndex({ at: '2dsphere' }).catch(codeOf)).resolves.toBe(238);
    await expect(docs.createIndex({ at: 1 }, { expireAfterSeconds: 60 }).catch(codeOf)).resolves.toBe(238);
    await expect(docs.find({}, { collation: { locale: 'de' } }).toArray().catch(codeOf)).resolves.toBe(238);
    await expect(docs.createIndex({ a: 1, b: -1 })).resolves.toBe('a_1_b_-1');
  });
});

describe('interleave mode: other connections run between the documents of a multi-document write', () => {
  const N = 300;

  async function countsSeenDuringUpdateMany(server: MongoTestServer): Promise<number[]> {
    const [writer, reader] = [await new MongoClient(server.url).connect(), await new MongoClient(server.url).connect()];
    try {
      const docs = writer.db('interleave').collection('docs');
      await docs.insertMany(Array.from({ length: N }, (_, i) => ({ i, x: 0 })));
      const seen: number[] = [];
      let done = false;
      const updating = docs.updateMany({}, { $set: { x: 1 } }).finally(() => (done = true));
      while (!done) seen.push(await reader.db('interleave').collection('docs').countDocuments({ x: 1 }));
      expect((await updating).modifiedCount).toBe(N);
      return seen;
    } finally {
      await writer.close();
      await reader.close();
    }
  }

  it('a reader sees an updateMany half applied, as on MongoDB; without the mode, never', async () => {
    const interleaved = await startMongoTestServer({ interleave: true });
    const atomic = await startMongoTestServer();
    try {
      const during = await countsSeenDuringUpdateMany(interleaved);
      expect(during.some((count) => count > 0 && count < N)).toBe(true);
      const whole = await countsSeenDuringUpdateMany(atomic);
      expect(whole.every((count) => count === 0 || count === N)).toBe(true);
    } finally {
      await interleaved.stop();
      await atomic.stop();
    }
  });

  it('keeps unordered bulk write semantics: every statement tried, errors at their own index', async () => {
    const server = await startMongoTestServer({ interleave: true });
    const client = await new MongoClient(server.url).connect();
    try {
      const docs = client.db('interleave').collection('bulk');
      await docs.createIndex({ k: 1 }, { unique: true });
      const result = await docs.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false }).catch((error: { result?: unknown; writeErrors?: unknown }) => error);
      expect((result as { writeErrors?: Array<{ index: number; code: number }> }).writeErrors?.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
      expect(await docs.countDocuments()).toBe(2);
      await docs.updateMany({}, { $inc: { n: 1 } });
      expect((await docs.find({}, { projection: { _id: 0, k: 1, n: 1 } }).sort({ k: 1 }).toArray())).toEqual([{ k: 1, n: 1 }, { k: 2, n: 1 }]);
      expect((await docs.deleteMany({ n: 1 })).deletedCount).toBe(2);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
