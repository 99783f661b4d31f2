import { randomUUID } from 'node:crypto';
import { OrderStatus, orderStreamId } from '@ordersource/domain';
import {
  CommandRoute,
  CommandServiceHarness,
  HttpAnswer,
  commandBodies,
  commandPaths,
  drive,
  expectProblem,
  keys,
  orderBody,
  placeOrder,
  startHarness,
} from './command-service.harness';

/** API.md "Auth": every role against every command and admin route, over real HTTP. */
const roles = {
  none: null,
  unknown: 'no-such-key',
  customerA: keys.customerA,
  customerB: keys.customerB,
  operator: keys.operator,
  admin: keys.admin,
} as const;
type RoleName = keyof typeof roles;

/** What a role gets: allowed (2xx), 401, 403, or 404 (another customer's order). */
type Outcome = 'allowed' | 401 | 403 | 404;

interface Route {
  name: string;
  /** The state the target order must be in for the command to be allowed. */
  needs?: OrderStatus;
  send(orderId: string, key: string | null): Promise<HttpAnswer>;
  /** Outcomes for customerA, customerB, operator, admin (none and unknown: always 401). */
  access: [Outcome, Outcome, Outcome, Outcome];
}

const stepsTo: Partial<Record<OrderStatus, CommandRoute[]>> = {
  PLACED: [],
  PAYMENT_AUTHORIZED: ['authorize'],
  PAID: ['authorize', 'capture'],
  SHIPPED: ['authorize', 'capture', 'ship'],
};

let harness: CommandServiceHarness;

const command = (route: CommandRoute, needs: OrderStatus, access: Route['access'], body: () => unknown = commandBodies[route]): Route => ({
  name: `POST ${commandPaths[route](':id')}`,
  needs,
  send: (orderId, key) => harness.post(commandPaths[route](orderId), body(), { key }),
  access,
});
const staffOnly: Route['access'] = [403, 403, 'allowed', 'allowed'];
const adminOnly: Route['access'] = [403, 403, 403, 'allowed'];

const routes: Route[] = [
  // Customer B sends customer A's customerId: placing for another customer is 403.
  { name: 'POST /orders', send: (_id, key) => harness.post('/orders', orderBody({ customerId: 'cust-a' }), { key }), access: ['allowed', 403, 'allowed', 'allowed'] },
  command('authorize', 'PLACED', staffOnly),
  command('fail', 'PLACED', staffOnly),
  command('capture', 'PAYMENT_AUTHORIZED', staffOnly),
  command('ship', 'PAID', staffOnly),
  command('checkpoint', 'SHIPPED', staffOnly),
  command('deliver', 'SHIPPED', staffOnly),
  command('cancel', 'PLACED', ['allowed', 404, 'allowed', 'allowed']),
  command('refund', 'PAID', adminOnly, () => commandBodies.refund(100)),
  { name: 'GET /admin/integrity', send: (_id, key) => harness.get('/admin/integrity', { key }), access: adminOnly },
  { name: 'POST /admin/customers/:id/forget', send: (_id, key) => harness.post('/admin/customers/cust-forgotten/forget', undefined, { key }), access: adminOnly },
];

function expected(route: Route, role: RoleName): Outcome {
  if (role === 'none' || role === 'unknown') return 401;
  return route.access[['customerA', 'customerB', 'operator', 'admin'].indexOf(role)];
}

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.stop();
});

/** A fresh order of customer A in the state the route needs. */
async function target(route: Route): Promise<string> {
  if (!route.needs) return '';
  const orderId = await placeOrder(harness, { customerId: 'cust-a' });
  await drive(harness, orderId, stepsTo[route.needs] ?? []);
  return orderId;
}

describe('access by role', () => {
  const cases = routes.flatMap((route) => (Object.keys(roles) as RoleName[]).map((role) => ({ route, role, outcome: expected(route, role) })));

  it.each(cases.map((c) => [c.route.name, c.role, String(c.outcome), c] as const))('%s as %s: %s', async (_route, _role, _outcome, { route, role, outcome }) => {
    const orderId = await target(route);
    const before = await harness.eventCount();

    const answer = await route.send(orderId, roles[role]);

    if (outcome === 'allowed') {
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(300);
      return;
    }
    if (outcome === 401) {
      expectProblem(answer, 401, 'unauthorized');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    if (outcome === 403) expectProblem(answer, 403, 'forbidden');
    if (outcome === 404) expectProblem(answer, 404, 'order-not-found');
    expect(await harness.eventCount()).toBe(before);
  });
});

describe('customers and their own orders', () => {
  it('lets customer B place an order for its own customerId', async () => {
    const answer = await harness.post('/orders', orderBody({ customerId: 'cust-b' }), { key: keys.customerB });

    expect(answer.status).toBe(201);
  });

  it('records the actor as role:subject: customer:<customer id> for customers, <role>:<key name> for staff', async () => {
    const byCustomer = await harness.post('/orders', orderBody({ customerId: 'cust-a' }), { key: keys.customerA });
    const byOperator = await harness.post(commandPaths.cancel(byCustomer.body.orderId), commandBodies.cancel(), { key: keys.operator });

    const rows = await harness.pg.query<{ actor: string }>("SELECT metadata->>'actor' AS actor FROM events WHERE stream_id = $1 ORDER BY version", [
      orderStreamId(byCustomer.body.orderId),
    ]);
    expect(byOperator.status).toBe(200);
    expect(rows.rows.map((r) => r.actor)).toEqual(['customer:cust-a', 'operator:ops']);
  });

  it("keeps a customer whose id equals a staff key's name apart from that key in the log (issue 17: both were actor `adm`)", async () => {
    const byCustomer = await harness.post('/orders', orderBody({ customerId: 'adm' }), { key: keys.customerNamedLikeAdmin });
    const byAdmin = await harness.post(commandPaths.cancel(byCustomer.body.orderId), commandBodies.cancel(), { key: keys.admin });

    const rows = await harness.pg.query<{ actor: string }>("SELECT metadata->>'actor' AS actor FROM events WHERE stream_id = $1 ORDER BY version", [
      orderStreamId(byCustomer.body.orderId),
    ]);
    expect([byCustomer.status, byAdmin.status]).toEqual([201, 200]);
    expect(rows.rows.map((r) => r.actor)).toEqual(['customer:adm', 'admin:adm']);
  });

  it("answers 404, never 403, when customer B cancels customer A's order, and A's order is untouched", async () => {
    const orderId = await placeOrder(harness, { customerId: 'cust-a' }, keys.customerA);

    const answer = await harness.post(commandPaths.cancel(orderId), commandBodies.cancel(), { key: keys.customerB });

    expectProblem(answer, 404, 'order-not-found');
    expect(answer.text).not.toContain('cust-a');
    expect(await harness.streamVersions(orderId)).toEqual([1]);
  });

  // API.md "v1 clarifications": whatever a customer may not see answers exactly as an order
  // that does not exist (same status, problem type and detail), so a probe learns nothing.
  it.each(['cancel', 'cancel with a stale If-Match'])("answers customer B's %s of customer A's order exactly as an unknown order", async (variant) => {
    const orderId = await placeOrder(harness, { customerId: 'cust-a' }, keys.customerA);
    const headers = variant.includes('If-Match') ? { 'if-match': '"7"' } : undefined;
    const send = (id: string) => harness.post(commandPaths.cancel(id), commandBodies.cancel(), { key: keys.customerB, headers });

    const [hidden, unknown] = await Promise.all([send(orderId), send(randomUUID())]);

    const problem = (answer: HttpAnswer) => ({ status: answer.status, type: answer.body.type, title: answer.body.title, detail: answer.body.detail });
    expect(problem(hidden)).toEqual(problem(unknown));
    expect(hidden.status).toBe(404);
  });
});

describe('credentials', () => {
  it.each([
    ['a Basic scheme', 'Basic YWRtOms='],
    ['a bare key without scheme', keys.admin],
    ['an empty Bearer', 'Bearer '],
    ['a key with a trailing character', `Bearer ${keys.admin}x`],
  ])('refuses %s with 401 and WWW-Authenticate: Bearer', async (_name, authorization) => {
    const answer = await harness.post('/orders', orderBody(), { key: null, headers: { authorization } });

    expectProblem(answer, 401, 'unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(['/health/live', '/health/ready', '/metrics', '/docs-json', '/docs'])('serves %s without a key', async (path) => {
    const answer = await harness.get(path, { key: null });

    expect(answer.status).toBe(200);
  });
});
