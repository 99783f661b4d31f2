import { randomBytes, randomUUID } from 'node:crypto';
import { OrdersourceConfig, loadConfig } from '@ordersource/platform';
// This file is test support itself (the e2e suites' harness), not application code.
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { jsonRequest, type HttpAnswer, type RequestOptions } from '@ordersource/testing/raw-http';
import { RunningCommandService, startCommandService } from '../src/bootstrap';
import { orderStreamId } from '@ordersource/domain';

/**
 * The command service over real HTTP (issue 4): started in-process on port 0 against a fresh
 * database, driven with Node's global fetch, checked with a raw pg client.
 */
export const keys = {
  admin: 'adm.k1',
  operator: 'ops.k2',
  customerA: 'cust-a-key',
  customerB: 'cust-b-key',
  /** A customer whose id equals the admin key's subject (`adm`): the two must share nothing. */
  customerNamedLikeAdmin: 'adm-cust-key',
} as const;
export const API_KEYS = 'adm.k1=admin,ops.k2=operator,cust-a-key=customer:cust-a,cust-b-key=customer:cust-b,adm-cust-key=customer:adm';

export type { HttpAnswer, RequestOptions };

export interface CommandServiceHarness {
  url: string;
  service: RunningCommandService;
  db: TestDatabase;
  /** A superuser client on the suite's database, for raw checks. */
  pg: Client;
  /** The service's ORDERSOURCE_CHAIN_KEY, for suites that export or repair the log. */
  chainKey: string;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<HttpAnswer>;
  get(path: string, options?: RequestOptions): Promise<HttpAnswer>;
  eventCount(): Promise<number>;
  idempotencyCount(): Promise<number>;
  /** Versions stored for one order's stream, ascending. */
  streamVersions(orderId: string): Promise<number[]>;
  /** The `streams` row's version (0 when absent). */
  streamVersion(orderId: string): Promise<number>;
  stop(): Promise<void>;
}

const secret = () => randomBytes(32).toString('base64');

/** `overrides`: configuration a suite needs other than the defaults (e.g. a low rate limit). */
export async function startHarness(overrides: Partial<OrdersourceConfig> = {}): Promise<CommandServiceHarness> {
  const db = await createTestDatabase('os_cmd_e2e');
  const chainKey = secret();
  let service: RunningCommandService;
  try {
    service = await startCommandService(
      {
        ...loadConfig({}),
        databaseUrl: db.url,
        ports: { command: 0, query: 0, projector: 0 },
        apiKeys: API_KEYS,
        masterKey: secret(),
        chainKey,
        logLevel: process.env.E2E_LOG_LEVEL ?? 'silent',
        ...overrides,
      },
      { host: '127.0.0.1' },
    );
  } catch (error) {
    await db.drop();
    throw error;
  }
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const url = service.url;

  const request = (method: string, path: string, body: unknown, options: RequestOptions = {}): Promise<HttpAnswer> =>
    jsonRequest(url, method, path, body, { ...options, defaultKey: keys.admin });
  const count = async (sql: string) => Number((await pg.query<{ n: string }>(sql)).rows[0].n);

  return {
    url,
    service,
    db,
    pg,
    chainKey,
    post: (path, body, options) => request('POST', path, body, options),
    get: (path, options) => request('GET', path, undefined, options),
    eventCount: () => count('SELECT count(*) AS n FROM events'),
    idempotencyCount: () => count('SELECT count(*) AS n FROM idempotency'),
    streamVersions: async (orderId) =>
      (await pg.query<{ version: number }>('SELECT version FROM events WHERE stream_id = $1 ORDER BY version', [orderStreamId(orderId)])).rows.map((r) => r.version),
    streamVersion: async (orderId) =>
      (await pg.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [orderStreamId(orderId)])).rows[0]?.version ?? 0,
    async stop() {
      await pg.end().catch(() => undefined);
      await service.close().catch(() => undefined);
      await db.drop();
    },
  };
}

/** A valid `POST /orders` body: two items, total 2 * 1500 + 1 * 999 = 3999 EUR cents. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'cust-a',
    currency: 'EUR',
    items: [
      { sku: 'SKU-1', name: 'Kettle', quantity: 2, unitPrice: 1500 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
    ],
    shippingAddress: { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
    ...overrides,
  };
}
export const ORDER_TOTAL = 3999;

/** Valid bodies for the nine commands, keyed by the route under `/orders/{id}`. */
export const commandBodies = {
  authorize: () => ({ amount: ORDER_TOTAL, method: 'card', paymentId: 'pay-1' }),
  fail: () => ({ reason: 'card declined', method: 'card' }),
  capture: () => undefined,
  ship: () => ({ carrier: 'DHL', trackingNumber: 'TRK-1', warehouse: 'WH-1' }),
  checkpoint: (location = 'Leipzig hub') => ({ location, kind: 'arrived', occurredAt: new Date(Date.now() - 60_000).toISOString() }),
  deliver: () => ({ receivedBy: 'Neighbour' }),
  cancel: () => ({ reason: 'changed my mind' }),
  refund: (amount = ORDER_TOTAL) => ({ amount, reason: 'returned' }),
};

export const commandPaths = {
  authorize: (id: string) => `/orders/${id}/payment/authorize`,
  fail: (id: string) => `/orders/${id}/payment/fail`,
  capture: (id: string) => `/orders/${id}/payment/capture`,
  ship: (id: string) => `/orders/${id}/shipment`,
  checkpoint: (id: string) => `/orders/${id}/shipment/checkpoints`,
  deliver: (id: string) => `/orders/${id}/deliver`,
  cancel: (id: string) => `/orders/${id}/cancel`,
  refund: (id: string) => `/orders/${id}/refund`,
};
export type CommandRoute = keyof typeof commandPaths;

/** Places an order (admin key unless given) and returns its id; fails loudly on anything but 201. */
export async function placeOrder(harness: CommandServiceHarness, overrides: Record<string, unknown> = {}, key: string = keys.admin): Promise<string> {
  const answer = await harness.post('/orders', orderBody(overrides), { key });
  if (answer.status !== 201) throw new Error(`placing an order answered ${answer.status}: ${answer.text}`);
  return answer.body.orderId as string;
}

/** Runs commands in order on one order, failing loudly unless each answers 200; returns the last status. */
export async function drive(harness: CommandServiceHarness, orderId: string, steps: CommandRoute[]): Promise<string | undefined> {
  let status: string | undefined;
  for (const step of steps) {
    const answer = await harness.post(commandPaths[step](orderId), commandBodies[step]());
    if (answer.status !== 200) throw new Error(`${step} on ${orderId} answered ${answer.status}: ${answer.text}`);
    status = answer.body.status;
  }
  return status;
}

export const newOrderId = () => randomUUID();

/** Every problem document has the RFC 9457 members and never leaks a stack trace. */
export function expectProblem(answer: HttpAnswer, status: number, rule: string): void {
  expect({ status: answer.status, type: answer.body?.type }).toEqual({ status, type: expect.stringMatching(new RegExp(`/${rule}$`)) });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toEqual(expect.objectContaining({ title: expect.any(String), status, detail: expect.any(String) }));
  expect(answer.text).not.toMatch(/\n\s+at |stack/i);
}
