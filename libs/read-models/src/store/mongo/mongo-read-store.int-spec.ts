import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { readModelViews } from '../../projections';
import { freshId, isoAt, placeChange } from '../contract/fixtures';
import { readStoreContract } from '../read-store.contract';
import { MongoReadStore } from './mongo-read-store';

function mongoSuite(name: string, connect: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  describe(name, () => {
    let client: MongoClient;
    let store: MongoReadStore;
    let twin: MongoReadStore;
    let server: { url: string; stop(): Promise<void> };
    // A fresh database per run, so a real server's earlier data never leaks in.
    const database = `os_read_models_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      server = await connect();
      client = await new MongoClient(server.url).connect();
      store = new MongoReadStore(client.db(database), readModelViews);
      await store.ensureViews();
      twin = new MongoReadStore(client.db(database), readModelViews);
    });

    afterAll(async () => {
      await client?.db(database).dropDatabase();
      await client?.close();
      await server?.stop();
    });

    readStoreContract(
      () => store,
      () => twin,
    );

    it('applies to the generation its batch loaded from, and an apply with no load before it to the one active now', async () => {
      // Its own database: two instances of the store, the second one swapping the view under the first.
      const db = client.db(`${database}_swap`);
      const live = new MongoReadStore(db, readModelViews);
      const other = new MongoReadStore(db, readModelViews);
      await live.ensureViews();
      const [first, second] = [freshId(), freshId()];
      await live.loadHeads('shipping', [first]);
      expect(await live.applyChanges('shipping', [placeChange(first, 'c', isoAt(1))])).toEqual({ applied: [first], conflicts: [] });
      const shadow = await other.createShadow('shipping');
      await other.swap('shipping', shadow);
      // No loadHeads since the swap: the apply reads the pointer, it does not reuse the earlier load's.
      expect(await live.applyChanges('shipping', [placeChange(second, 'c', isoAt(2))])).toEqual({ applied: [second], conflicts: [] });
      expect(await other.findById({ view: 'shipping', id: second })).toMatchObject({ orderId: second });
      expect(await other.findById({ view: 'shipping', id: first })).toBeNull();
      expect(await other.findById({ view: 'shipping', id: first, generation: 1 })).toMatchObject({ orderId: first });
      await db.dropDatabase();
    });

    it('creates the indexes each query shape needs', async () => {
      const indexes = await client.db(database).collection('order_tracking_g1').listIndexes().toArray();
      expect(indexes.map((index) => index.key)).toEqual(
        expect.arrayContaining([
          { placedAt: 1, _id: 1 },
          { customerId: 1, placedAt: 1, _id: 1 },
          { status: 1, placedAt: 1, _id: 1 },
        ]),
      );
    });
  });
}

mongoSuite('MongoReadStore on the MongoDB test server', () => startMongoTestServer());
mongoSuite('MongoReadStore on the MongoDB test server, writes interleaved per document', () => startMongoTestServer({ interleave: true }));

// Real MongoDB only when MONGO_URL is set: registered then, not skipped otherwise.
const mongoUrl = process.env.MONGO_URL;
if (mongoUrl) mongoSuite('MongoReadStore on MongoDB', async () => ({ url: mongoUrl, stop: async () => undefined }));
