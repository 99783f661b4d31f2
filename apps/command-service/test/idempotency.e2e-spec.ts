import { CommandServiceHarness, HttpAnswer, expectProblem, keys, newOrderId, orderBody, placeOrder, startHarness } from './command-service.harness';

/** API.md "Headers": Idempotency-Key and client-supplied order ids, over real HTTP. */
let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

const withKey = (key: string, apiKey: string = keys.admin) => ({ key: apiKey, headers: { 'idempotency-key': key } });
const answerOf = (answer: HttpAnswer) => ({ status: answer.status, body: answer.body });

describe('Idempotency-Key on POST /orders', () => {
  it('appends exactly one order for 50 concurrent identical requests, and every success answers alike', async () => {
    const before = await harness.eventCount();
    const body = orderBody();

    const answers = await Promise.all(Array.from({ length: 50 }, () => harness.post('/orders', body, withKey('burst-1'))));

    expect(await harness.eventCount()).toBe(before + 1);
    const successes = answers.filter((a) => a.status >= 200 && a.status < 300);
    const others = answers.filter((a) => a.status < 200 || a.status >= 300);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    const first = successes[0].body;
    expect(first).toEqual({ orderId: expect.any(String), version: 1, position: expect.stringMatching(/^\d+$/), status: 'PLACED', orderNumber: expect.stringMatching(/^OS-\d{4}-\d{6}$/) });
    for (const success of successes) expect(answerOf(success)).toEqual({ status: 201, body: first });
    for (const other of others) expectProblem(other, 409, 'idempotency-key-in-flight');
    expect(await harness.streamVersions(first.orderId)).toEqual([1]);
  });

  it('replays the stored status and body for a later repeat and appends nothing', async () => {
    const body = orderBody();
    const original = await harness.post('/orders', body, withKey('repeat-1'));
    const before = await harness.eventCount();

    const repeat = await harness.post('/orders', body, withKey('repeat-1'));

    expect(original.status).toBe(201);
    expect(answerOf(repeat)).toEqual(answerOf(original));
    expect(repeat.headers.get('etag')).toBe(original.headers.get('etag'));
    expect(await harness.eventCount()).toBe(before);
  });

  it('treats a repeat whose body differs only in key order and whitespace as the same body', async () => {
    const body = orderBody();
    const original = await harness.post('/orders', body, withKey('canonical-1'));
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    const before = await harness.eventCount();

    const repeat = await harness.post('/orders', undefined, { ...withKey('canonical-1'), raw: reordered });

    expect(answerOf(repeat)).toEqual(answerOf(original));
    expect(await harness.eventCount()).toBe(before);
  });

  it('answers 422 for the same key with another body and appends nothing', async () => {
    await harness.post('/orders', orderBody(), withKey('reuse-1'));
    const before = await harness.eventCount();

    const reused = await harness.post('/orders', orderBody({ currency: 'USD' }), withKey('reuse-1'));

    expectProblem(reused, 422, 'idempotency-key-reused');
    expect(await harness.eventCount()).toBe(before);
  });

  it('replays a stored 400 as 400', async () => {
    const invalid = orderBody({ currency: 'euro' });
    const first = await harness.post('/orders', invalid, withKey('invalid-1'));
    const rows = await harness.pg.query<{ status: string }>("SELECT status FROM idempotency WHERE key = 'invalid-1'");

    const repeat = await harness.post('/orders', invalid, withKey('invalid-1'));

    expectProblem(first, 400, 'invalid-request');
    expect(rows.rows).toEqual([{ status: 'completed' }]);
    expect(answerOf(repeat)).toEqual(answerOf(first));
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
  });

  it('scopes keys per caller: the same key from another API key is independent', async () => {
    const body = orderBody();
    const asAdmin = await harness.post('/orders', body, withKey('shared-1', keys.admin));
    const before = await harness.eventCount();

    const asOperator = await harness.post('/orders', body, withKey('shared-1', keys.operator));

    expect([asAdmin.status, asOperator.status]).toEqual([201, 201]);
    expect(asOperator.body.orderId).not.toBe(asAdmin.body.orderId);
    expect(await harness.eventCount()).toBe(before + 1);
  });

  it('scopes keys per route: the same key on a command route is independent', async () => {
    const placed = await harness.post('/orders', orderBody(), withKey('route-1'));

    const cancelled = await harness.post(`/orders/${placed.body.orderId}/cancel`, { reason: 'duplicate' }, withKey('route-1'));

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual(expect.objectContaining({ version: 2, status: 'CANCELLED' }));
  });

  it('replays a command answer rather than refusing the now-illegal repeat', async () => {
    const placed = await harness.post('/orders', orderBody());
    const path = `/orders/${placed.body.orderId}/cancel`;
    const first = await harness.post(path, { reason: 'duplicate' }, withKey('cancel-1'));
    const before = await harness.eventCount();

    const repeat = await harness.post(path, { reason: 'duplicate' }, withKey('cancel-1'));

    expect(answerOf(repeat)).toEqual(answerOf(first));
    expect(repeat.status).toBe(200);
    expect(await harness.eventCount()).toBe(before);
  });
});

describe('Idempotency-Key scope (API.md v1 clarifications)', () => {
  it('treats upper-cased and %2D-escaped ids of one order as one scope: the refund runs once', async () => {
    const orderId = await placeOrder(harness);
    expect((await harness.post(`/orders/${orderId}/payment/authorize`, { amount: 3999, method: 'card' })).status).toBe(200);
    expect((await harness.post(`/orders/${orderId}/payment/capture`)).status).toBe(200);
    const refund = { amount: 100, reason: 'damaged box' };
    const escaped = orderId.replace('-', '%2D');

    const first = await harness.post(`/orders/${orderId}/refund`, refund, withKey('refund-alias'));
    const upper = await harness.post(`/orders/${orderId.toUpperCase()}/refund`, refund, withKey('refund-alias'));
    const percent = await harness.post(`/orders/${escaped}/refund`, refund, withKey('refund-alias'));

    expect(first.status).toBe(200);
    expect(answerOf(upper)).toEqual(answerOf(first));
    expect(answerOf(percent)).toEqual(answerOf(first));
    expect(upper.headers.get('idempotent-replayed')).toBe('true');
    expect(percent.headers.get('idempotent-replayed')).toBe('true');
    expect(await harness.streamVersions(orderId)).toEqual([1, 2, 3, 4]);
  });

  it('shares nothing between a customer whose id equals a staff key name and that staff key', async () => {
    const asCustomer = await harness.post('/orders', orderBody({ customerId: 'adm' }), withKey('same-key', keys.customerNamedLikeAdmin));
    const asAdmin = await harness.post('/orders', orderBody({ customerId: 'cust-b' }), withKey('same-key', keys.admin));

    expect(asCustomer.status).toBe(201);
    expect(asAdmin.status).toBe(201);
    expect(asAdmin.headers.get('idempotent-replayed')).toBeNull();
    expect(asAdmin.body.orderId).not.toBe(asCustomer.body.orderId);
  });
});

describe('client-supplied orderId', () => {
  it('answers a retry with the same body like the first call and appends nothing', async () => {
    const orderId = newOrderId();
    const body = orderBody({ orderId });
    const first = await harness.post('/orders', body);
    const before = await harness.eventCount();

    const retry = await harness.post('/orders', body);

    expect(answerOf(first)).toEqual({ status: 201, body: { orderId, version: 1, position: expect.stringMatching(/^\d+$/), status: 'PLACED', orderNumber: expect.stringMatching(/^OS-\d{4}-\d{6}$/) } });
    expect(answerOf(retry)).toEqual(answerOf(first));
    expect(retry.headers.get('etag')).toBe('"1"');
    expect(await harness.eventCount()).toBe(before);
  });

  it('refuses the same id with another body as 409 order-already-exists', async () => {
    const orderId = newOrderId();
    await harness.post('/orders', orderBody({ orderId }));
    const before = await harness.eventCount();

    const other = await harness.post('/orders', orderBody({ orderId, customerId: 'cust-b' }));

    expectProblem(other, 409, 'order-already-exists');
    expect(await harness.eventCount()).toBe(before);
    expect(await harness.streamVersions(orderId)).toEqual([1]);
  });

  it('treats an upper-case spelling of the same id as the same order, never a second stream', async () => {
    const orderId = newOrderId();
    const first = await harness.post('/orders', orderBody({ orderId }));
    const before = await harness.eventCount();

    const retry = await harness.post('/orders', orderBody({ orderId: orderId.toUpperCase() }));

    // The body differs (the id's spelling), so the retry is either answered like the first or refused.
    expect(first.status).toBe(201);
    expect([201, 409]).toContain(retry.status);
    if (retry.status === 409) expectProblem(retry, 409, 'order-already-exists');
    expect(await harness.eventCount()).toBe(before);
  });
});
