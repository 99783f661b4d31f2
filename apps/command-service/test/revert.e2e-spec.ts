import { randomUUID } from 'node:crypto';
import { CommandServiceHarness, commandBodies, commandPaths, expectProblem, keys, placeOrder, drive, startHarness } from './command-service.harness';

/**
 * POST /orders/{id}/revert and POST /admin/reverts over real HTTP (API.md "Corrections", issue 13): the headers every
 * command honours, the body's shape, and who may revert. The views' side is test/e2e/revert.
 */
let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

const revert = (orderId: string, body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
  harness.post(`/orders/${orderId}/revert`, body, { key: keys.operator, ...options });

describe('POST /orders/{id}/revert', () => {
  it('replays an Idempotency-Key repeat and appends one OrderReverted', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize']);
    const first = await revert(orderId, { toVersion: 1, reason: 'wrong card' }, { headers: { 'idempotency-key': 'revert-1' } });
    const repeat = await revert(orderId, { toVersion: 1, reason: 'wrong card' }, { headers: { 'idempotency-key': 'revert-1' } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ orderId, version: 3, position: expect.stringMatching(/^\d+$/), status: 'PLACED' });
    expect({ status: repeat.status, body: repeat.body, replayed: repeat.headers.get('idempotent-replayed') }).toEqual({ status: 200, body: first.body, replayed: 'true' });
    expect(first.headers.get('etag')).toBe('"3"');
    expect(await harness.streamVersions(orderId)).toEqual([1, 2, 3]);
  });

  it('answers 412 for a stale If-Match, on the command and on its dry run, and appends nothing', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize']);
    for (const dryRun of [false, true]) {
      expectProblem(await revert(orderId, { toVersion: 1, reason: 'r', dryRun }, { headers: { 'if-match': '"1"' } }), 412, 'version-mismatch');
    }
    expect(await harness.streamVersions(orderId)).toEqual([1, 2]);
  });

  it('refuses bad bodies with problem JSON, before and for a dry run, and appends nothing (6 bodies tried)', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize']);
    const bodies = [{}, { toVersion: 1 }, { toVersion: '1', reason: 'r' }, { toVersion: 1.5, reason: 'r' }, { toVersion: 1, reason: 'r', dryRun: 'yes' }, { toVersion: 1, reason: 'r', dryRun: true, extra: 1 }];
    for (const body of bodies) {
      const answer = await revert(orderId, body);
      expect({ body, status: answer.status, type: answer.headers.get('content-type') }).toEqual({ body, status: 400, type: expect.stringContaining('application/problem+json') });
    }
    expect(await harness.streamVersions(orderId)).toEqual([1, 2]);
  });

  it('is for staff: a customer gets 403, an unknown order 404 with the decider\'s rule', async () => {
    const orderId = await placeOrder(harness, { customerId: 'cust-a' });
    await drive(harness, orderId, ['authorize']);
    expect((await revert(orderId, { toVersion: 1, reason: 'r' }, { key: keys.customerA })).status).toBe(403);
    expectProblem(await revert('7d1c0b0e-0000-4000-8000-000000000000', { toVersion: 1, reason: 'r', dryRun: true }), 404, 'order-not-found');
    expect((await revert(orderId, { toVersion: 1, reason: 'r' }, { key: keys.admin })).status).toBe(200);
  });
});

describe('POST /admin/reverts', () => {
  /** Two orders each authorized under one correlation id (their version 2), so the batch takes both back to version 1. */
  const correlatedOrders = async (correlationId: string) => {
    const orderIds = [await placeOrder(harness), await placeOrder(harness)];
    for (const orderId of orderIds) {
      const answer = await harness.post(commandPaths.authorize(orderId), commandBodies.authorize(), { headers: { 'x-correlation-id': correlationId } });
      expect(answer.status).toBe(200);
    }
    return orderIds;
  };
  const batch = (body: unknown, key?: string) => harness.post('/admin/reverts', body, { key: keys.admin, headers: key ? { 'idempotency-key': key } : {} });
  const versionsOf = (orderIds: string[]) => Promise.all(orderIds.map((orderId) => harness.streamVersions(orderId)));

  it('honours Idempotency-Key: the repeat answers the first answer and reverts nothing again; another body with the key is 422', async () => {
    const correlationId = randomUUID();
    const orderIds = await correlatedOrders(correlationId);
    const body = { correlationId, reason: 'faulty integration' };
    const first = await batch(body, `batch-${correlationId}`);
    expect(first.status).toBe(200);
    expect(first.body.orders.map((order: { orderId: string }) => order.orderId).sort()).toEqual([...orderIds].sort());
    expect(first.body.orders.map((order: { outcome: string; toVersion: number }) => [order.outcome, order.toVersion])).toEqual([
      ['reverted', 1],
      ['reverted', 1],
    ]);
    expect(await versionsOf(orderIds)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const events = await harness.eventCount();

    // 3 repeats of the same key and body: each the first answer, marked replayed (without the key they would answer nothing-to-revert).
    for (let repeat = 0; repeat < 3; repeat += 1) {
      const again = await batch(body, `batch-${correlationId}`);
      expect({ status: again.status, body: again.body, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 200, body: first.body, replayed: 'true' });
    }
    expectProblem(await batch({ ...body, reason: 'another reason' }, `batch-${correlationId}`), 422, 'idempotency-key-reused');
    expect(await harness.eventCount()).toBe(events);
    expect(await versionsOf(orderIds)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);

    // Without a key a repeat runs again: the orders are at their targets, so both are refused and nothing is written.
    const unkeyed = await batch(body);
    expect(unkeyed.body.orders.map((order: { refusedBecause: string }) => order.refusedBecause)).toEqual(['nothing-to-revert', 'nothing-to-revert']);
    expect(await harness.eventCount()).toBe(events);
  });

  it('stores a refused body with its key (the repeat is the same 400), records no key for a dry run, and writes nothing', async () => {
    const correlationId = randomUUID();
    const orderIds = await correlatedOrders(correlationId);
    const events = await harness.eventCount();
    const keysBefore = await harness.idempotencyCount();
    const bad = await batch({ correlationId }, `bad-${correlationId}`);
    const badAgain = await batch({ correlationId }, `bad-${correlationId}`);
    expectProblem(bad, 400, 'invalid-request');
    expect({ status: badAgain.status, body: badAgain.body, replayed: badAgain.headers.get('idempotent-replayed') }).toEqual({ status: 400, body: bad.body, replayed: 'true' });
    expectProblem(await batch({ correlationId, reason: 'r' }, 'k'.repeat(256)), 400, 'invalid-request');
    const dry = await batch({ correlationId, reason: 'r', dryRun: true }, `dry-${correlationId}`);
    expect(dry.body.orders.map((order: { outcome: string }) => order.outcome)).toEqual(['would-revert', 'would-revert']);
    expect(await harness.idempotencyCount()).toBe(keysBefore + 1);
    expect(await harness.eventCount()).toBe(events);
    expect(await versionsOf(orderIds)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });
});
