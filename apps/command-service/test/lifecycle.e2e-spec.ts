import { LifecycleCommandType, OrderStatus, orderCommandTypes, orderLifecycle, orderStatuses, orderStreamId } from '@ordersource/domain';
import {
  CommandRoute,
  CommandServiceHarness,
  commandBodies,
  commandPaths,
  drive,
  expectProblem,
  newOrderId,
  orderBody,
  placeOrder,
  startHarness,
} from './command-service.harness';

/**
 * Every cell of API.md's lifecycle table through HTTP, iterating the domain's own table
 * (`orderLifecycle`), so the table, the decider and the routes cannot drift apart unnoticed.
 */
// CancelUnpaidOrder has no route: the payment deadline sends it (libs/processes).
type HttpCommandType = Exclude<LifecycleCommandType, 'CancelUnpaidOrder'>;
const httpCommandTypes = orderCommandTypes.filter((command): command is HttpCommandType => command !== 'CancelUnpaidOrder');
const routeOf: Record<Exclude<HttpCommandType, 'PlaceOrder'>, CommandRoute> = {
  AuthorizePayment: 'authorize',
  FailPayment: 'fail',
  CapturePayment: 'capture',
  DispatchShipment: 'ship',
  RecordCheckpoint: 'checkpoint',
  DeliverOrder: 'deliver',
  CancelOrder: 'cancel',
  RefundPayment: 'refund',
};

/** The HTTP commands that build a fresh order into each state, after placing it. */
const pathTo: Record<OrderStatus, CommandRoute[]> = {
  PLACED: [],
  PAYMENT_FAILED: ['fail'],
  PAYMENT_AUTHORIZED: ['authorize'],
  PAID: ['authorize', 'capture'],
  SHIPPED: ['authorize', 'capture', 'ship'],
  DELIVERED: ['authorize', 'capture', 'ship', 'deliver'],
  CANCELLED: ['cancel'],
  REFUNDED: ['authorize', 'capture', 'refund'],
};

/** How many events an allowed command appends: cancelling a paid order also refunds it. */
const appendedBy = (command: LifecycleCommandType, status: OrderStatus) => (command === 'CancelOrder' && status === 'PAID' ? 2 : 1);

let harness: CommandServiceHarness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function orderIn(status: OrderStatus): Promise<{ orderId: string; version: number; reached: string }> {
  const orderId = newOrderId();
  await placeOrder(harness, { orderId });
  const reached = (await drive(harness, orderId, pathTo[status])) ?? 'PLACED';
  return { orderId, version: await harness.streamVersion(orderId), reached };
}

function send(command: HttpCommandType, orderId: string) {
  // PlaceOrder on an existing id with another body: the cell is `order-already-exists`.
  if (command === 'PlaceOrder') return harness.post('/orders', orderBody({ orderId, currency: 'USD' }));
  const route = routeOf[command];
  return harness.post(commandPaths[route](orderId), commandBodies[route]());
}

describe('the order lifecycle over HTTP', () => {
  it.each(orderStatuses)('builds an order into %s with the documented commands', async (status) => {
    const { orderId, version, reached } = await orderIn(status);
    expect(version).toBe(1 + pathTo[status].length);
    expect(reached).toBe(status);
    expect(await harness.streamVersions(orderId)).toHaveLength(version);
  });

  describe.each(orderStatuses)('in state %s', (status) => {
    const cells = httpCommandTypes.map((command) => ({ command, cell: orderLifecycle[command][status] }));

    for (const { command, cell } of cells) {
      if (cell.allowed) {
        it(`${command} is accepted and moves the order to ${cell.resultingStatuses.join(' or ')}`, async () => {
          const { orderId, version } = await orderIn(status);
          const answer = await send(command, orderId);

          const expectedVersion = version + appendedBy(command, status);
          expect(answer.status).toBe(command === 'PlaceOrder' ? 201 : 200);
          expect(answer.body).toEqual({ orderId, version: expectedVersion, position: expect.stringMatching(/^\d+$/), status: expect.any(String) });
          expect(cell.resultingStatuses).toContain(answer.body.status);
          expect(answer.headers.get('etag')).toBe(`"${expectedVersion}"`);
          expect(await harness.streamVersions(orderId)).toEqual(Array.from({ length: expectedVersion }, (_, i) => i + 1));
        });
      } else {
        it(`${command} is refused with 409 ${cell.rule} and leaves the stream unchanged`, async () => {
          const { orderId, version } = await orderIn(status);
          const eventsBefore = await harness.eventCount();

          const answer = await send(command, orderId);

          expectProblem(answer, 409, cell.rule);
          expect(await harness.streamVersions(orderId)).toHaveLength(version);
          expect(await harness.streamVersion(orderId)).toBe(version);
          expect(await harness.eventCount()).toBe(eventsBefore);
        });
      }
    }
  });

  it('answers 404 order-not-found for every command on an unknown order', async () => {
    const orderId = newOrderId();
    const eventsBefore = await harness.eventCount();
    for (const route of Object.values(routeOf)) {
      const answer = await harness.post(commandPaths[route](orderId), commandBodies[route]());
      expectProblem(answer, 404, 'order-not-found');
    }
    expect(await harness.eventCount()).toBe(eventsBefore);
    expect(await harness.streamVersion(orderId)).toBe(0);
  });

  it('cancelling a paid order appends OrderCancelled and a full PaymentRefunded', async () => {
    const { orderId, version } = await orderIn('PAID');

    const answer = await harness.post(commandPaths.cancel(orderId), commandBodies.cancel());

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.objectContaining({ version: version + 2, status: 'CANCELLED' }));
    const appended = await harness.pg.query<{ type: string; data: { amount?: number } }>(
      'SELECT type, data FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version',
      [orderStreamId(orderId), version],
    );
    expect(appended.rows.map((row) => row.type)).toEqual(['OrderCancelled', 'PaymentRefunded']);
    expect(appended.rows[1].data.amount).toBe(3999);
  });
});
