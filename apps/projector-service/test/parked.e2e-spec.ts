import { randomUUID } from 'node:crypto';
import { historyEvent } from '@ordersource/read-models/rebuild-fixtures';
import { ProjectionStatusStore } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import { startKafkaTestBroker } from '@ordersource/testing/kafka-broker';
import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { keys, startProjectorHarness, type ProjectorServiceHarness } from './projector-service.harness';

const SIXTY_SECONDS = { timeoutMs: 60_000 };

/**
 * GET /projections/{name}/parked and POST /projections/{name}/parked/{id}/replay (issue 14,
 * operations) on the embedded profile: a real fault parks a real order. A trigger (owner role)
 * makes the order-tracking view refuse one order's row, as a broken write would; the order's
 * first event fails its retries and is parked, its later events park behind it, other orders
 * flow. A replay while the fault lasts fails and keeps them; once it is gone a replay applies
 * the whole run. (The distributed profile's suite is below.)
 */
describe('projector service: parked events and their replay (embedded profile)', () => {
  let projector: ProjectorServiceHarness;
  const poisoned = randomUUID();
  const healthy = randomUUID();

  beforeAll(async () => {
    projector = await startProjectorHarness('os_projector_parked');
    const { pg, eventStore } = projector;
    const { rows } = await pg.query("SELECT active FROM read_models.view_pointers WHERE view = 'order-tracking'");
    await pg.query(`CREATE FUNCTION test_refuse_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id LIKE '%${poisoned}%' THEN RAISE EXCEPTION 'view write refused by the test'; END IF; RETURN NEW; END $$`);
    await pg.query(`CREATE TRIGGER test_refuse_order BEFORE INSERT OR UPDATE ON read_models.order_tracking_g${Number(rows[0].active)} FOR EACH ROW EXECUTE FUNCTION test_refuse_order()`);
    await eventStore.appendToStream(`order-${poisoned}`, 'no_stream', [1, 2, 3].map((version) => historyEvent(poisoned, version)));
    await eventStore.appendToStream(`order-${healthy}`, 'no_stream', [1, 2].map((version) => historyEvent(healthy, version)));
  }, 60_000);

  afterAll(() => projector?.stop());

  const trackedVersion = async (orderId: string) => {
    const { rows } = await projector.pg.query("SELECT active FROM read_models.view_pointers WHERE view = 'order-tracking'");
    const found = await projector.pg.query(`SELECT version FROM read_models.order_tracking_g${Number(rows[0].active)} WHERE id LIKE $1`, [`%${orderId}%`]);
    return found.rows[0]?.version as number | undefined;
  };

  it('lists the parked run of the refused order (the failed event, then the two waiting behind it) while other orders flow', async () => {
    let listed = await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator });
    await eventually('three events of the refused order are parked', async () => {
      listed = await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator });
      return listed.status === 200 && listed.body.items.length === 3;
    }, SIXTY_SECONDS);
    expect(listed.body.nextCursor).toBeNull();
    expect(listed.body.items.map((item: { id: string; waiting: boolean }) => [item.id, item.waiting])).toEqual([
      [`${poisoned}.1`, false],
      [`${poisoned}.2`, true],
      [`${poisoned}.3`, true],
    ]);
    expect(listed.body.items[0]).toMatchObject({ orderId: poisoned, version: 1, type: 'OrderPlaced', attempts: 5, error: expect.stringContaining('view write refused by the test') });
    expect(Date.parse(listed.body.items[0].parkedAt)).not.toBeNaN();
    await eventually('the healthy order reached the view', async () => (await trackedVersion(healthy)) === 2, SIXTY_SECONDS);
    expect(await trackedVersion(poisoned)).toBeUndefined();
    // The count the projector publishes beside its status (what the events-parked alert reads).
    const status = new ProjectionStatusStore(projector.database.pool);
    await eventually('the published parked count is 3', async () => (await status.parkedCounts()).get('order-tracking') === 3, SIXTY_SECONDS);
    expect([...(await status.parkedCounts()).keys()]).toEqual(['order-tracking']);
    // Other views never failed on it.
    expect((await projector.call('GET', '/projections/payments/parked', { key: keys.operator })).body).toEqual({ items: [], nextCursor: null });
  });

  it('documents both routes in /docs-json', async () => {
    const docs = (await (await fetch(`${projector.service.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(docs.paths['/projections/{name}/parked'])).toEqual(['get']);
    expect(Object.keys(docs.paths['/projections/{name}/parked/{id}/replay'])).toEqual(['post']);
  });

  it('pages by cursor: 2 then 1, no repeats', async () => {
    const first = await projector.call('GET', '/projections/order-tracking/parked?limit=2', { key: keys.operator });
    expect(first.body.items.map((item: { version: number }) => item.version)).toEqual([1, 2]);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await projector.call('GET', `/projections/order-tracking/parked?limit=2&cursor=${first.body.nextCursor}`, { key: keys.operator });
    expect(second.body).toEqual({ items: [expect.objectContaining({ version: 3 })], nextCursor: null });
  });

  it('refuses an edited or forged cursor with 400 problem JSON (cursors are signed and bound to the route), the genuine one still pages', async () => {
    const first = await projector.call('GET', '/projections/order-tracking/parked?limit=1', { key: keys.operator });
    const genuine: string = first.body.nextCursor;
    const payload = genuine.slice(0, -22);
    const [route, key] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string];
    expect({ route, key }).toEqual({ route: 'GET /projections/order-tracking/parked', key: `${poisoned}.1` });
    const resign = (body: unknown) => `${Buffer.from(JSON.stringify(body)).toString('base64url')}${genuine.slice(-22)}`;
    // 5 cursors tried: each names a valid key (or is the genuine one edited), none may page.
    const tried = {
      editedKey: resign([route, `${poisoned}.2`]),
      editedRoute: resign(['GET /projections/payments/parked', key]),
      changedTag: `${genuine.slice(0, -1)}${genuine.endsWith('A') ? 'B' : 'A'}`,
      plainKeyOldShape: Buffer.from(`${poisoned}.1`).toString('base64url'),
      tagAlone: genuine.slice(-22),
    };
    const answers = await Promise.all(Object.values(tried).map((cursor) => projector.call('GET', `/projections/order-tracking/parked?limit=1&cursor=${cursor}`, { key: keys.operator })));
    expect(answers.map((answer) => [answer.status, answer.type])).toEqual(Object.keys(tried).map(() => [400, expect.stringContaining('application/problem+json')]));
    expect(answers.map((answer) => answer.body.errors?.[0]?.path)).toEqual(Object.keys(tried).map(() => 'cursor'));
    const second = await projector.call('GET', `/projections/order-tracking/parked?limit=1&cursor=${genuine}`, { key: keys.operator });
    expect(second.status).toBe(200);
    expect(second.body.items.map((item: { version: number }) => item.version)).toEqual([2]);
  });

  it('refuses bad input with problem JSON and changes nothing', async () => {
    const answers = {
      operatorReplay: await projector.call('POST', `/projections/order-tracking/parked/${poisoned}.1/replay`, { key: keys.operator }),
      badId: await projector.call('POST', '/projections/order-tracking/parked/not-an-id/replay'),
      notParked: await projector.call('POST', `/projections/order-tracking/parked/${healthy}.1/replay`),
      unknownView: await projector.call('GET', '/projections/nope/parked'),
      unknownViewReplay: await projector.call('POST', `/projections/nope/parked/${poisoned}.1/replay`),
      badCursor: await projector.call('GET', '/projections/order-tracking/parked?cursor=forged'),
      badLimit: await projector.call('GET', '/projections/order-tracking/parked?limit=0'),
      unknownParam: await projector.call('GET', '/projections/order-tracking/parked?orderId=x'),
      noKey: await projector.call('GET', '/projections/order-tracking/parked', { key: 'unknown.key' }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status]))).toEqual({
      operatorReplay: 403,
      badId: 400,
      notParked: 404,
      unknownView: 404,
      unknownViewReplay: 404,
      badCursor: 400,
      badLimit: 400,
      unknownParam: 400,
      noKey: 401,
    });
    for (const answer of Object.values(answers)) expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answers.notParked.body.type).toMatch(/not-parked$/);
    expect((await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator })).body.items).toHaveLength(3);
  });

  it('a replay while the fault lasts answers 409 replay-failed and keeps all three parked', async () => {
    const replay = await projector.call('POST', `/projections/order-tracking/parked/${poisoned}.1/replay`);
    expect(replay.status).toBe(409);
    expect(replay.body.type).toMatch(/replay-failed$/);
    expect(replay.body.detail).toContain('view write refused by the test');
    expect((await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator })).body.items).toHaveLength(3);
    expect(await trackedVersion(poisoned)).toBeUndefined();
  });

  it('once the fault is gone, replaying a waiting event applies the whole run (versions 1-3) and the order flows again', async () => {
    await projector.pg.query('DROP TRIGGER test_refuse_order ON read_models.order_tracking_g' + Number((await projector.pg.query("SELECT active FROM read_models.view_pointers WHERE view = 'order-tracking'")).rows[0].active));
    const replay = await projector.call('POST', `/projections/order-tracking/parked/${poisoned}.2/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ orderId: poisoned, replayed: 3, fromVersion: 1, throughVersion: 3 });
    expect((await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator })).body).toEqual({ items: [], nextCursor: null });
    expect(await trackedVersion(poisoned)).toBe(3);
    await eventually('the published parked count is back to none', async () => (await new ProjectionStatusStore(projector.database.pool).parkedCounts()).size === 0, SIXTY_SECONDS);
    // Later events of the order are no longer held back.
    await projector.eventStore.appendToStream(`order-${poisoned}`, 3, [historyEvent(poisoned, 4)]);
    await eventually('version 4 reached the view', async () => (await trackedVersion(poisoned)) === 4, SIXTY_SECONDS);
    expect((await projector.call('POST', `/projections/order-tracking/parked/${poisoned}.1/replay`)).status).toBe(404);
  });
});

/**
 * The distributed profile: parked events live on the dead-letter topic (Kafka test double, or
 * KAFKA_BROKERS), the views in MongoDB (test double, or MONGO_URL). An OrderPlaced whose items
 * are not a list (appended straight to the store, past the decider) makes the order-tracking
 * projection throw on every try: the route lists it from the topic and a replay answers 409.
 */
describe('projector service: parked events on the dead-letter topic (distributed profile)', () => {
  let projector: ProjectorServiceHarness;
  const stops: (() => Promise<unknown>)[] = [];
  const broken = randomUUID();

  beforeAll(async () => {
    let brokers = process.env.KAFKA_BROKERS?.split(',');
    if (!brokers) {
      const broker = await startKafkaTestBroker();
      stops.push(() => broker.stop());
      brokers = [...broker.brokers];
    }
    let mongoServer = process.env.MONGO_URL ? new URL(process.env.MONGO_URL).origin : undefined;
    if (!mongoServer) {
      const server = await startMongoTestServer();
      stops.push(() => server.stop());
      mongoServer = server.url;
    }
    const [kafkaBrokers, mongoServerUrl] = [brokers, mongoServer];
    projector = await startProjectorHarness('os_projector_parked_dist', (db) => ({ profile: 'distributed', kafkaBrokers, mongoUrl: `${mongoServerUrl}/${db.name}` }));
    const placed = historyEvent(broken, 1);
    await projector.eventStore.appendToStream(`order-${broken}`, 'no_stream', [{ ...placed, data: { ...placed.data, items: 42 } }]);
  }, 120_000);

  afterAll(async () => {
    await projector?.stop();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  it('lists the broken event from the topic, keeps it parked when a replay fails again, and publishes its count', async () => {
    let listed = await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator });
    await eventually('the broken OrderPlaced is parked on the dead-letter topic', async () => {
      listed = await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator });
      return listed.status === 200 && listed.body.items.length === 1;
    }, { timeoutMs: 90_000 });
    expect(listed.body.items[0]).toMatchObject({ id: `${broken}.1`, orderId: broken, version: 1, type: 'OrderPlaced', waiting: false, error: expect.stringContaining('iterable') });
    const replay = await projector.call('POST', `/projections/order-tracking/parked/${broken}.1/replay`);
    expect(replay.status).toBe(409);
    expect(replay.body.type).toMatch(/replay-failed$/);
    expect((await projector.call('GET', '/projections/order-tracking/parked', { key: keys.operator })).body.items).toHaveLength(1);
    const status = new ProjectionStatusStore(projector.database.pool);
    await eventually('the published parked count is 1', async () => (await status.parkedCounts()).get('order-tracking') === 1, SIXTY_SECONDS);
  }, 180_000);
});
