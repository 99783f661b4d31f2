import { eventually } from '@ordersource/testing/eventually';
import { randomBytes } from 'node:crypto';
import type { EventStoreDatabase, JsonObject, PostgresEventStore } from '@ordersource/event-store';
import { ORDERS_TOPIC } from '@ordersource/contracts';
import { KafkaRelay, KafkaSubscriptions } from '@ordersource/messaging';
import { startKafkaForTests, type KafkaForTests } from '@ordersource/testing/kafka-broker';
import { startMongoTestServer, type MongoTestServer } from '@ordersource/testing/mongo-server';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { projections } from '../projections';
import type { Projection } from '../projections/projection';
import type { ReadStore } from '../store/read-store.port';
import { PausableSubscriptions } from './pausable-subscriptions';
import { openRebuildStore } from './rebuild-views';
import { appendOrderHistories, LiveProjections, startReader, startTraffic } from './testing/rebuild-fixtures';
import { eventCount, openSuiteDatabase, spawnReplay, suiteRebuilder } from './testing/rebuild-suite';

/** How long a rebuild suite waits for the log and the views (the rebuild fixtures' old default). */
const SIXTY_SECONDS = { timeoutMs: 60_000 };

// 5,000 orders as in the embedded suite (issue 7); REBUILD_DISTRIBUTED_ORDERS changes it.
const ORDERS = Number(process.env.REBUILD_DISTRIBUTED_ORDERS ?? 5000);

/** Version 1 of the payments projection, with the bug version 2 fixed: captures counted twice. */
const buggyPayments: Projection = {
  ...projections.payments,
  evolve: (head, event) => {
    const step = projections.payments.evolve(head, event);
    if (event.type !== 'PaymentCaptured' || !step.head) return step;
    return { ...step, head: { ...step.head, captured: (step.head.captured as number) + ((event.data as JsonObject).amount as number) } };
  },
};

describe('rebuilding read models on the distributed profile (MongoDB read store, Kafka behind the relay)', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;
  let eventStore: PostgresEventStore;
  let mongo: MongoTestServer;
  let broker: KafkaForTests;
  let relay: KafkaRelay;
  let store: ReadStore;
  let source: KafkaSubscriptions;
  let live: LiveProjections;
  let versions: Map<string, number>;
  // The broker is this suite's own, so the real topic: the replay CLI reads it as a deployment would.
  const topic = ORDERS_TOPIC;
  let mongoUrl: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_rebuild_kafka');
    ({ database, eventStore } = await openSuiteDatabase(testDatabase.url));
    mongo = await startMongoTestServer();
    mongoUrl = `${mongo.url}/os_rebuild_${randomBytes(4).toString('hex')}`;
    store = await openRebuildStore('distributed', { pool: database.pool, mongoUrl });
    broker = await startKafkaForTests();
    const kafka = new Kafka({ clientId: 'rebuild-suite', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    relay = new KafkaRelay({ store: eventStore, url: testDatabase.url, kafka, topic, partitions: 6, registry: new Registry() });
    await relay.start();
    // The default 30 s sessions: on 2 busy cores a slow batch on the MongoDB double can outlast a
    // short one, and no test here needs a dead member's partitions to move quickly.
    const say = (level: string) => (fields: object, message: string) => process.env.DEBUG_REBUILD && console.log(level, message, JSON.stringify(fields));
    source = new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, registry: new Registry(), logger: { debug: () => undefined, info: say('info'), warn: say('warn'), error: say('error') } });
    versions = await appendOrderHistories(eventStore, ORDERS);
    live = new LiveProjections(new PausableSubscriptions(source, database.pool), store, [...Object.values(projections).filter((p) => p.name !== 'payments'), buggyPayments]);
    await live.start();
    const events = await eventCount(database);
    await eventually(() => `the live views have all ${events} events: ${live.describe()}`, () => live.caughtUpWith(events), { timeoutMs: 300_000 });
  }, 360_000);

  afterAll(async () => {
    await live?.stop();
    await relay?.stop();
    await broker?.stop();
    await store?.close();
    await mongo?.stop();
    await database?.close();
    await testDatabase?.drop();
  });

  const rebuilder = () => suiteRebuilder(testDatabase.url, database, eventStore, store, source);

  it('rebuilds a view from a fresh consumer group while commands arrive; readers never see it broken; it ends equal to a clean rebuild', async () => {
    const traffic = startTraffic(eventStore, versions, 50);
    const reader = startReader(store, [...versions.keys()]);
    const record = await (await rebuilder().start('order-tracking')).done;
    await traffic.stop();
    const read = await reader.stop();
    expect(record).toMatchObject({ status: 'swapped', error: null });
    expect(read.failures).toEqual([]);
    expect(read.reads).toBeGreaterThan(10);
    const events = await eventCount(database);
    await eventually(() => `the live views have all ${events} events: ${live.describe()}`, () => live.caughtUpWith(events), SIXTY_SECONDS);
    const verified = await (await rebuilder().start('order-tracking', { verifyOnly: true })).done;
    expect(verified).toMatchObject({ status: 'verified', differences: 0, liveCount: versions.size });
    expect(live.gaps).toBe(0);
  }, 240_000);

  it('names exactly the documents a fixed projection changes, swaps, and rolls back', async () => {
    const { rows } = await database.pool.query<{ stream_id: string }>("SELECT DISTINCT stream_id FROM events WHERE type = 'PaymentCaptured'");
    const capturedOrders = rows.map((row) => row.stream_id.slice('order-'.length)).sort();
    const swapped = await (await rebuilder().start('payments')).done;
    expect(swapped.status).toBe('swapped');
    expect([...(swapped.differingIds ?? [])].sort()).toEqual(capturedOrders);
    const sample = capturedOrders[0];
    const fixed = (await store.findById({ view: 'payments', id: sample }))?.captured as number;
    await rebuilder().rollback('payments');
    expect((await store.findById({ view: 'payments', id: sample }))?.captured).toBe(fixed * 2);
  }, 240_000);

  it('resumes a rebuild killed with SIGKILL halfway from its consumer group offsets, and finishes it equal to a clean rebuild', async () => {
    const env = { DATABASE_URL: testDatabase.url, ORDERSOURCE_PROFILE: 'distributed', KAFKA_BROKERS: broker.brokers.join(','), MONGO_URL: mongoUrl };
    const first = spawnReplay(['audit'], env);
    await eventually('the rebuild is halfway', async () => {
      const row = await rebuilder().records.unfinished('audit');
      return row !== undefined && row.processed >= row.total / 2;
    }, SIXTY_SECONDS);
    first.child.kill('SIGKILL');
    await first.exited;
    const killed = await rebuilder().records.unfinished('audit');
    expect(['running', 'verifying']).toContain(killed?.status);

    // The killed member's partitions move once its session times out; the restart then resumes.
    const second = spawnReplay(['audit'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain(`rebuild ${killed?.rebuildId} resumed from its checkpoint`);
    expect(await rebuilder().records.latest('audit')).toMatchObject({ rebuildId: killed?.rebuildId, status: 'swapped' });
    const clean = await (await rebuilder().start('audit', { verifyOnly: true })).done;
    expect(clean).toMatchObject({ status: 'verified', differences: 0, liveCount: await eventCount(database) });
  }, 300_000);
});
