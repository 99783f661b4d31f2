import { CommandServiceHarness, expectProblem, keys, placeOrder, drive, startHarness } from './command-service.harness';

/**
 * POST /orders/{id}/revert over real HTTP (API.md "Corrections", issue 13): the headers every
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
