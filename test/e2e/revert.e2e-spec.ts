import { randomUUID } from 'node:crypto';
import { openReadStore, type ReadStore } from '@ordersource/read-models';
import { eventually } from '@ordersource/testing/eventually';
import { Pool } from 'pg';
import { HttpClient, ok } from './support/http';
import { keys } from './support/keys';
import { Stack, profiles, startStack } from './support/stack';

/**
 * Reverts end to end (API.md "Corrections", issue 13), on both profiles: for each voidable event
 * type, every view and time travel after the revert equal the state at `toVersion`, live and
 * after the views are rebuilt from the log; time travel before the revert shows what was
 * believed then; a dry run leaves the store byte-for-byte as it was; money movements refuse;
 * an import's correlation id is reverted as a batch.
 */
type Step = [path: string, body?: Record<string, unknown>];
const authorize: Step = ['/payment/authorize', { amount: 2400, method: 'card', paymentId: 'pay-1' }];
const fail: Step = ['/payment/fail', { reason: 'card declined', method: 'card' }];
const capture: Step = ['/payment/capture'];
const ship: Step = ['/shipment', { carrier: 'DHL', trackingNumber: 'TRK-1', warehouse: 'WH-1' }];
const checkpoint: Step = ['/shipment/checkpoints', { location: 'Utrecht hub', kind: 'arrived', occurredAt: new Date(Date.now() - 60_000).toISOString() }];
const deliver: Step = ['/deliver', { receivedBy: 'Ada' }];
const cancel: Step = ['/cancel', { reason: 'customer asked' }];
const revertTo = (toVersion: number): Step => ['/revert', { toVersion, reason: 'mistake' }];

/** Per voidable event type: the steps up to the target, then the steps the revert voids. */
const cases: [string, Step[], Step[]][] = [
  ['PaymentAuthorized', [], [authorize]],
  ['PaymentFailed', [], [fail]],
  ['ShipmentDispatched', [authorize, capture], [ship]],
  ['ShipmentCheckpointRecorded', [authorize, capture, ship], [checkpoint]],
  ['OrderDelivered', [authorize, capture, ship, checkpoint], [deliver]],
  ['OrderCancelled', [authorize], [cancel]],
  ['OrderReverted', [fail], [authorize, revertTo(2), authorize]],
];

const placeBody = (orderId: string, customerId = 'cust-a') => ({
  orderId,
  customerId,
  currency: 'EUR',
  items: [{ sku: 'SKU-1', name: 'Lamp', quantity: 2, unitPrice: 1200 }],
  shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'London', postalCode: 'N1 1AA', country: 'GB' },
});

const withVersion = (document: Record<string, unknown>, version: number) => ({ ...document, version });

describe.each(profiles)('reverting orders (%s profile)', (profile) => {
  let stack: Stack;
  // The analytics view has no X-Min-Version route: its per-order head is read from the read store
  // itself, so a figure is taken only once the view has applied the order up to a version.
  let pool: Pool;
  let views: ReadStore;
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();

  beforeAll(async () => {
    stack = await startStack(profile);
    pool = new Pool({ connectionString: stack.config.databaseUrl, max: 2 });
    views = await openReadStore(profile, { pool, mongoUrl: stack.config.mongoUrl });
  }, 180_000);
  afterAll(async () => {
    await views?.close();
    await pool?.end();
    await stack?.stop();
  });
  const analyticsAt = (orderId: string, version: number) =>
    eventually(`the analytics view at version ${version} of ${orderId}`, async () => ((await views.loadHeads('analytics', [orderId])).get(orderId)?.version ?? 0) >= version, { timeoutMs: 60_000 });

  async function run(command: HttpClient, orderId: string, [path, body]: Step) {
    return ok(await command.post(`/orders/${orderId}${path}`, body ?? {}), 200, `${path} on ${orderId}`);
  }

  const waitFor = (version: number) => ({ headers: { 'x-min-version': String(version), 'x-wait-ms': '10000' } });
  async function viewsOf(orderId: string, version: number) {
    const [tracking, payments, shipment, state] = await Promise.all([
      stack.query.get(`/orders/${orderId}`, waitFor(version)),
      stack.query.get(`/payments/${orderId}`, waitFor(version)),
      stack.query.get(`/shipments/${orderId}`, waitFor(version)),
      stack.query.get(`/orders/${orderId}/state?asOfVersion=${version}`, waitFor(version)),
    ]);
    return { tracking: ok(tracking), payments: ok(payments), shipment: ok(shipment), state: ok(state) };
  }
  const funnel = async () => ok(await stack.query.get(`/analytics/funnel?from=${from}&to=${to}`, { key: keys.operator }));
  const paymentRecords = async () => ok(await stack.query.get(`/payments?from=${from}&to=${to}&limit=200`, { key: keys.operator })).items;
  const storeFingerprint = async () => {
    const { rows } = await stack.pg.query(`SELECT count(*)::int AS events, md5(string_agg(stream_id || ':' || version || ':' || hash, ',' ORDER BY position)) AS chain FROM events`);
    const heads = await stack.pg.query(`SELECT * FROM streams ORDER BY 1`);
    const idempotency = await stack.pg.query(`SELECT count(*)::int AS records FROM idempotency`);
    return { ...rows[0], heads: heads.rows, idempotency: idempotency.rows[0].records };
  };

  const outcomes: { type: string; orderId: string; version: number; atTarget: Awaited<ReturnType<typeof viewsOf>> }[] = [];

  it('returns every view, and the state after the revert, to the state at toVersion, for each voidable event type', async () => {
    for (const [type, prefix, voided] of cases) {
      const orderId = randomUUID();
      ok(await stack.command.post('/orders', placeBody(orderId)), 201, 'place');
      for (const step of prefix) await run(stack.command, orderId, step);
      const toVersion = 1 + prefix.length;
      const atTarget = await viewsOf(orderId, toVersion);
      await analyticsAt(orderId, toVersion);
      const funnelAtTarget = await eventually(`the funnel counting ${orderId}`, async () => {
        const figures = await funnel();
        return figures.placed === outcomes.length + 1 ? figures : undefined;
      });
      const recordsAtTarget = await paymentRecords();
      let version = toVersion;
      for (const step of voided) version = (await run(stack.command, orderId, step)).version;
      const believed = await viewsOf(orderId, version);

      // The dry run: before/after and the voided events, and not one byte written.
      const fingerprint = await storeFingerprint();
      const preview = ok(await stack.command.post(`/orders/${orderId}/revert`, { toVersion, reason: 'mistake', dryRun: true }, { key: keys.operator, headers: { 'if-match': `"${version}"`, 'idempotency-key': `dry-${orderId}` } }));
      expect(await storeFingerprint()).toEqual(fingerprint);
      expect(preview).toMatchObject({ orderId, fromVersion: version, toVersion, before: believed.tracking, after: withVersion(atTarget.tracking, version + 1) });
      expect(preview.voided.map((entry: { type: string }) => entry.type)).toContain(type);

      const answer = ok(await stack.command.post(`/orders/${orderId}/revert`, { toVersion, reason: 'mistake' }, { key: keys.operator, headers: { 'if-match': `"${version}"` } }));
      expect(answer).toMatchObject({ orderId, version: version + 1, status: atTarget.tracking.status });
      const after = await viewsOf(orderId, version + 1);
      expect({ type, views: after }).toEqual({
        type,
        views: {
          tracking: withVersion(atTarget.tracking, version + 1),
          payments: withVersion(atTarget.payments, version + 1),
          shipment: withVersion(atTarget.shipment, version + 1),
          state: withVersion(atTarget.state, version + 1),
        },
      });
      // Time travel before the revert still shows what was believed then.
      expect(ok(await stack.query.get(`/orders/${orderId}/state?asOfVersion=${version}`))).toEqual(believed.tracking);
      // The history keeps the voided events, each naming the revert.
      const history = ok(await stack.query.get(`/orders/${orderId}/history`, waitFor(version + 1))).events;
      const voidedVersions = history[history.length - 1].data.voidedVersions as number[];
      expect(history[history.length - 1]).toMatchObject({ type: 'OrderReverted', version: version + 1, data: { toVersion, reason: 'mistake' } });
      for (const event of history) expect({ version: event.version, voidedBy: event.voidedBy }).toEqual({ version: event.version, voidedBy: voidedVersions.includes(event.version) ? version + 1 : event.voidedBy });
      expect(voidedVersions.length).toBeGreaterThan(0);
      // Analytics and the cross-order payment records lose the voided contributions.
      await analyticsAt(orderId, version + 1);
      await eventually(`the funnel without the voided ${type}`, async () => JSON.stringify(await funnel()) === JSON.stringify(funnelAtTarget));
      await eventually(`payment records without the voided ${type}`, async () => JSON.stringify(await paymentRecords()) === JSON.stringify(recordsAtTarget));
      outcomes.push({ type, orderId, version: version + 1, atTarget });
    }
    expect(outcomes.map((outcome) => outcome.type)).toEqual(cases.map(([type]) => type));
  }, 240_000);

  let funnelLive: { placed: number; authorized: number; paid: number; shipped: number } | undefined;

  it('refuses to void a money movement, naming it, and writes nothing', async () => {
    // The first test ended waiting for the funnel to be current.
    const before = await funnel();
    const orderId = randomUUID();
    ok(await stack.command.post('/orders', placeBody(orderId)), 201, 'place');
    for (const step of [authorize, capture, ship]) await run(stack.command, orderId, step);
    const fingerprint = await storeFingerprint();
    for (const dryRun of [false, true]) {
      const refused = await stack.command.post(`/orders/${orderId}/revert`, { toVersion: 2, reason: 'mistake', dryRun }, { key: keys.operator });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ type: expect.stringMatching(/revert-not-allowed$/), status: 409, detail: expect.stringContaining('PaymentCaptured (version 3)') });
    }
    const tooFar = await stack.command.post(`/orders/${orderId}/revert`, { toVersion: 4, reason: 'mistake' }, { key: keys.operator });
    expect(tooFar.body).toMatchObject({ status: 409, type: expect.stringMatching(/nothing-to-revert$/) });
    const zero = await stack.command.post(`/orders/${orderId}/revert`, { toVersion: 0, reason: 'mistake' }, { key: keys.operator });
    expect(zero.status).toBe(400);
    const customer = await stack.command.post(`/orders/${orderId}/revert`, { toVersion: 3, reason: 'mistake' }, { key: keys.customerA });
    expect(customer.status).toBe(403);
    expect(await storeFingerprint()).toEqual(fingerprint);
    const counted = { placed: before.placed + 1, authorized: before.authorized + 1, paid: before.paid + 1, shipped: before.shipped + 1 };
    funnelLive = await eventually('the live funnel counting the shipped order', async () => {
      const figures = await funnel();
      return figures.placed === counted.placed && figures.authorized === counted.authorized && figures.paid === counted.paid && figures.shipped === counted.shipped ? figures : undefined;
    });
  });

  it('keeps every reverted view equal to the state at toVersion when the views are rebuilt from the log', async () => {
    await stack.rebuildViewsFromLog();
    for (const { type, orderId, version, atTarget } of outcomes) {
      const rebuilt = await viewsOf(orderId, version);
      expect({ type, rebuilt }).toEqual({
        type,
        rebuilt: {
          tracking: withVersion(atTarget.tracking, version),
          payments: withVersion(atTarget.payments, version),
          shipment: withVersion(atTarget.shipment, version),
          state: withVersion(atTarget.state, version),
        },
      });
    }
    expect(outcomes).toHaveLength(cases.length);
    let rebuiltFunnel: unknown;
    await eventually(
      () => `the rebuilt funnel ${JSON.stringify(rebuiltFunnel)} equal to the live one ${JSON.stringify(funnelLive)}`,
      async () => JSON.stringify((rebuiltFunnel = await funnel())) === JSON.stringify(funnelLive),
      { timeoutMs: 60_000 },
    );
  }, 240_000);

  it("reverts an import's correlation id as a batch: each order all-or-nothing, a capture refuses its order only", async () => {
    const correlationId = `import-${randomUUID()}`;
    const at = (minutes: number) => new Date(Date.now() - 3 * 3600_000 + minutes * 60_000).toISOString();
    const line = (orderId: string, steps: Record<string, unknown>[]) => JSON.stringify({ ...placeBody(orderId, 'cust-b'), placedAt: at(0), steps });
    const [authorized, failed, captured] = [randomUUID(), randomUUID(), randomUUID()];
    const file = [
      line(authorized, [{ command: 'authorize', at: at(1), amount: 2400, method: 'card' }]),
      line(failed, [{ command: 'fail-payment', at: at(1), reason: 'declined' }, { command: 'fail-payment', at: at(2), reason: 'declined again' }]),
      line(captured, [{ command: 'authorize', at: at(1), amount: 2400, method: 'card' }, { command: 'capture', at: at(2) }]),
    ].join('\n');
    const imported = await fetch(`${stack.command.baseUrl}/admin/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson', 'x-correlation-id': correlationId },
      body: `${file}\n`,
    });
    expect(await imported.json()).toMatchObject({ correlationId, imported: 3, rejected: [] });
    // The import placed and authorized it: as it stood when placed is time travel's to say.
    const placedOnly = ok(await stack.query.get(`/orders/${authorized}/state?asOfVersion=1`, waitFor(2)));

    const fingerprint = await storeFingerprint();
    const dry = ok(await stack.command.post('/admin/reverts', { correlationId, reason: 'bad import', dryRun: true }));
    expect(await storeFingerprint()).toEqual(fingerprint);
    const expected = (outcome: string) => [
      { orderId: authorized, toVersion: 1, outcome },
      { orderId: failed, toVersion: 1, outcome },
      { orderId: captured, toVersion: 1, outcome: 'refused', refusedBecause: 'revert-not-allowed' },
    ];
    const byId = (items: { orderId: string }[]) => [...items].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    expect(byId(dry.orders)).toEqual(byId(expected('would-revert')).map((item) => expect.objectContaining(item)));

    const done = ok(await stack.command.post('/admin/reverts', { correlationId, reason: 'bad import' }));
    expect(done.correlationId).toBe(correlationId);
    expect(byId(done.orders)).toEqual(byId(expected('reverted')).map((item) => expect.objectContaining(item)));
    const reverted = await viewsOf(authorized, 3);
    expect(reverted.tracking).toEqual(withVersion(placedOnly, 3));
    expect(reverted.payments).toMatchObject({ records: [], authorized: 0, version: 3 });
    expect((await viewsOf(failed, 4)).tracking).toMatchObject({ status: 'PLACED', version: 4, payment: { status: 'PENDING' } });
    expect((await viewsOf(captured, 3)).tracking).toMatchObject({ status: 'PAID', version: 3 });
    // A repeat finds the orders already at their targets and writes nothing.
    const settled = await storeFingerprint();
    const repeat = ok(await stack.command.post('/admin/reverts', { correlationId, reason: 'bad import' }));
    expect(repeat.orders.map((item: { outcome: string; refusedBecause: string }) => [item.outcome, item.refusedBecause]).sort()).toEqual([
      ['refused', 'nothing-to-revert'],
      ['refused', 'nothing-to-revert'],
      ['refused', 'revert-not-allowed'],
    ]);
    expect(await storeFingerprint()).toEqual(settled);
  }, 120_000);
});
