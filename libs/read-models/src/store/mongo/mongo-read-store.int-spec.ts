import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { readModelViews } from '../../projections';
import { readStoreContract } from '../read-store.contract';
import { MongoReadStore } from './mongo-read-store';

function mongoSuite(name: string, connect: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  describe(name, () => {
    let client: MongoClient;
    let store: MongoReadStore;
    let server: { url: string; stop(): Promise<void> };
    // A fresh database per run, so a real server's earlier data never leaks in.
    const database = `os_read_models_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      server = await connect();
      client = await new MongoClient(server.url).connect();
      store = new MongoReadStore(client.db(database), readModelViews);
      await store.ensureViews();
    });

    afterAll(async () => {
      await client?.db(database).dropDatabase();
      await client?.close();
      await server?.stop();
    });

    readStoreContract(() => store);

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
