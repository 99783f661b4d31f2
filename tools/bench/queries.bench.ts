/**
 * `npm run bench` section `queries` (issue 6): p50/p99 of `GET /orders/{id}` and of a filtered
 * list page with 32 connections over 100,000 orders in the embedded profile's read store. The
 * view documents are written straight through the read-store port (the query side does not
 * care how they got there, and projecting 400,000 events first would only measure projection).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { JsonObject, openEventStoreDatabase } from '@ordersource/event-store';
import { personalDataMigrations } from '@ordersource/personal-data';
import { OrderChangeSet, PostgresReadStore, projectionStatusMigrations, readModelMigrations, readModelViews } from '@ordersource/read-models';
import { createDatabaseOn } from '@ordersource/testing/postgres';
import { request, Agent } from 'undici';
import { stopProcess, waitUntilReady } from '../start/service-process';
import { BenchTable } from './bench-table';
import { percentile } from './open-loop';

const ROOT = join(__dirname, '..', '..');
const ORDERS = 100_000;
const CONNECTIONS = 32;
const SECONDS = 8;
const STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

export async function benchQueries(serverUrl: string): Promise<BenchTable> {
  const database = await createDatabaseOn(serverUrl, 'os_bench_queries');
  const key = randomBytes(32).toString('base64');
  const opened = await openEventStoreDatabase({ url: database.url, chainKey: key, extraMigrations: [...personalDataMigrations, ...readModelMigrations, ...projectionStatusMigrations] });
  let service: ChildProcess | undefined;
  try {
    const store = new PostgresReadStore(opened.pool, readModelViews);
    await store.ensureViews();
    const ids = await seed(store);
    const port = 3990 + Math.floor(Math.random() * 9);
    service = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/query-service/src/main.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DATABASE_URL: database.url, QUERY_PORT: String(port), API_KEYS: 'bench.k=operator', ORDERSOURCE_MASTER_KEY: key, ORDERSOURCE_CHAIN_KEY: key, LOG_LEVEL: 'warn' },
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, service, 60_000);
    const one = await closedLoop(() => `${base}/orders/${ids[Math.floor(Math.random() * ids.length)]}`);
    const list = await closedLoop(() => `${base}/orders?customerId=c-${Math.floor(Math.random() * 1000)}&status=${STATUSES[Math.floor(Math.random() * STATUSES.length)]}&limit=50`);
    return {
      section: 'queries',
      rows: [
        { name: `GET /orders/{id}, ${CONNECTIONS} connections, ${ORDERS.toLocaleString('en-US')} orders: p50`, unit: 'ms', value: one.p50 },
        { name: 'GET /orders/{id}: p99', unit: 'ms', value: one.p99 },
        { name: 'GET /orders/{id}: throughput', unit: 'req/s', value: one.rate },
        { name: 'GET /orders?customerId=&status=&limit=50: p50', unit: 'ms', value: list.p50 },
        { name: 'GET /orders?customerId=&status=&limit=50: p99', unit: 'ms', value: list.p99 },
        { name: 'GET /orders?customerId=&status=&limit=50: throughput', unit: 'req/s', value: list.rate },
      ],
      notes: ['Closed loop (each connection sends its next request when the last answered), query service in its own process, embedded profile (PostgreSQL JSONB views).'],
    };
  } finally {
    if (service) await stopProcess(service);
    await opened.close();
    await database.drop();
  }
}

async function seed(store: PostgresReadStore): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  for (let batch = 0; batch < ORDERS / 1000; batch++) {
    const changes: OrderChangeSet[] = [];
    for (let i = 0; i < 1000; i++) {
      const orderId = randomUUID();
      ids.push(orderId);
      const placedAt = new Date(start + (batch * 1000 + i) * 1000).toISOString();
      const status = STATUSES[i % STATUSES.length];
      const head: JsonObject = {
        orderId,
        customerId: `c-${i % 1000}`,
        status,
        currency: 'EUR',
        items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1999 }],
        total: 3998,
        payment: { status: 'CAPTURED', method: 'card', authorized: 3998, captured: 3998, refunded: 0 },
        shipment: { status: 'PENDING', carrier: null, trackingNumber: null, lastCheckpoint: null },
        timeline: [{ status: 'PLACED', at: placedAt }],
        placedAt,
        updatedAt: placedAt,
        version: 3,
      };
      changes.push({ orderId, expectedVersion: 0, version: 3, head, records: [] });
    }
    await store.applyChanges('order-tracking', changes);
  }
  return ids;
}

async function closedLoop(url: () => string): Promise<{ p50: number; p99: number; rate: number }> {
  const dispatcher = new Agent({ connections: CONNECTIONS });
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const response = await request(url(), { dispatcher, headers: { authorization: 'Bearer bench.k' } });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`query answered ${response.statusCode}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  await dispatcher.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), rate: latencies.length / SECONDS };
}
