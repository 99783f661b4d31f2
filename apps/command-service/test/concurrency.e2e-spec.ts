import { orderStreamId } from '@ordersource/domain';
import { CommandServiceHarness, commandBodies, commandPaths, drive, expectProblem, placeOrder, startHarness } from './command-service.harness';

/**
 * Optimistic concurrency over HTTP (API.md "Headers", 409 concurrency-conflict, 412): racing
 * commands never corrupt a stream, and If-Match makes the race the caller's.
 */
let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function shippedOrder(): Promise<string> {
  const orderId = await placeOrder(harness);
  await drive(harness, orderId, ['authorize', 'capture', 'ship']);
  return orderId;
}

interface StoredCheckpoint {
  version: number;
  location: string;
}

async function checkpointsOf(orderId: string): Promise<StoredCheckpoint[]> {
  const rows = await harness.pg.query<{ version: number; data: { location: string } }>(
    "SELECT version, data FROM events WHERE stream_id = $1 AND type = 'ShipmentCheckpointRecorded' ORDER BY version",
    [orderStreamId(orderId)],
  );
  return rows.rows.map((row) => ({ version: row.version, location: row.data.location }));
}

describe('concurrent commands on one order', () => {
  it('keeps a gapless history when 32 checkpoints race without If-Match, each accepted one stored exactly once', async () => {
    const orderId = await shippedOrder();
    const locations = Array.from({ length: 32 }, (_, i) => `hub-${String(i).padStart(2, '0')}`);

    const answers = await Promise.all(locations.map((location) => harness.post(commandPaths.checkpoint(orderId), commandBodies.checkpoint(location))));

    const accepted = locations.filter((_, i) => answers[i].status === 200);
    const rejected = locations.filter((_, i) => answers[i].status !== 200);
    const metrics = (await harness.get('/metrics', { key: null })).text;
    const retries = /^ordersource_command_concurrency_retries_total\{[^}]*command="RecordCheckpoint"[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? '0';
    console.log(
      `32 concurrent checkpoints: ${accepted.length} accepted without client retries (${retries} service-side retries), ${rejected.length} answered 409 concurrency-conflict`,
    );
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    answers.filter((a) => a.status !== 200).forEach((answer) => {
      expectProblem(answer, 409, 'concurrency-conflict');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    });

    const versions = await harness.streamVersions(orderId);
    expect(versions).toEqual(Array.from({ length: 4 + accepted.length }, (_, i) => i + 1));
    expect(await harness.streamVersion(orderId)).toBe(versions.length);
    const stored = await checkpointsOf(orderId);
    expect(stored.map((c) => c.location).sort()).toEqual([...accepted].sort());
    // Each accepted answer names the version its own checkpoint was stored at.
    answers.forEach((answer, i) => {
      if (answer.status !== 200) return;
      expect(stored.find((c) => c.location === locations[i])?.version).toBe(answer.body.version);
    });
  });

  it('lets exactly one of two commands with the same If-Match win; the other gets 412', async () => {
    const orderId = await shippedOrder();
    const ifMatch = { headers: { 'if-match': '"4"' } };

    const answers = await Promise.all(
      ['dock-a', 'dock-b'].map((location) => harness.post(commandPaths.checkpoint(orderId), commandBodies.checkpoint(location), ifMatch)),
    );

    const [winner, loser] = [...answers].sort((a, b) => a.status - b.status);
    expect(winner.status).toBe(200);
    expectProblem(loser, 412, 'version-mismatch');
    expect(await harness.streamVersions(orderId)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('If-Match', () => {
  it('refuses a stale version with 412 and appends nothing', async () => {
    const orderId = await shippedOrder();
    const before = await harness.eventCount();

    const answer = await harness.post(commandPaths.checkpoint(orderId), commandBodies.checkpoint(), { headers: { 'if-match': '"3"' } });

    expectProblem(answer, 412, 'version-mismatch');
    expect(await harness.eventCount()).toBe(before);
    expect(await harness.streamVersion(orderId)).toBe(4);
  });

  it('refuses a version ahead of the order with 412', async () => {
    const orderId = await shippedOrder();

    const answer = await harness.post(commandPaths.deliver(orderId), commandBodies.deliver(), { headers: { 'if-match': '"9"' } });

    expectProblem(answer, 412, 'version-mismatch');
    expect(await harness.streamVersion(orderId)).toBe(4);
  });

  it('accepts the current version and answers the next ETag', async () => {
    const orderId = await shippedOrder();

    const answer = await harness.post(commandPaths.checkpoint(orderId), commandBodies.checkpoint(), { headers: { 'if-match': '"4"' } });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.objectContaining({ orderId, version: 5, status: 'SHIPPED' }));
    expect(answer.headers.get('etag')).toBe('"5"');
  });

  it('accepts a weak ETag as If-Match', async () => {
    const orderId = await shippedOrder();

    const answer = await harness.post(commandPaths.deliver(orderId), commandBodies.deliver(), { headers: { 'if-match': 'W/"4"' } });

    expect(answer.status).toBe(200);
    expect(answer.body.version).toBe(5);
  });
});
