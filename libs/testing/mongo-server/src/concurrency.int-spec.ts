import { connectedServer, type ConnectedServer } from './test-support/connected-server';

interface Event {
  _id?: string;
  writer?: number;
  k?: number;
  value?: number;
}

describe('concurrent clients', () => {
  let connected: ConnectedServer;

  beforeAll(async () => {
    connected = await connectedServer();
  });
  afterAll(() => connected.close());

  it('loses no write when several clients insert and increment in parallel', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => connected.newClient({ maxPoolSize: 5 })));
    const collection = (n: number) => clients[n % clients.length].db('concurrency').collection<Event>('events');

    await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        await collection(n).insertMany(Array.from({ length: 25 }, (_, k) => ({ writer: n, k })));
        await collection(n).updateOne({ _id: 'counter' }, { $inc: { value: 1 } }, { upsert: true });
      }),
    );

    const events = connected.client.db('concurrency').collection<Event>('events');
    expect(await events.countDocuments({ writer: { $exists: true } })).toBe(500);
    expect(await events.findOne({ _id: 'counter' })).toEqual({ _id: 'counter', value: 20 });
  });
});
